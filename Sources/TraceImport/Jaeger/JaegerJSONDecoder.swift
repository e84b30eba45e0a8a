public import TraceModel

/// Decodes Jaeger JSON: the query API's `{"data": [trace...]}` (as the UI downloads it), a bare
/// trace `{"traceID", "spans", "processes"}`, an array of traces, an array of spans carrying their
/// `process` inline, and the domain model's `{"spans": [...]}` with base64 ids and RFC 3339 times.
///
/// Mapping to the OpenTelemetry model, as the OpenTelemetry Collector's Jaeger receiver does:
/// `processes` become resources (`serviceName` → `service.name`); the `span.kind` tag becomes the
/// kind; `error=true` and `otel.status_code` become the status; logs become events (named by their
/// `event` field); the first CHILD_OF reference within the trace (else the first FOLLOWS_FROM)
/// becomes the parent, and every other reference a link. Times in microseconds become nanoseconds.
///
/// As in `OTLPJSONDecoder`, a record whose content is wrong costs that record only (a span
/// without valid ids, a reference, log or tag that cannot be read), a field that cannot be read is
/// repaired or ignored, and a document broken mid-way keeps the spans read before the break
/// (those whose trace's `processes` came after it are dropped).
public struct JaegerJSONDecoder: Sendable {
    public init() {}

    /// Decodes every span in `bytes`, appending them to `spans`.
    /// - Parameter strict: the first record that cannot be read as written fails the input.
    /// - Returns: what was dropped or repaired.
    /// - Throws: `ImportError` naming the file, line and column of the fault when nothing could
    ///   be read (or, with `strict`, of the first record that could not); then no span of this
    ///   input is appended.
    @discardableResult
    public func decode(
        _ bytes: UnsafeRawBufferPointer, file: String, strict: Bool = false, into spans: inout [Span]
    ) throws(ImportError) -> RecordIssues {
        let caches = DecodingCaches()
        var parser = JaegerJSONParser(reader: JSONReader(bytes: bytes, strings: caches.strings), attributes: caches.attributes)
        return try parser.parse(bytes, file: file, textual: true, strict: strict, into: &spans)
    }
}

/// The parse behind `JaegerJSONDecoder`.
struct JaegerJSONParser: JSONParsing, SpanAppendingParser {
    var reader: JSONReader
    var spans: [Span] = []
    var issues = IssueLog()
    /// Tag lists are parsed onto this stack and moved off at their final size.
    let attributes: AttributeStack
    /// Tag lists as decoded, by their text.
    let tagLists = RecurringObjects<JaegerTags.Special>()
    /// The references of the spans being read, each span's above those of the object around it.
    var references: [JaegerReference] = []
    /// Spans whose `processID` waits for the `processes` map of their trace.
    var pendingProcesses: [(spanIndex: Int, processID: String)] = []

    static let unknownProcess = Resource(attributes: [])

    init(reader: JSONReader, attributes: AttributeStack) {
        self.reader = reader
        self.attributes = attributes
    }

    mutating func parseDocuments() throws(JSONFailure) {
        reader.skipByteOrderMark()
        while let next = reader.peek() {
            let start = reader.offset
            do {
                if next == UInt8(ascii: "[") {
                    try parseRecords(depth: 1, action: "trace or span dropped")
                } else {
                    try parseObject(depth: 0)
                }
            } catch {
                resume(after: error, documentStart: start, opening: next)
            }
        }
        // processIDs that no `processes` map resolved.
        for (index, processID) in pendingProcesses {
            spans[index].warnings.append("process \"\(processID)\" is not defined in the input")
        }
        pendingProcesses.removeAll()
    }

    /// The traces or spans of an array: one that cannot be read (but is whole JSON) is dropped
    /// with the spans it had added.
    mutating func parseRecords(depth: Int, action: StaticString) throws(JSONFailure) {
        try parseArray { (parser) throws(JSONFailure) in
            let (firstSpan, firstPending) = (parser.spans.count, parser.pendingProcesses.count)
            if try parser.tolerating(
                "\(action)", dropsRecord: true,
                { (parser) throws(JSONFailure) in
                    try parser.parseObject(depth: depth)
                }) == nil
            {
                parser.spans.removeSubrange(firstSpan...)
                parser.pendingProcesses.removeSubrange(firstPending...)
            }
        }
    }

    /// Any Jaeger object: an envelope (`data`), a trace (`spans`, `processes`) or a span. Members
    /// come in any order, so each is read as it comes by the reader of its kind
    /// (`parseTraceMember` in `+Traces`, `parseSpanMember` in `+Spans`), and the object is judged
    /// by what it turned out to hold once it ends: a container, a span, or something else.
    mutating func parseObject(depth: Int) throws(JSONFailure) {
        guard depth < 4 else { throw reader.failure("Jaeger objects nested too deeply") }
        let start = reader.offset
        let firstSpan = spans.count
        let firstPending = pendingProcesses.count
        var processes: [String: Resource] = [:]
        var traceWarnings: [String] = []
        let firstReference = references.count
        defer { references.removeSubrange(firstReference...) }
        var span = JaegerSpanFields(firstReference: firstReference)
        var recognised = false
        var isContainer = false
        var otherMembers: [String] = []
        do throws(JSONFailure) {
            // A fault between values, or in an id: the span is dropped (by `parseRecords`).
            try parseRecordMembers(
                essential: ["traceID", "traceId", "spanID", "spanId"],
                passedOver: { parser, key in recognised = recognised || Self.spanMembers.contains(parser.reader.text(of: key)) }
            ) { (parser, key) throws(JSONFailure) in
                if try parser.parseTraceMember(key, depth: depth, processes: &processes) {
                    recognised = true
                    isContainer = true
                } else if parser.reader.matches(key, "warnings") {
                    try parser.parseArray { (parser) throws(JSONFailure) in span.warnings.append(try parser.reader.readString()) }
                } else if try parser.parseSpanMember(key, into: &span) {
                    recognised = true
                } else if otherMembers.count < 5 {
                    otherMembers.append(parser.reader.text(of: key))
                }
            }
        } catch {
            // Broken mid-way: the spans read before the break keep their process if the trace's
            // `processes` came first, or are dropped.
            resolveProcesses(processes, from: firstPending)
            dropUnresolvedSpans(from: firstPending, at: error.offset)
            throw error
        }
        // Unknown members and no span id: some other kind of object (a Zipkin span, say).
        guard recognised && (isContainer || span.spanID != nil || otherMembers.isEmpty) || otherMembers.isEmpty else {
            let message = "not a Jaeger trace or span: an object with members " + otherMembers.map { "'\($0)'" }.joined(separator: ", ")
            throw depth == 0 ? reader.rejection(message, at: start) : reader.failure(message, at: start)
        }
        if recognised && !isContainer {
            try appendSpan(consume span, objectStart: start)
        } else {
            traceWarnings = span.warnings
        }
        resolveProcesses(processes, from: firstPending)
        if !traceWarnings.isEmpty, firstSpan < spans.count {
            spans[firstSpan].warnings += traceWarnings.map { "trace warning: \($0)" }
        }
    }
}
