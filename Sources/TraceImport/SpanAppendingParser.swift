import TraceModel

/// A decoder's parse that appends spans to an array it holds.
protocol SpanAppendingParser {
    var spans: [Span] { get set }
    mutating func parseDocuments() throws(JSONFailure)
}

extension SpanAppendingParser {
    /// Parses, appending straight into `spans` (the caller's array is lent to the parser, so no
    /// span is copied afterwards); on failure the spans of this input are taken out again.
    /// - Parameter textual: report faults by line and column (text) rather than byte offset.
    mutating func parse(
        _ bytes: UnsafeRawBufferPointer, file: String, textual: Bool, into spans: inout [Span]
    ) throws(ImportError) {
        let before = spans.count
        swap(&self.spans, &spans)
        defer { swap(&self.spans, &spans) }
        do {
            try parseDocuments()
        } catch {
            self.spans.removeSubrange(before...)
            throw textual
                ? ImportError(file: file, bytes: bytes, offset: error.offset, message: error.message)
                : ImportError(file: file, offset: error.offset, message: error.message)
        }
    }
}
