import TraceModel

/// A parse of text a line at a time (the Collector's debug output, .NET's console output) that
/// gathers spans and notes what it dropped or repaired.
protocol LineSpanParsing {
    var issues: IssueLog { get }
    var spans: [Span] { get }
    mutating func parseLines()
}

extension LineSpanParsing {
    /// Parses, then appends the spans to `spans`. An input that gives no span and noted a fault
    /// (or, with `strict`, one with anything dropped or repaired) fails, and nothing is appended.
    /// - Returns: what was dropped or repaired, placed by line and column.
    mutating func parse(
        _ bytes: UnsafeRawBufferPointer, file: String, strict: Bool, into spans: inout [Span]
    ) throws(ImportError) -> RecordIssues {
        parseLines()
        if let fault = issues.fault(readAny: !self.spans.isEmpty, strict: strict) {
            throw ImportError(file: file, bytes: bytes, offset: fault.offset, message: fault.message)
        }
        spans.append(contentsOf: self.spans)
        return issues.issues(in: bytes, textual: true)
    }
}

/// The lines of a buffer, with their offsets; a last line cut short is still a line.
struct LineCursor {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    mutating func next() -> (text: Substring, offset: Int)? {
        guard offset < bytes.count else { return nil }
        let start = offset
        var end = start
        while end < bytes.count, bytes[end] != 0x0A { end += 1 }
        offset = end + 1
        var text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)[...]
        if text.hasSuffix("\r") { text = text.dropLast() }
        return (text, start)
    }
}

extension LineCursor {
    /// Whether some line of `bytes` begins with `prefix`.
    static func startsLine(_ bytes: UnsafeRawBufferPointer, _ prefix: String) -> Bool {
        var lines = LineCursor(bytes: bytes)
        while let line = lines.next() {
            if line.text.hasPrefix(prefix) { return true }
        }
        return false
    }
}
