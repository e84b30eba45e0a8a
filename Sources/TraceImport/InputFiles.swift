import Foundation

/// Turns the paths a user gave into the list of files to read.
public enum InputFiles {
    /// File name endings read when a folder is given; files named explicitly are always read.
    /// The name only picks candidates: every file's format is recognised from its content.
    public static let extensions: Set<String> = ["json", "jsonl", "ndjson", "pb", "proto", "protobuf", "bin", "gz", "zst", "zstd"]

    /// Expands folders (recursively, hidden entries skipped) into their span files, sorted by
    /// path so that the same folder always gives the same order. Explicit files are kept as given.
    /// - Throws: `ImportError` for a path that does not exist.
    public static func expand(_ paths: [String]) throws(ImportError) -> [String] {
        var files: [String] = []
        for path in paths {
            if path == SpanFileReader.standardInputPath {
                files.append(path)
                continue
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ImportError(file: path, message: "no such file or folder")
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let base = URL(fileURLWithPath: path)
            guard
                let walker = FileManager.default.enumerator(
                    at: base, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
            else { throw ImportError(file: path, message: "cannot list this folder") }
            var found: [String] = []
            for case let url as URL in walker where extensions.contains(url.pathExtension.lowercased()) {
                guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
                // Keep the user's spelling of the folder in messages and in the report.
                let relative = url.path.dropFirst(base.path.count).drop { $0 == "/" }
                found.append(path.hasSuffix("/") ? path + relative : path + "/" + relative)
            }
            files += found.sorted()
        }
        return files
    }
}
