import Foundation
import SystemCalls
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

    /// Moves the entries of `staging` (a folder inside `destination`) into `destination`, and
    /// returns the folder holding what they replaced, to be removed.
    static func publish(_ staging: URL, into destination: URL) throws(ReportError) -> URL {
        let names = ((try? Paths.names(in: staging.path)) ?? []).sorted()
        let token = staging.lastPathComponent.dropFirst((prefix + "staging-").count)
        let journal = destination.appendingPathComponent(prefix + "journal-\(token)")
        // Written under a staging name (a leftover until renamed), then made durable.
        let written = destination.appendingPathComponent(staging.lastPathComponent + "-journal")
        let text = ([journalHeader, staging.lastPathComponent] + names).joined(separator: "\n") + "\n"
        do {
            try FileWriting.write(text, toPath: written.path)
            try Paths.flush(written.path)
            try Paths.rename(written.path, to: journal.path)
        } catch {
            throw .output(path: destination.path, message: "cannot write \(journal.path) (\(error))")
        }
        try? Paths.flush(destination.path)
        return try finish(journal, in: destination)
    }

    /// Finishes a publishing a killed run began (its journal is left), removing what it
    /// replaced. Called with the destination's lock held.
    static func finishInterrupted(in destination: URL) {
        for entry in ((try? Paths.names(in: destination.path)) ?? []).sorted() where entry.hasPrefix(prefix + "journal-") {
            guard let previous = try? finish(destination.appendingPathComponent(entry), in: destination) else { continue }
            OutputFolder.removeTree(previous)
        }
    }

    private static let journalHeader = "tracereport publishing 1"

    /// Moves what `journal` names into place, whatever part of it was done before: an entry
    /// still in the staging folder is moved in (what it replaces, aside), then every other site
    /// entry is moved aside. Returns the folder of what was moved aside.
    private static func finish(_ journal: URL, in destination: URL) throws(ReportError) -> URL {
        let lines = ((try? Paths.text(of: journal.path)) ?? "").split(separator: "\n").map(String.init)
        guard lines.count >= 2, lines[0] == journalHeader, lines[1].hasPrefix(prefix + "staging-") else {
            try? Paths.removeFile(journal.path)
            throw .output(path: journal.path, message: "is not a publishing journal tracereport wrote; removed")
        }
        let staging = destination.appendingPathComponent(lines[1])
        let names = Array(lines.dropFirst(2))
        let previous = destination.appendingPathComponent(
            prefix + "old-" + journal.lastPathComponent.dropFirst((prefix + "journal-").count))
        do {
            try Paths.makeFolder(previous.path, mode: 0o700)
        } catch  where error.code != EEXIST {
            throw .output(path: previous.path, message: "cannot create the folder for the previous site (\(error))")
        } catch {}
        // Folders first and `index.html` last, so that a page read meanwhile finds what it links to.
        let pending = names.compactMap { name in (try? Paths.entry(staging.appendingPathComponent(name).path)).map { (name, $0 == .folder) }
        }
        for (name, sourceIsFolder) in pending.sorted(by: { order($0) < order($1) }) {
            let source = staging.appendingPathComponent(name)
            let target = destination.appendingPathComponent(name)
            // A file replaces a file in one rename; anything else is moved aside first.
            if let targetEntry = try? Paths.entry(target.path), sourceIsFolder || targetEntry == .folder {
                try moveAside(target, into: previous)
            }
            do {
                try Paths.rename(source.path, to: target.path)
            } catch {
                throw .output(path: target.path, message: "cannot move the new site's entry into place (\(error))")
            }
        }
        let kept = Set(names)
        for entry in ((try? Paths.names(in: destination.path)) ?? []).sorted() where isSiteEntry(entry) && !kept.contains(entry) {
            try moveAside(destination.appendingPathComponent(entry), into: previous)
        }
        try? Paths.removeFile(journal.path)
        try? Paths.removeEmptyFolder(staging.path)
        return previous
    }

    /// Where an entry of the new site is moved in: folders, pages, then `index.html`.
    private static func order(_ entry: (name: String, isFolder: Bool)) -> (Int, String) {
        (entry.isFolder ? 0 : entry.name == "index.html" ? 2 : 1, entry.name)
    }

    /// Moves an entry of the previous site into `previous`; a folder made read-only is made
    /// writable first (moving a folder rewrites its `..`).
    private static func moveAside(_ entry: URL, into previous: URL) throws(ReportError) {
        let target = previous.appendingPathComponent(entry.lastPathComponent)
        do {
            do {
                try Paths.rename(entry.path, to: target.path)
            } catch  where error.code == EACCES {
                try Paths.makeWritable(entry.path)
                try Paths.rename(entry.path, to: target.path)
            }
        } catch {
            throw .output(
                path: entry.path, message: "cannot move the previous site's entry aside (\(error)); the next run finishes publishing")
        }
    }
}
