public import TraceModel

/// Decodes OpenTelemetry OTLP/JSON trace exports straight from bytes.
///
/// Accepts one document or many (JSON lines, as the Collector's file exporter writes them), the
/// `resourceSpans` of `TracesData`/`ExportTraceServiceRequest`, Grafana Tempo's `batches`, the Jaeger
/// v3 API's `{"result": ...}` envelope, and the legacy `instrumentationLibrarySpans`. Ids may be hex
/// (any case) or base64; enums may be numbers or names; 64-bit integers numbers or strings. Unknown
/// members are skipped.
///
/// A record whose content is wrong costs that record only: a span without a valid id is dropped, a
/// link, event or attribute that cannot be read is dropped from its span, and a field that cannot
/// be read (a kind, a time, a parent id) is repaired or ignored; each is noted with its place. A
/// document broken mid-way keeps what was read before the break, and JSON lines resume at the next
/// line that begins a document.
public struct OTLPJSONDecoder: Sendable {
    /// How deep `arrayValue`/`kvlistValue` attribute values may nest before the input is rejected.
    public static let maximumValueDepth = 64

    public init() {}

    /// Decodes every span in `bytes`, appending them to `spans`.
    ///
    /// - Parameters:
    ///   - bytes: the whole file.
    ///   - file: the name used in error messages.
    ///   - strict: the first record that cannot be read as written fails the whole input.
    /// - Returns: what was dropped or repaired.
    /// - Throws: `ImportError` naming the file, line and column of the fault when nothing could
    ///   be read (or, with `strict`, of the first record that could not); then no span of this
    ///   input is appended.
    @discardableResult
    public func decode(
        _ bytes: UnsafeRawBufferPointer, file: String, strict: Bool = false, into spans: inout [Span]
    ) throws(ImportError) -> RecordIssues {
        try decode(bytes, file: file, strict: strict, caches: DecodingCaches(), into: &spans)
    }

    /// Decodes with caches that outlive the call (the pieces of one large file).
    func decode(
        _ bytes: UnsafeRawBufferPointer, file: String, strict: Bool = false, caches: DecodingCaches, into spans: inout [Span]
    ) throws(ImportError) -> RecordIssues {
        var parser = OTLPJSONParser(reader: JSONReader(bytes: bytes, strings: caches.strings), caches: caches)
        return try parser.parse(bytes, file: file, textual: true, strict: strict, into: &spans)
    }

    /// Decodes every span in `bytes` (as `decode(_:file:strict:into:)` does).
    public func decode(_ bytes: [UInt8], file: String, strict: Bool = false) throws(ImportError) -> [Span] {
        var spans: [Span] = []
        _ = try bytes.withUnsafeBufferPointer { (buffer) throws(ImportError) in
            try decode(UnsafeRawBufferPointer(buffer), file: file, strict: strict, into: &spans)
        }
        return spans
    }
}

/// The schema-directed parse behind `OTLPJSONDecoder`: one method per OTLP message.
struct OTLPJSONParser: JSONParsing, SpanAppendingParser {
    var reader: JSONReader
    /// Resources and scopes repeated batch after batch are decoded once.
    let caches: DecodingCaches
    var spans: [Span] = []
    var issues = IssueLog()

    init(reader: JSONReader, caches: DecodingCaches) {
        self.reader = reader
        self.caches = caches
    }

    mutating func parseDocuments() throws(JSONFailure) {
        reader.skipByteOrderMark()
        while reader.peek() != nil {
            let start = reader.offset
            do {
                try parseDocument()
            } catch {
                resume(after: error, documentStart: start, opening: UInt8(ascii: "{"))
            }
        }
    }

    /// One `TracesData`, possibly inside `{"result": ...}` envelopes, or one `ResourceSpans` on its
    /// own (the OpenTelemetry Java SDK's logging-otlp exporter writes one a line).
    private mutating func parseDocument() throws(JSONFailure) {
        if Self.beginsResourceSpans(reader) {
            try parseResourceSpans()
            return
        }
        let start = reader.offset
        var found = false
        var envelopeDepth = 0
        var otherKeys: [String] = []
        try reader.beginObject()
        var first = true
        while true {
            guard let key = try reader.nextKey(first: &first) else {
                // Close any envelopes opened by "result".
                guard envelopeDepth > 0 else { break }
                envelopeDepth -= 1
                continue
            }
            if reader.matches(key, "resourceSpans") || reader.matches(key, "batches") {
                found = true
                try parseRecords("resource spans dropped") { (parser) throws(JSONFailure) in try parser.parseResourceSpans() }
            } else if reader.matches(key, "result"), envelopeDepth < 4, reader.peek() == UInt8(ascii: "{") {
                try reader.beginObject()
                first = true
                envelopeDepth += 1
            } else {
                if otherKeys.count < 5 { otherKeys.append(reader.text(of: key)) }
                try reader.skipValue()
            }
        }
        guard found else {
            let keys = otherKeys.isEmpty ? "an empty object" : "members " + otherKeys.map { "'\($0)'" }.joined(separator: ", ")
            throw reader.rejection(
                "not an OTLP trace export: expected a 'resourceSpans' member but found \(keys)", at: start)
        }
    }

