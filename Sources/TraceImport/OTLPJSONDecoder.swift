public import TraceModel

/// Decodes OpenTelemetry OTLP/JSON trace exports straight from bytes.
///
/// Accepts one document or many (JSON lines, as the Collector's file exporter writes them), the
/// `resourceSpans` of `TracesData`/`ExportTraceServiceRequest`, Grafana Tempo's `batches`, the Jaeger
/// v3 API's `{"result": ...}` envelope, and the legacy `instrumentationLibrarySpans`. Ids may be hex
/// (any case) or base64; enums may be numbers or names; 64-bit integers numbers or strings. Unknown
/// members are skipped.
public struct OTLPJSONDecoder: Sendable {
    /// How deep `arrayValue`/`kvlistValue` attribute values may nest before the input is rejected.
    public static let maximumValueDepth = 64

    public init() {}

    /// Decodes every span in `bytes`, appending them to `spans`.
    ///
    /// - Parameters:
    ///   - bytes: the whole file.
    ///   - file: the name used in error messages.
    /// - Throws: `ImportError` naming the file, line and column of the first fault.
    public func decode(_ bytes: UnsafeRawBufferPointer, file: String, into spans: inout [Span]) throws(ImportError) {
        try decode(bytes, file: file, caches: DecodingCaches(), into: &spans)
    }

    /// Decodes with caches that outlive the call (the pieces of one large file).
    func decode(
        _ bytes: UnsafeRawBufferPointer, file: String, caches: DecodingCaches, into spans: inout [Span]
    ) throws(ImportError) {
        var parser = OTLPJSONParser(reader: JSONReader(bytes: bytes, strings: caches.strings), caches: caches)
        try parser.parse(bytes, file: file, textual: true, into: &spans)
    }

