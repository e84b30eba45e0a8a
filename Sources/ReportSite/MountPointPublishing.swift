import Foundation
import TraceModel

/// Publishing into a mount point, which cannot be renamed or exchanged: the new site is staged
/// inside it, a journal naming the new site's entries is made durable, and the entries are moved
/// into place one by one (a file renamed over the previous one, a folder after the previous one
/// is moved aside). A kill leaves the journal, and the next run finishes the move before it does
/// anything else; until then a reader may see entries of both sites. Every name made inside the
/// mount point begins with two dots; its `lost+found` is never touched.
enum MountPointPublishing {
    /// How the names a run makes inside a mount point begin.
    static let prefix = "..tracereport-"

    /// Whether `name`, in a mount point, belongs to the site: not one of tracereport's own names
    /// (two dots) and not the file system's `lost+found`.
    static func isSiteEntry(_ name: String) -> Bool { !name.hasPrefix("..") && name != "lost+found" }

    /// Whether the folder at `path` is a mount point: on another device than its parent, or in
    /// the kernel's mount table (a bind mount of a folder of the same file system).
    static func isMountPoint(_ path: String) -> Bool {
        var status = stat()
        guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR, let real = OutputFolder.realPath(path), real != "/"
        else { return false }
        var parent = stat()
        if stat((real as NSString).deletingLastPathComponent, &parent) == 0, parent.st_dev != status.st_dev { return true }
        guard let table = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else { return false }
        // Field 5 of each line is a mount point, its spaces, tabs, newlines and backslashes as
        // octal escapes.
        return table.split(separator: "\n").contains { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            return fields.count > 4 && unescape(fields[4]) == real
        }
    }

    /// A mount table path with its `\ooo` escapes decoded.
    private static func unescape(_ field: Substring) -> String {
        var bytes: [UInt8] = []
        var rest = Array(field.utf8)[...]
        while let byte = rest.popFirst() {
            if byte == UInt8(ascii: "\\"), rest.count >= 3, let value = UInt8(String(decoding: rest.prefix(3), as: UTF8.self), radix: 8) {
                bytes.append(value)
                rest = rest.dropFirst(3)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Moves the entries of `staging` (a folder inside `destination`) into `destination`, and
    /// returns the folder holding what they replaced, to be removed.
    static func publish(_ staging: URL, into destination: URL) throws(ReportError) -> URL {
        let names = (OutputFolder.listing(staging.path) ?? []).sorted()
        let token = staging.lastPathComponent.dropFirst((prefix + "staging-").count)
        let journal = destination.appendingPathComponent(prefix + "journal-\(token)")
        // Written under a staging name (a leftover until renamed), then made durable.
        let written = destination.appendingPathComponent(staging.lastPathComponent + "-journal")
        let text = ([journalHeader, staging.lastPathComponent] + names).joined(separator: "\n") + "\n"
        if let failure = FileWriting.write(text, toPath: written.path) ?? FileWriting.flush(written.path) {
            throw .output(path: destination.path, message: "cannot write \(written.path) (\(failure))")
        }
        guard rename(written.path, journal.path) == 0 else {
            throw .output(path: destination.path, message: "cannot write \(journal.path) (\(OutputFolder.systemMessage()))")
        }
        _ = FileWriting.flush(destination.path)
        return try finish(journal, in: destination)
    }

    /// Finishes a publishing a killed run began (its journal is left), removing what it
    /// replaced. Called with the destination's lock held.
    static func finishInterrupted(in destination: URL) {
        for entry in (OutputFolder.listing(destination.path) ?? []).sorted() where entry.hasPrefix(prefix + "journal-") {
            guard let previous = try? finish(destination.appendingPathComponent(entry), in: destination) else { continue }
            OutputFolder.removeTree(previous)
        }
    }

    private static let journalHeader = "tracereport publishing 1"

    /// Moves what `journal` names into place, whatever part of it was done before: an entry
    /// still in the staging folder is moved in (what it replaces, aside), then every other site
    /// entry is moved aside. Returns the folder of what was moved aside.
    private static func finish(_ journal: URL, in destination: URL) throws(ReportError) -> URL {
        let lines = ((try? String(contentsOf: journal, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        guard lines.count >= 2, lines[0] == journalHeader, lines[1].hasPrefix(prefix + "staging-") else {
            unlink(journal.path)
            throw .output(path: journal.path, message: "is not a publishing journal tracereport wrote; removed")
        }
        let staging = destination.appendingPathComponent(lines[1])
        let names = Array(lines.dropFirst(2))
        let previous = destination.appendingPathComponent(
            prefix + "old-" + journal.lastPathComponent.dropFirst((prefix + "journal-").count))
        guard mkdir(previous.path, 0o700) == 0 || errno == EEXIST else {
            throw .output(path: previous.path, message: "cannot create the folder for the previous site (\(OutputFolder.systemMessage()))")
        }
        // Folders first and `index.html` last, so that a page read meanwhile finds what it links to.
        let pending = names.compactMap { name in isFolder(staging.appendingPathComponent(name).path).map { (name, $0) } }
        for (name, sourceIsFolder) in pending.sorted(by: { order($0) < order($1) }) {
            let source = staging.appendingPathComponent(name)
            let target = destination.appendingPathComponent(name)
            // A file replaces a file in one rename; anything else is moved aside first.
            if let targetIsFolder = isFolder(target.path), sourceIsFolder || targetIsFolder {
                try moveAside(target, into: previous)
            }
            guard rename(source.path, target.path) == 0 else {
                throw .output(path: target.path, message: "cannot move the new site's entry into place (\(OutputFolder.systemMessage()))")
            }
        }
        let kept = Set(names)
        for entry in (OutputFolder.listing(destination.path) ?? []).sorted() where isSiteEntry(entry) && !kept.contains(entry) {
            try moveAside(destination.appendingPathComponent(entry), into: previous)
        }
        unlink(journal.path)
        rmdir(staging.path)
        return previous
    }

    /// Where an entry of the new site is moved in: folders, pages, then `index.html`.
    private static func order(_ entry: (name: String, isFolder: Bool)) -> (Int, String) {
        (entry.isFolder ? 0 : entry.name == "index.html" ? 2 : 1, entry.name)
    }

    /// Whether `path` is a folder; nil when nothing is there.
    private static func isFolder(_ path: String) -> Bool? {
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        return status.st_mode & S_IFMT == S_IFDIR
    }

    /// Moves an entry of the previous site into `previous`; a folder made read-only is made
    /// writable first (moving a folder rewrites its `..`).
    private static func moveAside(_ entry: URL, into previous: URL) throws(ReportError) {
        let target = previous.appendingPathComponent(entry.lastPathComponent)
        if rename(entry.path, target.path) == 0 { return }
        if errno == EACCES, chmod(entry.path, 0o700) == 0, rename(entry.path, target.path) == 0 { return }
        throw .output(
            path: entry.path,
            message: "cannot move the previous site's entry aside (\(OutputFolder.systemMessage())); the next run finishes publishing")
    }
}