    /// Whether the object at `reader` is a `ResourceSpans`: its first member is one of its own.
    private static func beginsResourceSpans(_ reader: JSONReader) -> Bool {
        var probe = reader
        var first = true
        guard (try? probe.beginObject()) != nil, let key = try? probe.nextKey(first: &first) else { return false }
        return ["resource", "scopeSpans", "instrumentationLibrarySpans", "schemaUrl"].contains { probe.matches(key, $0) }
    }

    /// Every element of a list of records, each read with `parse`: one that cannot be read (but
    /// is whole JSON) is dropped and noted as `action`, with any span it had added.
    @inline(__always)
    private mutating func parseRecords(_ action: StaticString, _ parse: (inout Self) throws(JSONFailure) -> Void) throws(JSONFailure) {
        if try reader.consumeNull() { return }
        try reader.beginArray()
        var first = true
        while try reader.nextElement(first: &first) {
            let (start, firstSpan) = (valueStart(), spans.count)
            do {
                try parse(&self)
            } catch {
                try recover(error, at: start, action: "\(action)", dropsRecord: true)
                spans.removeSubrange(firstSpan...)
            }
        }
    }

    /// The members of an object, each read with `member` (see `parseRecordMembers`); `null`
    /// counts as an empty object, where `nullIsEmpty`.
    @inline(__always)
    private mutating func parseMembers(
        essential: [StaticString] = [], nullIsEmpty: Bool = true, _ member: (inout Self, JSONReader.Key) throws(JSONFailure) -> Void
    ) throws(JSONFailure) {
        if nullIsEmpty, try reader.consumeNull() { return }
        try parseRecordMembers(essential: essential, member)
    }

    static func repair(of member: String) -> String {
        switch member {
        case "parentSpanId": "parent ignored: shown as a root"
        case "kind": "kind read as unspecified"
        case "code": "status code read as unset"
        case "startTimeUnixNano": "start read as missing"
        case "endTimeUnixNano": "end read as missing"
        default: "\(member) ignored"
        }
    }

    private mutating func parseResourceSpans() throws(JSONFailure) {
        var resource: DecodedResource?
        var schemaURL = ""
        // Spans may come before the resource in the text; they are fixed up at the end.
        let firstSpan = spans.count
        do {
            try parseMembers { (parser, key) throws(JSONFailure) in
                if parser.reader.matches(key, "resource") {
                    resource = try parser.recurring(parser.caches.resources) { (parser) throws(JSONFailure) in
                        DecodedResource(attributes: try parser.parseResourceAttributes())
                    }
                } else if parser.reader.matches(key, "scopeSpans") || parser.reader.matches(key, "instrumentationLibrarySpans") {
                    try parser.parseRecords("scope spans dropped") { (parser) throws(JSONFailure) in try parser.parseScopeSpans() }
                } else if parser.reader.matches(key, "schemaUrl") {
                    schemaURL = try parser.reader.readString()
                } else {
                    try parser.reader.skipValue()
                }
            }
        } catch {
            // Broken mid-way: the spans read before the break keep their resource if it came
            // first (as exporters write it), or are dropped.
            if resource == nil && firstSpan < spans.count {
                issues.note(
                    "the input breaks before their resource", at: error.offset, action: "\(spans.count - firstSpan) spans dropped",
                    dropsRecord: true)
                spans.removeSubrange(firstSpan...)
            }
            setResource(resource, schemaURL: schemaURL, from: firstSpan)
            throw error
        }
        setResource(resource, schemaURL: schemaURL, from: firstSpan)
    }

    /// Gives the spans from `firstSpan` on the resource of their batch.
    private mutating func setResource(_ resource: DecodedResource?, schemaURL: String, from firstSpan: Int) {
        guard firstSpan < spans.count else { return }
        let shared = resource?.resource(schemaURL: schemaURL) ?? Resource(attributes: [], schemaURL: schemaURL)
        for index in firstSpan..<spans.count {
            spans[index].resource = shared
        }
    }

