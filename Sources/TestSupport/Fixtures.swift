public import Foundation

/// Locations shared by the test targets: the repository, and the external sample exports in
/// `../shared/fixtures` (read in place; absent in a user's clone, where tests using them skip).
public enum Fixtures {
    /// The repository root, found from this file's path.
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared/fixtures` beside the repository, or `$TRACEREPORT_FIXTURES`; nil when absent.
    public static let sharedDirectory: URL? = {
        let candidates = [
            ProcessInfo.processInfo.environment["TRACEREPORT_FIXTURES"].map { URL(fileURLWithPath: $0) },
            repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/fixtures"),
        ]
        for case let candidate? in candidates
        where FileManager.default.fileExists(atPath: candidate.appendingPathComponent("SOURCES.md").path) {
            return candidate
        }
        print("NOTICE: ../shared/fixtures not found; conformance tests against external exports are skipped.")
        return nil
    }()

    /// True when the external fixtures are present.
    public static var sharedAvailable: Bool { sharedDirectory != nil }

    /// The bytes of a file under the shared fixtures folder, e.g. `otlp-json/otelproto__trace.json`.
    public static func shared(_ relativePath: String) throws -> [UInt8] {
        guard let directory = sharedDirectory else { throw CocoaError(.fileNoSuchFile) }
        return try [UInt8](Data(contentsOf: directory.appendingPathComponent(relativePath)))
    }

    /// A new empty folder under the system's temporary folder.
    public static func temporaryDirectory(_ label: String = "test") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("tracereport-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
