import Synchronization

/// Where the files of a site are written: a staging folder that is published when complete
/// (`SiteStaging`), or memory (`SiteInMemory`: tests and the pipeline fuzzer).
///
/// `write` may be called from several threads at once for different paths.
public protocol SiteFiles: Sendable {
    /// Writes `text` as the file at `relativePath` inside the site.
    func write(_ text: String, to relativePath: String) throws(ReportError)
}

/// A site held in memory: every file by its path inside the site.
public final class SiteInMemory: SiteFiles {
    private let storage = Mutex<[String: String]>([:])

    public init() {}

    public func write(_ text: String, to relativePath: String) throws(ReportError) {
        storage.withLock { $0[relativePath] = text }
    }

    /// Every file written, by path.
    public var files: [String: String] { storage.withLock { $0 } }
}
