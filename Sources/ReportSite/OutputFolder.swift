public import Foundation
import SystemCalls
import TraceModel

/// Publishing a folder: what it is, who may replace it, the lock that makes one run at a time
/// write it, the exchange that publishes it, and the leftovers of runs that were killed (the
/// system calls are `SystemCalls`'). Every name it makes beside an output `NAME` begins
/// `.NAME.tracereport-`.
public enum OutputFolder {
    /// What wrote a folder, as its marker file says: a folder is replaced only by a run that
    /// writes the same kind.
    public enum Kind: String, Sendable, CaseIterable {
        /// A report site (`report`, `merge`).
        case site
        /// Partition files and `partitions.json` (`partition`).
        case partitions
        /// A built part: `part.json` and its pages (`build`).
        case part
        /// The work folder of a run spilled to disk.
        case work

        /// The marker file's text.
        var marker: String { "tracereport \(rawValue)\n" }

        /// The kind a marker's text names; nil when it names none. Markers written before kinds
        /// were ("tracereport site") are told by the folder's content.
        static func of(marker text: String, entries: [String]) -> Kind? {
            let line = text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
            guard line.hasPrefix("tracereport ") else { return nil }
            if let kind = Kind(rawValue: String(line.dropFirst("tracereport ".count))), text == kind.marker {
                if kind != .site { return kind }
                if entries.contains("partitions.json") { return .partitions }
                if entries.contains("part.json") { return .part }
                return .site
            }
            return nil
        }

        /// What the kind is called in a refusal.
        var name: String {
            switch self {
            case .site: "a report site"
            case .partitions: "a partition folder"
            case .part: "a built part"
            case .work: "a work folder"
            }
        }
    }

    /// The file that marks a folder as written by tracereport, holding its `Kind`.
    public static let markerName = OutputMarker.fileName

    /// Why `destination` must not be replaced by a run writing `kind` from `inputs`; nil when it
    /// may be. Refused whatever `force` says: an empty path, the root, the current folder or one
    /// of its parents, a folder holding one of the inputs, something not a folder, and a folder
    /// that cannot be listed. Refused unless `force`: a folder tracereport did not
    /// write, or that it wrote as another kind.
    public static func refusal(
        toReplace destination: URL, kind: Kind, inputs: [String] = [], force: Bool
    ) -> String? {
        let path = destination.path
        guard !path.isEmpty else { return "an empty path is not a folder to write; give --output a folder name" }
        let real = Paths.real(path)
        if let real, let current = Paths.currentFolder.flatMap(Paths.real),
            real == "/" || current == real || current.hasPrefix(real + "/")
        {
            return "is the current folder or one of its parents: tracereport will not replace it; choose a new folder for --output"
        }
        let entry: Paths.Entry
        do {
            entry = try Paths.entry(path)
        } catch {
            if error.code == ENOENT { return nil }
            return "cannot be examined (\(error)); choose another --output"
        }
        let isInside = place(of: destination).isInside
        if let real {
            for input in inputs {
                guard let input = Paths.real(input) else { continue }
                // In a mount point, tracereport's own names (a spilled run's work) are not replaced.
                let entry = String(input.dropFirst(real.count + 1).prefix { $0 != "/" })
                let isOwnWork = isInside && !MountPointPublishing.isSiteEntry(entry)
                if input == real || (input.hasPrefix(real + "/") && !isOwnWork) {
                    return "holds an input of this run (\(input)): replacing it would delete that input; choose another --output"
                }
            }
        }
        guard entry == .folder else {
            return "exists and is not a folder; choose another --output"
        }
        var entries: [String]
        do {
            entries = try Paths.names(in: path)
        } catch {
            return "cannot be listed (\(error)): tracereport replaces only a folder it can see into; choose another --output"
        }
        if isInside { entries.removeAll { !MountPointPublishing.isSiteEntry($0) } }
        if entries.isEmpty { return nil }
        guard entries.contains(markerName) else {
            if force { return nil }
            return "exists and was not written by tracereport (no \(markerName) file); refusing to replace it. "
                + "Choose an empty or new folder for --output, or add --force"
        }
        let text = (try? Paths.text(of: destination.appendingPathComponent(markerName).path)) ?? ""
        let written = Kind.of(marker: text, entries: entries)
        if written == kind || force { return nil }
        return "holds \(written?.name ?? "something tracereport did not recognise"), not \(kind.name): refusing to replace it. "
            + "Choose another --output, or add --force"
    }

    // MARK: Where a run's own names go

    /// The folder that holds the names a run makes for a destination (its lock, staging folder,
    /// previous site), and how they begin: beside `NAME`, `.NAME.tracereport-`; inside a mount
    /// point, which cannot be renamed, `..tracereport-` (every name tracereport makes in a mount
    /// point begins with two dots).
    struct Place {
        let holder: URL
        let prefix: String
        /// Whether the names are inside the destination (a mount point).
        var isInside: Bool { prefix == MountPointPublishing.prefix }
    }

    static func place(of destination: URL) -> Place {
        if Paths.isMountPoint(destination.path) {
            return Place(holder: destination, prefix: MountPointPublishing.prefix)
        }
        return Place(holder: destination.deletingLastPathComponent(), prefix: ".\(destination.lastPathComponent).tracereport-")
    }

    /// A name for `role` no other run makes: `.NAME.tracereport-<role>-<random>` beside
    /// `destination`, or inside it where it is a mount point.
    static func uniqueSibling(of destination: URL, role: String) -> URL {
        let place = place(of: destination)
        let token = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        return place.holder.appendingPathComponent(place.prefix + "\(role)-\(token)")
    }

    /// The path of the lock file of `destination`.
    private static func lockPath(_ destination: URL) -> String {
        let place = place(of: destination)
        return place.holder.appendingPathComponent(place.prefix + "lock").path
    }

