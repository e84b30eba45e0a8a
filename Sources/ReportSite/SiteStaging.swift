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
public final class SiteStaging: @unchecked Sendable {
    /// The file that marks a folder as a tracereport site.
    public static let markerName = ".tracereport-site"

    public let destination: URL
    let staging: URL
    private var finished = false
    private let createdFolders = Mutex<Set<String>>([])

    /// Creates the staging folder beside `destination`.
    /// - Throws: `ReportError.output` when the destination is unsafe to replace or not writable.
    public init(destination: URL) throws(ReportError) {
        self.destination = destination.standardizedFileURL
        let parent = self.destination.deletingLastPathComponent()
        staging = parent.appendingPathComponent(".\(self.destination.lastPathComponent).partial-\(getpid())")
        try Self.checkReplaceable(self.destination)
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
        var text = text
        let failure = text.withUTF8 { bytes in Self.writeFile(url.path, bytes) }
        if let failure { throw .output(path: url.path, message: "cannot write: \(failure)") }
    }

    /// Creates or truncates the file at `path` and writes `bytes`; returns what went wrong, if anything.
    private static func writeFile(_ path: String, _ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return String(cString: strerror(errno)) }
        var written = 0
        while written < bytes.count {
            let result = Foundation.write(descriptor, bytes.baseAddress! + written, bytes.count - written)
            if result < 0 {
                if errno == EINTR { continue }
                let message = String(cString: strerror(errno))
                close(descriptor)
                return message
            }
            written += result
        }
        return close(descriptor) == 0 ? nil : String(cString: strerror(errno))
    }

    /// Moves the finished site into place, replacing the previous one.
    public func publish() throws(ReportError) {
        let files = FileManager.default
        let old = staging.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).old-\(getpid())")
        // Everything written reaches the disk before the rename makes it the site.
        sync()
        do {
            try Self.checkReplaceable(destination)
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

    private static func checkReplaceable(_ destination: URL) throws(ReportError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: destination.path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else {
            throw .output(path: destination.path, message: "exists and is not a folder; choose another --output")
        }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: destination.path)) ?? []
        guard entries.isEmpty || entries.contains(markerName) else {
            throw .output(
                path: destination.path,
                message: "exists and was not written by tracereport (no \(markerName) file); "
                    + "refusing to replace it. Choose an empty or new folder for --output")
        }
    }
}
