import SystemCalls
import TraceModel

/// Turns the paths a user gave into the list of files to read.
public enum InputFiles {
    /// File name endings read when a folder is given; files named explicitly are always read.
    /// The name only picks candidates: every file's format is recognised from its content.
    public static let extensions: Set<String> = ["json", "jsonl", "ndjson", "pb", "proto", "protobuf", "bin", "gz", "zst", "zstd"]

    /// The files to read, and what in the folders given could not be: an entry that cannot be
    /// read (no permission, a dangling link), something that is not a file (a pipe or device
    /// inside a folder). Each is one input to report as skipped.
    public struct Listing: Sendable {
        /// Files in order: each path given, folders expanded in place (sorted by path).
        public var files: [String]
        /// What was passed over, and why, by path.
        public var passedOver: [ImportError]
    }

    /// Expands folders (recursively, hidden entries skipped, links followed) into their span
    /// files, sorted by path so that the same folder always gives the same order. Explicit files
    /// are kept as given. Paths that are not UTF-8 (in folders, or given on the command line and
    /// registered with `InputPath.register`) are listed by their `InputPath.display` text, which
    /// reading finds them again by. Nothing recurses: a folder tree of any depth is walked with a
    /// stack, a folder reached twice (a link loop) is listed once, and a file reached by several
    /// paths in the folders (a `latest` link beside its target) is listed once, by the first of
    /// them in sorted order. Folders inside them that tracereport wrote (they hold
    /// `OutputMarker.fileName`: a site written into the input folder) are not read.
    /// - Throws: `ImportError` for a path given that does not exist.
    public static func list(_ paths: [String]) throws(ImportError) -> Listing {
        var listing = Listing(files: [], passedOver: [])
        var listed = Set<Paths.FileIdentity>()
        var filesListed = Set<Paths.FileIdentity>()
        for text in paths {
            if text == SpanFileReader.standardInputPath {
                listing.files.append(text)
                continue
            }
            let path = InputPath(resolving: text)
            let status: Paths.Status
            do {
                status = try Paths.status(bytes: path.bytes)
            } catch {
                throw ImportError(file: text, message: "no such file or folder (\(error))")
            }
            guard status.entry == .folder else {
                listing.files.append(text)
                continue
            }
            var found: [(path: InputPath, identity: Paths.FileIdentity)] = []
            walk(path, identity: status.identity, listed: &listed, found: &found, passedOver: &listing.passedOver)
            for file in found.sorted(by: { $0.path.display < $1.path.display }) where filesListed.insert(file.identity).inserted {
                file.path.register()
                listing.files.append(file.path.display)
            }
        }
        return listing
    }

    /// The files `list` finds, without what it passed over.
    public static func expand(_ paths: [String]) throws(ImportError) -> [String] {
        try list(paths).files
    }

    /// Collects the span files under `root`, folder by folder.
    private static func walk(
        _ root: InputPath, identity: Paths.FileIdentity, listed: inout Set<Paths.FileIdentity>,
        found: inout [(path: InputPath, identity: Paths.FileIdentity)],
        passedOver: inout [ImportError]
    ) {
        guard listed.insert(identity).inserted else { return }
        var folders = [root]
        while let folder = folders.popLast() {
            let names: [[UInt8]]
            do {
                names = try Paths.names(inBytes: folder.bytes)
            } catch {
                passedOver.append(ImportError(file: folder.display, message: "cannot list this folder: \(error)"))
                continue
            }
            // A folder tracereport wrote (a site inside the input folder) is output, not input,
            // unless it was named itself.
            if folder.display != root.display && names.contains(Array(OutputMarker.fileName.utf8)) { continue }
            for name in names where name.first != UInt8(ascii: ".") {
                let path = folder.appending(name)
                switch Result(catching: { () throws(SystemError) in try Paths.status(bytes: path.bytes) }) {
                case .failure(let error):
                    passedOver.append(ImportError(file: path.display, message: "cannot read: \(error)"))
                case .success(let status):
                    switch status.entry {
                    case .folder:
                        // A folder reached again (a link loop, or two links to it) is read once.
                        if listed.insert(status.identity).inserted { folders.append(path) }
                    case .file:
                        if extensions.contains(fileExtension(name)) { found.append((path, status.identity)) }
                    case .other:
                        if extensions.contains(fileExtension(name)) {
                            passedOver.append(
                                ImportError(
                                    file: path.display,
                                    message: "not a regular file (a pipe or device): name it on the command line to read it"))
                        }
                    }
                }
            }
        }
    }

    /// The lower-cased text after the last `.` of a file name ("" when there is none).
    private static func fileExtension(_ name: [UInt8]) -> String {
        guard let dot = name.lastIndex(of: UInt8(ascii: ".")) else { return "" }
        return String(decoding: name[(dot + 1)...], as: UTF8.self).lowercased()
    }
}
