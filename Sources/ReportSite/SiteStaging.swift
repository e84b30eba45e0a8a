public import Foundation
import Synchronization

/// A site being written: files go into a hidden folder beside the destination, which replaces
/// the destination in one rename when everything is written, so readers never see half a site.
///
/// An existing destination is replaced only if it is empty or was written by tracereport (it
/// holds the marker file), so a mistyped `--output` cannot wipe an unrelated folder.
///
/// `write` may be called from several threads at once for different paths; `publish` and
/// `discard` only once the writing is done.
public final class SiteStaging: SiteFiles, @unchecked Sendable {
    /// The file that marks a folder as a tracereport site.
    public static let markerName = ".tracereport-site"

    public let destination: URL
    let staging: URL
    /// The folder being written, for files written other than by `write` (binary ones).
    public var folder: URL { staging }
    /// Replace a destination folder even if tracereport did not write it.
    let force: Bool
    private var finished = false
    private let createdFolders = Mutex<Set<String>>([])

    /// Creates the staging folder beside `destination`, removing those left by runs that were
    /// killed.
    /// - Parameter force: replace the destination even if it is a folder tracereport did not write.
    /// - Throws: `ReportError.output` when the destination is unsafe to replace or not writable.
    public init(destination: URL, force: Bool = false) throws(ReportError) {
        self.destination = destination.standardizedFileURL
        self.force = force
        let parent = self.destination.deletingLastPathComponent()
        let prefix = ".\(self.destination.lastPathComponent).partial-"
        staging = parent.appendingPathComponent(prefix + "\(getpid())")
        try Self.checkReplaceable(self.destination, force: force)
        Self.removeAbandoned(in: parent, prefix: prefix)
        let files = FileManager.default
        do {
            try files.createDirectory(at: parent, withIntermediateDirectories: true)
            if files.fileExists(atPath: staging.path) { try files.removeItem(at: staging) }
            try files.createDirectory(at: staging, withIntermediateDirectories: false)
        } catch {
            throw .output(path: staging.path, message: "cannot create the staging folder: \(error.localizedDescription)")
        }
        try write("tracereport site\n", to: Self.markerName)
    }

    /// Writes `text` as UTF-8 to `relativePath` inside the site, creating folders as needed.
    /// Files are written with plain system calls and flushed to disk all at once by `publish`:
    /// one flush per file would cost more than rendering a small page.
    public func write(_ text: String, to relativePath: String) throws(ReportError) {
        let url = staging.appendingPathComponent(relativePath)
        let folder = url.deletingLastPathComponent().path
        if !createdFolders.withLock({ $0.contains(folder) }) {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw .output(path: url.path, message: "cannot create its folder: \(error.localizedDescription)")
            }
            createdFolders.withLock { _ = $0.insert(folder) }
        }
        if let failure = FileWriting.write(text, toPath: url.path) {
            throw .output(path: url.path, message: "cannot write: \(failure)")
        }
    }

    /// Moves the finished site into place, replacing the previous one.
    public func publish() throws(ReportError) {
        let files = FileManager.default
        let old = staging.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).old-\(getpid())")
        // Everything written reaches the disk before the rename makes it the site.
        sync()
        do {
            try Self.checkReplaceable(destination, force: force)
            if files.fileExists(atPath: destination.path) {
                try files.moveItem(at: destination, to: old)
                try files.moveItem(at: staging, to: destination)
                try files.removeItem(at: old)
            } else {
                try files.moveItem(at: staging, to: destination)
            }
            finished = true
        } catch let error as ReportError {
            throw error
        } catch {
            throw .output(path: destination.path, message: "cannot move the new site into place: \(error.localizedDescription)")
        }
    }

    /// Removes the staging folder of a site that will not be published.
    public func discard() {
        guard !finished else { return }
        try? FileManager.default.removeItem(at: staging)
        finished = true
    }

    deinit { discard() }

    /// Removes staging folders of earlier runs whose process is gone (killed mid-write).
    private static func removeAbandoned(in parent: URL, prefix: String) {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
        for entry in entries where entry.hasPrefix(prefix) {
            guard let pid = Int32(entry.dropFirst(prefix.count)), pid != getpid() else { continue }
            if kill(pid, 0) == -1 && errno == ESRCH {
                try? FileManager.default.removeItem(at: parent.appendingPathComponent(entry))
            }
        }
    }

    private static func checkReplaceable(_ destination: URL, force: Bool) throws(ReportError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: destination.path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else {
            throw .output(path: destination.path, message: "exists and is not a folder; choose another --output")
        }
        if force { return }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: destination.path)) ?? []
        guard entries.isEmpty || entries.contains(markerName) else {
            throw .output(
                path: destination.path,
                message: "exists and was not written by tracereport (no \(markerName) file); "
                    + "refusing to replace it. Choose an empty or new folder for --output, or add --force")
        }
    }
}