    private mutating func parseResourceAttributes() throws(JSONFailure) -> [Attribute] {
        var attributes: [Attribute] = []
        try parseMembers { (parser, key) throws(JSONFailure) in
            if parser.reader.matches(key, "attributes") {
                attributes = try parser.parseAttributes(depth: 0)
            } else if parser.reader.matches(key, "droppedAttributesCount") {
                _ = try parser.readCount("droppedAttributesCount")
            } else {
                try parser.reader.skipValue()
            }
        }
        return attributes
    }

    private mutating func parseScopeSpans() throws(JSONFailure) {
        var scope = InstrumentationScope.unknown
        let firstSpan = spans.count
        do {
            try parseMembers { (parser, key) throws(JSONFailure) in
                if parser.reader.matches(key, "scope") || parser.reader.matches(key, "instrumentationLibrary") {
                    scope = try parser.recurring(parser.caches.scopes) { (parser) throws(JSONFailure) in try parser.parseScope() }
                } else if parser.reader.matches(key, "spans") {
                    try parser.parseRecords("span dropped") { (parser) throws(JSONFailure) in try parser.parseSpan() }
                } else {
                    try parser.reader.skipValue()
                }
            }
        } catch {
            setScope(scope, from: firstSpan)
            throw error
        }
        setScope(scope, from: firstSpan)
    }

    /// Gives the spans from `firstSpan` on the scope of their batch.
    private mutating func setScope(_ scope: InstrumentationScope, from firstSpan: Int) {
        guard scope != .unknown else { return }
        for index in firstSpan..<spans.count {
            spans[index].scope = scope
        }
    }

    private mutating func parseScope() throws(JSONFailure) -> InstrumentationScope {
        var name = ""
        var version = ""
        var attributes: [Attribute] = []
        try parseMembers { (parser, key) throws(JSONFailure) in
            if parser.reader.matches(key, "name") {
                name = try parser.reader.readString()
            } else if parser.reader.matches(key, "version") {
                version = try parser.reader.readString()
            } else if parser.reader.matches(key, "attributes") {
                attributes = try parser.parseAttributes(depth: 0)
            } else if parser.reader.matches(key, "droppedAttributesCount") {
                _ = try parser.readCount("droppedAttributesCount")
            } else {
                try parser.reader.skipValue()
            }
        }
        if name.isEmpty && version.isEmpty && attributes.isEmpty { return .unknown }
        return InstrumentationScope(name: name, version: version, attributes: attributes)
    }

    private static let placeholderResource = Resource(attributes: [])

    /// One span: without valid ids it is dropped (by `parseRecords`); a field that cannot be read
    /// is left out.
    private mutating func parseSpan() throws(JSONFailure) {
        let start = reader.offset
        var traceID: TraceID?
        var spanID: SpanID?
        var parentSpanID: SpanID?
        var spanName = ""
        var kind = SpanKind.unspecified
        var (startTime, endTime): (UInt64, UInt64) = (0, 0)
        var attributes: [Attribute] = []
        var events: [SpanEvent] = []
        var links: [SpanLink] = []
        var status = SpanStatus()
        var traceState = ""
        var flags: UInt32 = 0
        try parseRecordMembers(essential: ["traceId", "spanId"]) { (parser, key) throws(JSONFailure) in
            if parser.reader.matches(key, "traceId") {
                traceID = try parser.readTraceID("traceId")
            } else if parser.reader.matches(key, "spanId") {
                spanID = try parser.readSpanID("spanId", allowEmpty: false)
            } else if parser.reader.matches(key, "parentSpanId") {
                parentSpanID = try parser.readSpanID("parentSpanId", allowEmpty: true)
            } else if parser.reader.matches(key, "name") {
                spanName = try parser.reader.readString()
            } else if parser.reader.matches(key, "kind") {
                kind = try parser.readKind()
            } else if parser.reader.matches(key, "startTimeUnixNano") {
                startTime = try parser.reader.readUInt64("startTimeUnixNano")
            } else if parser.reader.matches(key, "endTimeUnixNano") {
                endTime = try parser.reader.readUInt64("endTimeUnixNano")
            } else if parser.reader.matches(key, "attributes") {
                attributes = try parser.recurring(parser.caches.attributeLists) { (parser) throws(JSONFailure) in
                    try parser.parseAttributes(depth: 0)
                }
            } else if parser.reader.matches(key, "events") {
                events = try parser.parseEvents()
            } else if parser.reader.matches(key, "links") {
                links = try parser.parseLinks()
            } else if parser.reader.matches(key, "status") {
                status = try parser.parseStatus()
            } else if parser.reader.matches(key, "traceState") {
                traceState = try parser.reader.readString()
            } else if parser.reader.matches(key, "flags") {
                flags = try parser.readCount("flags")
            } else if parser.reader.matches(key, "droppedAttributesCount") || parser.reader.matches(key, "droppedEventsCount")
                || parser.reader.matches(key, "droppedLinksCount")
            {
                _ = try parser.readCount(parser.reader.text(of: key))
            } else {
                try parser.reader.skipValue()
            }
        }
        guard let traceID else { throw reader.failure("span has no traceId", at: start) }
        guard let spanID else { throw reader.failure("span has no spanId", at: start) }
        // Built from its parts in place (a span built up field by field was copied when appended);
        // the batch's resource and scope are set once the batch is read.
        spans.append(
            Span(
                traceID: traceID, spanID: spanID, parentSpanID: parentSpanID, name: spanName, kind: kind,
                startTimeUnixNano: startTime, endTimeUnixNano: endTime, status: status, attributes: attributes,
                events: events, links: links, traceState: traceState, flags: flags, resource: Self.placeholderResource))
    }

