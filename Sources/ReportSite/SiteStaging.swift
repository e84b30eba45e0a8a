public import Foundation
import Synchronization
import SystemCalls

/// A site being written: files go into a hidden folder beside the destination, which takes the
/// destination's place in one step when everything is written (`OutputFolder.publish`), so
/// readers never see half a site and a kill at any instant leaves the previous site or the new one.
/// A mount point, which cannot be replaced, is written inside and its entries replaced one by one,
/// a kill finished by the next run (`MountPointPublishing`).
///
/// An existing destination is replaced only if it is empty or was written by tracereport as the
/// same kind of folder (its marker file says so), never if it holds an input, is the current
/// folder or a parent of it (`OutputFolder.refusal`). One run at a time writes a destination; each
/// run removes what killed runs left beside it.
///
/// `write` may be called from several threads at once for different paths; `publish` and
/// `discard` only once the writing is done.
public final class SiteStaging: SiteFiles, Sendable {
    /// The file that marks a folder as written by tracereport.
    public static let markerName = OutputFolder.markerName

    public let destination: URL
    let staging: URL
    /// The folder being written, for files written other than by `write` (binary ones).
    public var folder: URL { staging }
    private let kind: OutputFolder.Kind
    private let inputs: [String]
    /// Replace a destination folder even if tracereport did not write it.
    let force: Bool
    private let lock: FileLock
    /// Whether the site was published or discarded.
    private let finished = Atomic<Bool>(false)
    private let createdFolders = Mutex<Set<String>>([])

    /// Takes the destination's lock, removes what killed runs left beside it, and creates the
    /// staging folder.
    /// - Parameters:
    ///   - kind: what is written; a folder of another kind is not replaced unless `force`.
    ///   - inputs: the run's inputs, which the destination must not hold.
    ///   - force: replace the destination even if it is a folder tracereport did not write.
    /// - Throws: `ReportError.output` when the destination must not be replaced, another run
    ///   writes it, or it is not writable.
    public init(destination: URL, kind: OutputFolder.Kind, inputs: [String] = [], force: Bool = false) throws(ReportError) {
        self.destination = destination.standardizedFileURL
        self.kind = kind
        self.inputs = inputs
        self.force = force
        let parent = self.destination.deletingLastPathComponent()
        staging = OutputFolder.uniqueSibling(of: self.destination, role: "staging")
        try Self.checkReplaceable(self.destination, kind: kind, inputs: inputs, force: force)
        do {
            try Paths.makeFolders(parent.path)
        } catch {
            throw .output(path: parent.path, message: "cannot create the folder that holds the output (\(error))")
        }
        lock = try OutputFolder.lock(self.destination)
        OutputFolder.removeLeftovers(beside: self.destination)
        do {
            try Paths.makeFolder(staging.path)
        } catch {
            lock.release()
            throw .output(path: staging.path, message: "cannot create the staging folder (\(error))")
        }
        try write(kind.marker, to: Self.markerName)
    }

    /// Refuses, with the reason, a destination that `OutputFolder.refusal` says must not be
    /// replaced: for commands to check before their work begins.
    public static func checkReplaceable(
        _ destination: URL, kind: OutputFolder.Kind, inputs: [String] = [], force: Bool
    ) throws(ReportError) {
        if let refusal = OutputFolder.refusal(toReplace: destination.standardizedFileURL, kind: kind, inputs: inputs, force: force) {
            throw .output(path: destination.path, message: refusal)
        }
    }

    /// Writes `text` as UTF-8 to `relativePath` inside the site, creating folders as needed.
    /// Files are written with plain system calls and flushed to disk all at once by `publish`:
    /// one flush per file would cost more than rendering a small page.
    public func write(_ text: String, to relativePath: String) throws(ReportError) {
        let url = staging.appendingPathComponent(relativePath)
        let folder = url.deletingLastPathComponent().path
        if !createdFolders.withLock({ $0.contains(folder) }) {
            do {
                try Paths.makeFolders(folder)
            } catch {
                throw .output(path: url.path, message: "cannot create its folder (\(error))")
            }
            createdFolders.withLock { _ = $0.insert(folder) }
        }
        do {
            try FileWriting.write(text, toPath: url.path)
        } catch {
            throw .output(path: url.path, message: "cannot write (\(error))")
        }
    }

    /// Moves the finished site into place, replacing the previous one, which is then removed.
    public func publish() throws(ReportError) {
        // Everything written reaches the disk before the site takes the destination's place.
        Paths.flushAll()
        defer { lock.release() }
        try Self.checkReplaceable(destination, kind: kind, inputs: inputs, force: force)
        let previous = try OutputFolder.publish(staging, as: destination)
        finished.store(true, ordering: .sequentiallyConsistent)
        // A kill while this runs leaves a leftover, which the next run removes.
        if let previous { OutputFolder.removeTree(previous) }
    }

    /// Removes the staging folder of a site that will not be published.
    public func discard() {
        guard !finished.exchange(true, ordering: .sequentiallyConsistent) else { return }
        OutputFolder.removeTree(staging)
        lock.release()
    }

    deinit { discard() }
}
