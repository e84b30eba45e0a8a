public import TraceModel

/// Decodes what the OpenTelemetry Collector's `debug` exporter logs with `verbosity: detailed`
/// (and the older `logging` exporter with `loglevel: debug`): text blocks of `ResourceSpans #0`,
/// `Resource attributes:`, `ScopeSpans #0` (or `InstrumentationLibrarySpans #0`),
/// `InstrumentationScope name version`, `Span #0` with its `Trace ID`, `Parent ID`, `ID`, `Name`,
/// `Kind`, `TraceState`, `Start time`, `End time`, `Status code`, `Status message`, then its
/// `Attributes:`, `Events:` (`SpanEvent #0`) and `Links:` (`SpanLink #0`), each attribute a line
/// `-> key: Type(value)`.
///
/// Read as people paste it into tickets: with the log line's own prefix on the block's first
/// line (`2024-05-31T13:26:37.531Z\tinfo\tResourceSpans #0`), a `docker compose` prefix on every
/// line (`otel-collector-1  | `), other log lines between blocks (skipped), and string values
/// that run over several lines. Times such as `2020-02-11 20:26:12.000000321 +0000 UTC` keep
/// their nanoseconds; Int, Double, Bool and Bytes values their types; Map and Slice values are
/// kept as the JSON text the exporter prints.
///
/// A span whose ids cannot be read is dropped with a warning at its `Span #` line; a value that
/// cannot be read is kept as text, or left out, with a warning.
public struct CollectorDebugDecoder: Sendable {
    public init() {}

    /// Decodes every span in `bytes`, appending them to `spans`.
    /// - Parameter strict: the first record that cannot be read as written fails the input.
    /// - Returns: what was dropped or repaired.
    /// - Throws: `ImportError` with the line of the fault when nothing could be read (or, with
    ///   `strict`, of the first record that could not); then no span is appended.
    @discardableResult
    public func decode(
        _ bytes: UnsafeRawBufferPointer, file: String, strict: Bool = false, into spans: inout [Span]
    ) throws(ImportError) -> RecordIssues {
        var parser = CollectorDebugParser(bytes: bytes)
        return try parser.parse(bytes, file: file, strict: strict, into: &spans)
    }

    /// True when a line among `bytes` (the input's start) begins, past any log prefix, a
    /// `ResourceSpans #` block.
    static func recognises(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var lines = LineCursor(bytes: bytes)
        while let line = lines.next() {
            if CollectorDebugParser.content(of: line.text).hasPrefix("ResourceSpans #") { return true }
        }
        return false
    }
}