    private mutating func parseEvents() throws(JSONFailure) -> [SpanEvent] {
        var events: [SpanEvent] = []
        try parseRecords("event dropped") { (parser) throws(JSONFailure) in events.append(try parser.parseEvent()) }
        return events
    }

    private mutating func parseLinks() throws(JSONFailure) -> [SpanLink] {
        var links: [SpanLink] = []
        try parseRecords("link dropped") { (parser) throws(JSONFailure) in links.append(try parser.parseLink()) }
        return links
    }

    /// An event; one whose time cannot be read cannot be placed, and is dropped.
    private mutating func parseEvent() throws(JSONFailure) -> SpanEvent {
        var event = SpanEvent(timeUnixNano: 0, name: "")
        try parseMembers(essential: ["timeUnixNano"], nullIsEmpty: false) { (parser, key) throws(JSONFailure) in
            if parser.reader.matches(key, "timeUnixNano") {
                event.timeUnixNano = try parser.reader.readUInt64("event timeUnixNano")
            } else if parser.reader.matches(key, "name") {
                event.name = try parser.reader.readString()
            } else if parser.reader.matches(key, "attributes") {
                event.attributes = try parser.parseAttributes(depth: 0)
            } else if parser.reader.matches(key, "droppedAttributesCount") {
                _ = try parser.readCount("droppedAttributesCount")
            } else {
                try parser.reader.skipValue()
            }
        }
        return event
    }

    /// A link; one without valid ids is dropped.
    private mutating func parseLink() throws(JSONFailure) -> SpanLink {
        let start = reader.offset
        var traceID: TraceID?
        var spanID: SpanID?
        var traceState = ""
        var attributes: [Attribute] = []
        try parseMembers(essential: ["traceId", "spanId"], nullIsEmpty: false) { (parser, key) throws(JSONFailure) in
            if parser.reader.matches(key, "traceId") {
                traceID = try parser.readTraceID("link traceId")
            } else if parser.reader.matches(key, "spanId") {
                spanID = try parser.readSpanID("link spanId", allowEmpty: false)
            } else if parser.reader.matches(key, "traceState") {
                traceState = try parser.reader.readString()
            } else if parser.reader.matches(key, "attributes") {
                attributes = try parser.parseAttributes(depth: 0)
            } else if parser.reader.matches(key, "droppedAttributesCount") || parser.reader.matches(key, "flags") {
                _ = try parser.readCount(parser.reader.text(of: key))
            } else {
                try parser.reader.skipValue()
            }
        }
        guard let traceID, let spanID else { throw reader.failure("link needs both traceId and spanId", at: start) }
        return SpanLink(traceID: traceID, spanID: spanID, traceState: traceState, attributes: attributes)
    }

    private mutating func parseStatus() throws(JSONFailure) -> SpanStatus {
        var status = SpanStatus()
        try parseMembers(nullIsEmpty: false) { (parser, key) throws(JSONFailure) in
            if parser.reader.matches(key, "code") {
                status.code = try parser.readStatusCode()
            } else if parser.reader.matches(key, "message") {
                status.message = try parser.reader.readString()
            } else {
                try parser.reader.skipValue()
            }
        }
        return status
    }
}
