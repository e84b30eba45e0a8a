import TraceModel

/// A decoder's parse that appends spans to an array it holds, noting what it dropped or repaired.
protocol SpanAppendingParser {
    var spans: [Span] { get set }
    var issues: IssueLog { get }
    mutating func parseDocuments() throws(JSONFailure)
}

extension SpanAppendingParser {
    /// Parses, appending straight into `spans` (the caller's array is lent to the parser, so no
    /// span is copied afterwards). An input that gives no span and broke (or, with `strict`, one
    /// with anything dropped or repaired) fails, and its spans are taken out again.
    /// - Parameter textual: report places by line and column (text) rather than byte offset.
    /// - Returns: what was dropped or repaired, with the place of each reason's first case.
    mutating func parse(
        _ bytes: UnsafeRawBufferPointer, file: String, textual: Bool, strict: Bool, into spans: inout [Span]
    ) throws(ImportError) -> RecordIssues {
        let before = spans.count
        swap(&self.spans, &spans)
        defer { swap(&self.spans, &spans) }
        var fault: (offset: Int, message: String)?
        do {
            try parseDocuments()
            fault = issues.fault(readAny: self.spans.count > before, strict: strict)
        } catch {
            fault = (error.offset, error.message)
        }
        if let fault {
            self.spans.removeSubrange(before...)
            throw textual
                ? ImportError(file: file, bytes: bytes, offset: fault.offset, message: fault.message)
                : ImportError(file: file, offset: fault.offset, message: fault.message)
        }
        return issues.issues(in: bytes, textual: textual)
    }
}