    /// Decodes every span in `bytes`.
    public func decode(_ bytes: [UInt8], file: String) throws(ImportError) -> [Span] {
        var spans: [Span] = []
        try bytes.withUnsafeBufferPointer { (buffer) throws(ImportError) in
            try decode(UnsafeRawBufferPointer(buffer), file: file, into: &spans)
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

    mutating func parseDocuments() throws(JSONFailure) {
        reader.skipByteOrderMark()
        while reader.peek() != nil {
            try parseDocument()
        }
    }

    /// One `TracesData`, possibly inside `{"result": ...}` envelopes.
    private mutating func parseDocument() throws(JSONFailure) {
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
                try parseArray { (parser) throws(JSONFailure) in try parser.parseResourceSpans() }
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
            throw reader.failure(
                "not an OTLP trace export: expected a 'resourceSpans' member but found \(keys)", at: start)
        }
    }

    private mutating func parseResourceSpans() throws(JSONFailure) {
        if try reader.consumeNull() { return }
        var resource: DecodedResource?
        var schemaURL = ""
        // Spans may come before the resource in the text; they are fixed up at the end.
        let firstSpan = spans.count
        try reader.beginObject()
        var first = true
        while let key = try reader.nextKey(first: &first) {
            if reader.matches(key, "resource") {
                resource = try recurring(caches.resources) { (parser) throws(JSONFailure) in
                    DecodedResource(attributes: try parser.parseResourceAttributes())
                }
            } else if reader.matches(key, "scopeSpans") || reader.matches(key, "instrumentationLibrarySpans") {
                try parseArray { (parser) throws(JSONFailure) in try parser.parseScopeSpans() }
            } else if reader.matches(key, "schemaUrl") {
                schemaURL = try reader.readString()
            } else {
                try reader.skipValue()
            }
        }
        guard firstSpan < spans.count else { return }
        let shared = resource?.resource(schemaURL: schemaURL) ?? Resource(attributes: [], schemaURL: schemaURL)
        for index in firstSpan..<spans.count {
            spans[index].resource = shared
        }
    }

    private mutating func parseResourceAttributes() throws(JSONFailure) -> [Attribute] {
        var attributes: [Attribute] = []
        if try reader.consumeNull() { return attributes }
        try reader.beginObject()
        var first = true
        while let key = try reader.nextKey(first: &first) {
            if reader.matches(key, "attributes") {
                attributes = try parseAttributes(depth: 0)
            } else if reader.matches(key, "droppedAttributesCount") {
                _ = try readCount("droppedAttributesCount")
            } else {
                try reader.skipValue()
            }
        }
        return attributes
    }

    private mutating func parseScopeSpans() throws(JSONFailure) {
        if try reader.consumeNull() { return }
        var scope = InstrumentationScope.unknown
        let firstSpan = spans.count
        try reader.beginObject()
        var first = true
        while let key = try reader.nextKey(first: &first) {
            if reader.matches(key, "scope") || reader.matches(key, "instrumentationLibrary") {
                scope = try recurring(caches.scopes) { (parser) throws(JSONFailure) in try parser.parseScope() }
            } else if reader.matches(key, "spans") {
                try parseArray { (parser) throws(JSONFailure) in try parser.parseSpan() }
            } else {
                try reader.skipValue()
            }
        }
        if scope != .unknown {
            for index in firstSpan..<spans.count {
                spans[index].scope = scope
            }
        }
    }

    private mutating func parseScope() throws(JSONFailure) -> InstrumentationScope {
        if try reader.consumeNull() { return .unknown }
        var name = ""
        var version = ""
        var attributes: [Attribute] = []
        try reader.beginObject()
        var first = true
        while let key = try reader.nextKey(first: &first) {
            if reader.matches(key, "name") {
                name = try reader.readString()
            } else if reader.matches(key, "version") {
                version = try reader.readString()
            } else if reader.matches(key, "attributes") {
                attributes = try parseAttributes(depth: 0)
            } else if reader.matches(key, "droppedAttributesCount") {
                _ = try readCount("droppedAttributesCount")
            } else {
                try reader.skipValue()
            }
        }
        if name.isEmpty && version.isEmpty && attributes.isEmpty { return .unknown }
        return InstrumentationScope(name: name, version: version, attributes: attributes)
    }

    private static let placeholderResource = Resource(attributes: [])

    private mutating func parseSpan() throws(JSONFailure) {
        let start = reader.offset
        var traceID: TraceID?
        var spanID: SpanID?
        var parentSpanID: SpanID?
        var name = ""
        var kind = SpanKind.unspecified
        var (startTime, endTime): (UInt64, UInt64) = (0, 0)
        var attributes: [Attribute] = []
        var events: [SpanEvent] = []
        var links: [SpanLink] = []
        var status = SpanStatus()
        var traceState = ""
        var flags: UInt32 = 0
        try reader.beginObject()
        var first = true
        while let key = try reader.nextKey(first: &first) {
            if try reader.consumeNull() { continue }
            if reader.matches(key, "traceId") {
                traceID = try readTraceID("traceId")
            } else if reader.matches(key, "spanId") {
                spanID = try readSpanID("spanId", allowEmpty: false)
            } else if reader.matches(key, "parentSpanId") {
                parentSpanID = try readSpanID("parentSpanId", allowEmpty: true)
            } else if reader.matches(key, "name") {
                name = try reader.readString()
            } else if reader.matches(key, "kind") {
                kind = try readKind()
            } else if reader.matches(key, "startTimeUnixNano") {
                startTime = try reader.readUInt64("startTimeUnixNano")
            } else if reader.matches(key, "endTimeUnixNano") {
                endTime = try reader.readUInt64("endTimeUnixNano")
            } else if reader.matches(key, "attributes") {
                attributes = try recurring(caches.attributeLists) { (parser) throws(JSONFailure) in try parser.parseAttributes(depth: 0) }
            } else if reader.matches(key, "events") {
                events = try parseEvents()
            } else if reader.matches(key, "links") {
                links = try parseLinks()
            } else if reader.matches(key, "status") {
                status = try parseStatus()
            } else if reader.matches(key, "traceState") {
                traceState = try reader.readString()
            } else if reader.matches(key, "flags") {
                flags = try readCount("flags")
            } else if reader.matches(key, "droppedAttributesCount") || reader.matches(key, "droppedEventsCount")
                || reader.matches(key, "droppedLinksCount")
            {
                _ = try readCount(reader.text(of: key))
            } else {
                try reader.skipValue()
            }
        }
        guard let traceID else { throw reader.failure("span has no traceId", at: start) }
        guard let spanID else { throw reader.failure("span has no spanId", at: start) }
        // Built from its parts in place (a span built up field by field was copied when appended);
        // the batch's resource and scope are set once the batch is read.
        spans.append(
            Span(
                traceID: traceID, spanID: spanID, parentSpanID: parentSpanID, name: name, kind: kind,
                startTimeUnixNano: startTime, endTimeUnixNano: endTime, status: status, attributes: attributes,
                events: events, links: links, traceState: traceState, flags: flags, resource: Self.placeholderResource))
    }

    private mutating func parseEvents() throws(JSONFailure) -> [SpanEvent] {
        var events: [SpanEvent] = []
        try parseArray { (parser) throws(JSONFailure) in events.append(try parser.parseEvent()) }
        return events
    }

    private mutating func parseLinks() throws(JSONFailure) -> [SpanLink] {
        var links: [SpanLink] = []
        try parseArray { (parser) throws(JSONFailure) in links.append(try parser.parseLink()) }
        return links
    }

    private mutating func parseEvent() throws(JSONFailure) -> SpanEvent {
        var event = SpanEvent(timeUnixNano: 0, name: "")
        try reader.beginObject()
        var first = true
        while let key = try reader.nextKey(first: &first) {
            if try reader.consumeNull() { continue }
            if reader.matches(key, "timeUnixNano") {
                event.timeUnixNano = try reader.readUInt64("timeUnixNano")
            } else if reader.matches(key, "name") {
                event.name = try reader.readString()
            } else if reader.matches(key, "attributes") {
                event.attributes = try parseAttributes(depth: 0)
            } else if reader.matches(key, "droppedAttributesCount") {
                _ = try readCount("droppedAttributesCount")
            } else {
                try reader.skipValue()
            }
        }
        return event
    }

    private mutating func parseLink() throws(JSONFailure) -> SpanLink {
        let start = reader.offset
        var traceID: TraceID?
        var spanID: SpanID?
        var traceState = ""
        var attributes: [Attribute] = []
        try reader.beginObject()
        var first = true
        while let key = try reader.nextKey(first: &first) {
            if try reader.consumeNull() { continue }
            if reader.matches(key, "traceId") {
                traceID = try readTraceID("link traceId")
            } else if reader.matches(key, "spanId") {
                spanID = try readSpanID("link spanId", allowEmpty: false)
            } else if reader.matches(key, "traceState") {
                traceState = try reader.readString()
            } else if reader.matches(key, "attributes") {
                attributes = try parseAttributes(depth: 0)
            } else if reader.matches(key, "droppedAttributesCount") || reader.matches(key, "flags") {
                _ = try readCount(reader.text(of: key))
            } else {
                try reader.skipValue()
            }
        }
        guard let traceID, let spanID else { throw reader.failure("link needs both traceId and spanId", at: start) }
        return SpanLink(traceID: traceID, spanID: spanID, traceState: traceState, attributes: attributes)
    }

    private mutating func parseStatus() throws(JSONFailure) -> SpanStatus {
        var status = SpanStatus()
        try reader.beginObject()
        var first = true
        while let key = try reader.nextKey(first: &first) {
            if try reader.consumeNull() { continue }
            if reader.matches(key, "code") {
                status.code = try readStatusCode()
            } else if reader.matches(key, "message") {
                status.message = try reader.readString()
            } else {
                try reader.skipValue()
            }
        }
        return status
    }
}