    // MARK: One run at a time

    /// Takes the exclusive lock on a destination, held by the run that writes it: the file
    /// `.NAME.tracereport-lock` beside it (`..tracereport-lock` in a mount point), locked with
    /// `flock` and removed when released (`FileLock`), or says why not (another run holds it,
    /// or the folder beside the destination cannot be written).
    static func lock(_ destination: URL) throws(ReportError) -> FileLock {
        let path = lockPath(destination)
        do {
            return try FileLock(path: path)
        } catch {
            switch error {
            case .cannotCreate(let failure):
                throw .output(
                    path: destination.path,
                    message: "cannot create \(path) beside it (\(failure)); the folder that holds --output must be writable")
            case .held:
                throw .output(
                    path: destination.path,
                    message: "another tracereport run is writing it (it holds \(path)); wait for it to end, or choose another --output")
            }
        }
    }

    // MARK: Publishing and cleaning up

    /// Puts `staging` in place of `destination`, in one step where the file system can: returns
    /// where the previous site now is, to be removed (nil when there was none).
    static func publish(_ staging: URL, as destination: URL) throws(ReportError) -> URL? {
        if place(of: destination).isInside { return try MountPointPublishing.publish(staging, into: destination) }
        do {
            try Paths.rename(staging.path, to: destination.path)
            return nil
        } catch  where error.code != EEXIST && error.code != ENOTEMPTY {
            throw .output(path: destination.path, message: "cannot move the new site into place (\(error))")
        } catch {}
        do {
            try Paths.exchange(staging.path, destination.path)
            return staging
        } catch  where ![EINVAL, ENOSYS, ENOTSUP].contains(error.code) {
            throw .output(path: destination.path, message: "cannot exchange the new site with the previous one (\(error))")
        } catch {}
        // No exchange here: two renames. A kill between them leaves the previous site under
        // `old`, which the next run puts back (`removeLeftovers`).
        let old = uniqueSibling(of: destination, role: "old")
        do {
            try Paths.rename(destination.path, to: old.path)
        } catch {
            throw .output(path: destination.path, message: "cannot move the previous site aside (\(error))")
        }
        do {
            try Paths.rename(staging.path, to: destination.path)
        } catch {
            try? Paths.rename(old.path, to: destination.path)
            throw .output(path: destination.path, message: "cannot move the new site into place (\(error))")
        }
        return old
    }

    /// Removes what killed runs left beside `destination` (staging folders, previous sites
    /// being removed, the work folder of a spilled run), and puts back a previous site a kill
    /// left aside when `destination` is missing; in a mount point, first finishes a publishing a
    /// kill interrupted. Called with `destination`'s lock held. Names of earlier versions
    /// (`.NAME.partial-PID`, `.NAME.old-PID`) are cleaned up too.
    static func removeLeftovers(beside destination: URL) {
        let place = place(of: destination)
        let name = destination.lastPathComponent
        if place.isInside { MountPointPublishing.finishInterrupted(in: destination) }
        let entries = ((try? Paths.names(in: place.holder.path)) ?? []).sorted()
        var (removable, previous): ([String], [String]) = ([], [])
        for entry in entries {
            if entry.hasPrefix(place.prefix + "staging-") {
                removable.append(entry)
            } else if entry.hasPrefix(place.prefix + "old-") || isEarlierVersion(entry, name: name, role: "old") {
                previous.append(entry)
            } else if isEarlierVersion(entry, name: name, role: "partial") {
                removable.append(entry)
            }
        }
        if !place.isInside, let restored = previous.first, !Paths.exists(destination.path),
            (try? Paths.rename(place.holder.appendingPathComponent(restored).path, to: destination.path)) != nil
        {
            previous.removeFirst()
        }
        for entry in removable + previous { removeTree(place.holder.appendingPathComponent(entry)) }
        // The work folder of a spilled run, when no run holds it.
        let work = workFolder(beside: destination)
        if FileLock.isFree(lockPath(work)) {
            let workPrefix = Self.place(of: work).prefix
            for entry in entries
            where entry.hasPrefix(workPrefix) || isEarlierVersion(entry, name: work.lastPathComponent, role: "partial") {
                removeTree(place.holder.appendingPathComponent(entry))
            }
        }
    }

    /// Puts back a previous site a killed run left aside and removes its leftovers, when no
    /// other run writes `destination`: for a run to do as it begins, whatever it then does.
    public static func recover(_ destination: URL) {
        let destination = destination.standardizedFileURL
        guard let lock = try? lock(destination) else { return }
        removeLeftovers(beside: destination)
        lock.release()
    }

    /// Removes the tree at `url` (tracereport's own: a previous site, a staging folder), making
    /// its folders writable first where they are not (a site made read-only once published).
    static func removeTree(_ url: URL) {
        try? Paths.removeTree(url.path)
    }

    /// The work folder a spilled run makes beside `destination` (`.NAME.spill`; `..spill` in a
    /// mount point).
    public static func workFolder(beside destination: URL) -> URL {
        let place = place(of: destination)
        return place.holder.appendingPathComponent(place.isInside ? "..spill" : ".\(destination.lastPathComponent).spill")
    }

    /// Whether `entry` is a name an earlier version made beside `name`, `.NAME.ROLE-PID`, of a
    /// process that is gone.
    private static func isEarlierVersion(_ entry: String, name: String, role: String) -> Bool {
        let prefix = ".\(name).\(role)-"
        guard entry.hasPrefix(prefix), let pid = Int32(entry.dropFirst(prefix.count)) else { return false }
        // This version never makes such names: one with its own process id (a container's
        // process 1, run after run) is an earlier run's.
        return pid == Processes.current || Processes.isGone(pid)
    }
}
