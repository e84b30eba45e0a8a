import Foundation
public import TraceModel

/// Reads span export files from disk.
public struct SpanFileReader: Sendable {
    public init() {}

    /// What was read from one file.
    public struct FileSummary: Sendable, Equatable {
        public var path: String
        public var byteCount: Int
        public var spanCount: Int
    }

    /// Reads and decodes one file, appending its spans.
    /// - Throws: `ImportError` naming the file, and the line and column of a fault in its content.
    public func read(_ path: String, into spans: inout [Span]) throws(ImportError) -> FileSummary {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw ImportError(file: path, message: "cannot read: \(error.localizedDescription)")
        }
        let before = spans.count
        let result = data.withUnsafeBytes { raw in
            Result { () throws(ImportError) in try OTLPJSONDecoder().decode(raw, file: path, into: &spans) }
        }
        try result.get()
        return FileSummary(path: path, byteCount: data.count, spanCount: spans.count - before)
    }
}
