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
    private let attributes: AttributeStack
    /// Tag lists as decoded, by their text.
    private let tagLists = RecurringObjects<JaegerTags.Special>()
    /// The references of the spans being read, each span's above those of the object around it.
    private var references: [JaegerReference] = []
    /// Spans whose `processID` waits for the `processes` map of their trace.
    private var pendingProcesses: [(spanIndex: Int, processID: String)] = []

    private static let unknownProcess = Resource(attributes: [])

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
    private mutating func parseRecords(depth: Int, action: StaticString) throws(JSONFailure) {
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

    /// Any Jaeger object: an envelope, a trace, or a span (told apart by their members).
    private mutating func parseObject(depth: Int) throws(JSONFailure) {
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
                if parser.reader.matches(key, "data") || parser.reader.matches(key, "spans") {
                    recognised = true
                    isContainer = true
                    // The query API's `data` is a list of traces; some tools write one trace there.
                    if parser.reader.peek() == UInt8(ascii: "{") {
                        try parser.parseObject(depth: depth + 1)
                    } else {
                        try parser.parseRecords(
                            depth: depth + 1, action: parser.reader.matches(key, "data") ? "trace dropped" : "span dropped")
                    }
                } else if parser.reader.matches(key, "processes") {
                    recognised = true
                    isContainer = true
                    try parser.parseObject { (parser, processKey) throws(JSONFailure) in
                        let name = parser.reader.text(of: processKey)
                        if let process = try parser.tolerating(
                            "process ignored", dropsRecord: false, { (parser) throws(JSONFailure) in try parser.parseProcess() })
                        {
                            processes[name] = process
                        }
                    }
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

    /// Resolves the processIDs of the spans waiting from `firstPending` on (those of one trace).
    private mutating func resolveProcesses(_ processes: [String: Resource], from firstPending: Int) {
        guard !processes.isEmpty else { return }
        var unresolved: [(Int, String)] = []
        // A trace has a few processes: comparing ids costs less than hashing them.
        let few = processes.count <= 16 ? Array(processes) : nil
        for (index, processID) in pendingProcesses[firstPending...] {
            if let resource = few.map({ $0.first { $0.key == processID }?.value }) ?? processes[processID] {
                spans[index].resource = resource
            } else {
                unresolved.append((index, processID))
            }
        }
        pendingProcesses.replaceSubrange(firstPending..., with: unresolved)
    }

    /// Drops the spans still waiting for their process from `firstPending` on: their trace broke
    /// before its `processes`.
    private mutating func dropUnresolvedSpans(from firstPending: Int, at offset: Int) {
        guard firstPending < pendingProcesses.count else { return }
        let dropped = Set(pendingProcesses[firstPending...].map(\.spanIndex))
        pendingProcesses.removeSubrange(firstPending...)
        issues.note(
            "the input breaks before their trace's processes", at: offset, action: "\(dropped.count) spans dropped", dropsRecord: true)
        let first = dropped.min()!
        var kept = first
        for index in first..<spans.count where !dropped.contains(index) {
            spans.swapAt(kept, index)
            kept += 1
        }
        spans.removeSubrange(kept...)
    }

    private mutating func parseProcess() throws(JSONFailure) -> Resource {
        var serviceName: String?
        var attributes: [Attribute] = []
        try parseObject { (parser, key) throws(JSONFailure) in
            if parser.reader.matches(key, "serviceName") {
                serviceName = try parser.reader.readString()
            } else if parser.reader.matches(key, "tags") {
                attributes = try parser.parseTags()
            } else {
                try parser.reader.skipValue()
            }
        }
        if let serviceName {
            attributes.removeAll { $0.key == "service.name" }
            attributes.insert(Attribute(key: "service.name", value: .string(serviceName)), at: 0)
        }
        return Resource(attributes: attributes)
    }

    /// Reads one member of a span object into `span`; returns false for an unknown member, which
    /// is skipped.
    private mutating func parseSpanMember(_ key: JSONReader.Key, into span: inout JaegerSpanFields) throws(JSONFailure) -> Bool {
        let position = reader.offset
        if reader.matches(key, "traceID") || reader.matches(key, "traceId") {
            span.traceID = try readTraceID(&span)
        } else if reader.matches(key, "spanID") || reader.matches(key, "spanId") {
            span.spanID = try readSpanID(&span)
        } else if reader.matches(key, "parentSpanID") || reader.matches(key, "parentSpanId") {
            span.legacyParent = try readSpanID(&span)
        } else if reader.matches(key, "operationName") {
            span.name = try reader.readString()
        } else if reader.matches(key, "startTime") {
            span.start = try readTime("startTime")
            span.startPosition = position
        } else if reader.matches(key, "duration") {
            span.duration = try readDuration()
        } else if reader.matches(key, "flags") {
            span.flags = UInt32(truncatingIfNeeded: try reader.readInt64("flags"))
        } else if reader.matches(key, "references") {
            try parseArray { (parser) throws(JSONFailure) in
                if let reference = parser.parseCompactReference() {
                    parser.references.append(reference)
                } else if let reference = try parser.tolerating(
                    "reference dropped", dropsRecord: true, { (parser) throws(JSONFailure) in try parser.parseReference(&span) })
                {
                    parser.references.append(reference)
                }
            }
        } else if reader.matches(key, "tags") {
            // A span's tags often repeat another's word for word: decoded (and kind and status
            // read from them) once.
            span.tags = try recurring(tagLists) { (parser) throws(JSONFailure) in JaegerTags.Special(try parser.parseTags()) }
        } else if reader.matches(key, "logs") {
            try parseArray { (parser) throws(JSONFailure) in
                if let log = try parser.tolerating(
                    "log dropped", dropsRecord: true, { (parser) throws(JSONFailure) in try parser.parseLog() })
                {
                    span.events.append(log)
                }
            }
        } else if reader.matches(key, "processID") || reader.matches(key, "processId") {
            span.processID = try reader.readString()
        } else if reader.matches(key, "process") {
            span.process = try parseProcess()
        } else {
            try reader.skipValue()
            return false
        }
        return true
    }

    static func repair(of member: String) -> String {
        switch member {
        case "parentSpanID", "parentSpanId": "parent ignored: shown as a root"
        case "startTime": "start read as missing"
        case "duration": "duration read as missing"
        default: "\(member) ignored"
        }
    }

    private static let spanMembers: Set<String> = [
        "traceID", "traceId", "spanID", "spanId", "parentSpanID", "parentSpanId", "operationName", "startTime", "duration",
        "flags", "references", "tags", "logs", "processID", "processId", "process",
    ]

    private mutating func appendSpan(_ fields: consuming JaegerSpanFields, objectStart: Int) throws(JSONFailure) {
        guard let traceID = fields.traceID else { throw reader.failure("span has no traceID", at: objectStart) }
        guard let spanID = fields.spanID else { throw reader.failure("span has no spanID", at: objectStart) }
        if fields.start == nil {
            issues.note("span \(spanID) has no startTime", at: objectStart, action: "drawn as an instant", dropsRecord: false)
        }
        let start = fields.start ?? 0
        let (sum, overflow) = start.addingReportingOverflow(fields.duration ?? 0)
        if overflow {
            issues.note(
                "startTime plus duration is beyond the 64-bit range", at: fields.startPosition, action: "end read as the latest time",
                dropsRecord: false)
        }
        let end = overflow ? UInt64.max : sum
        // The parent: the first CHILD_OF within the trace, else the first FOLLOWS_FROM; the rest are links.
        let own = references[fields.firstReference...]
        let parentReference =
            own.firstIndex { $0.traceID == traceID && !$0.followsFrom } ?? own.firstIndex { $0.traceID == traceID && $0.followsFrom }
        var parentSpanID = parentReference.map { references[$0].spanID }
        let parentRelation: ParentRelation = parentReference.map { references[$0].followsFrom ? .followsFrom : .childOf } ?? .childOf
        if parentReference == nil, let legacyParent = fields.legacyParent, !legacyParent.isZero { parentSpanID = legacyParent }
        var links: [SpanLink] = []
        for index in own.indices where index != parentReference {
            links.append(
                SpanLink(
                    traceID: references[index].traceID, spanID: references[index].spanID,
                    attributes: [
                        Attribute(
                            key: "opentracing.ref_type", value: .string(references[index].followsFrom ? "follows_from" : "child_of"))
                    ]))
        }
        let tags = fields.tags ?? JaegerTags.Special([])
        if fields.process == nil, let processID = fields.processID {
            pendingProcesses.append((spans.count, processID))
        }
        // Built from its parts in place: a span built up field by field was copied when appended.
        spans.append(
            Span(
                traceID: traceID, spanID: spanID, parentSpanID: parentSpanID, parentRelation: parentRelation, name: fields.name,
                kind: tags.kind, startTimeUnixNano: start, endTimeUnixNano: end, status: tags.status, attributes: tags.attributes,
                events: Self.take(&fields.events), links: links, flags: fields.flags, resource: fields.process ?? Self.unknownProcess,
                warnings: Self.take(&fields.warnings)))
    }

    /// The array, leaving an empty one in its place.
    private static func take<Element>(_ array: inout [Element]) -> [Element] {
        var taken: [Element] = []
        swap(&taken, &array)
        return taken
    }

    /// The query API's usual spelling of a reference, without whitespace and with hex ids:
    /// `{"refType":"CHILD_OF","traceID":"…","spanID":"…"}`. Anything else rewinds and returns nil
    /// for the general parse, which gives the same result.
    private mutating func parseCompactReference() -> JaegerReference? {
        _ = reader.peek()
        let start = reader.offset
        let followsFrom: Bool
        if reader.consume(#"{"refType":"CHILD_OF","traceID":"#) {
            followsFrom = false
        } else if reader.consume(#"{"refType":"FOLLOWS_FROM","traceID":"#) {
            followsFrom = true
        } else {
            return nil
        }
        guard let trace = reader.readHexID(wordPairs: 2), reader.consume(#","spanID":"#),
            let span = reader.readHexID(wordPairs: 1), reader.consume("}")
        else {
            reader.offset = start
            return nil
        }
        let traceID = TraceID(high: trace.high, low: trace.low)
        guard !traceID.isZero else {
            reader.offset = start
            return nil
        }
        return JaegerReference(followsFrom: followsFrom, traceID: traceID, spanID: SpanID(span.low))
    }

    private mutating func parseReference(_ span: inout JaegerSpanFields) throws(JSONFailure) -> JaegerReference {
        let start = reader.offset
        var followsFrom = false
        var traceID: TraceID?
        var spanID: SpanID?
        try parseObject { (parser, key) throws(JSONFailure) in
            if try parser.reader.consumeNull() { return }
            if parser.reader.matches(key, "refType") {
                let position = parser.reader.offset
                let type = try parser.reader.readLowercased(knowing: Self.referenceTypes)
                switch type {
                case "child_of": followsFrom = false
                case "follows_from": followsFrom = true
                default: throw parser.reader.failure("unknown refType \"\(type.prefix(40))\"", at: position)
                }
            } else if parser.reader.matches(key, "traceID") || parser.reader.matches(key, "traceId") {
                traceID = try parser.readTraceID(&span)
            } else if parser.reader.matches(key, "spanID") || parser.reader.matches(key, "spanId") {
                spanID = try parser.readSpanID(&span)
            } else {
                try parser.reader.skipValue()
            }
        }
        guard let traceID, let spanID else { throw reader.failure("reference needs traceID and spanID", at: start) }
        return JaegerReference(followsFrom: followsFrom, traceID: traceID, spanID: spanID)
    }

    private mutating func parseLog() throws(JSONFailure) -> SpanEvent {
        var event = SpanEvent(timeUnixNano: 0, name: "log")
        try parseObject { (parser, key) throws(JSONFailure) in
            if try parser.reader.consumeNull() { return }
            if parser.reader.matches(key, "timestamp") {
                event.timeUnixNano = try parser.readTime("log timestamp")
            } else if parser.reader.matches(key, "fields") {
                event.attributes =
                    try parser.tolerating("fields ignored", dropsRecord: false) { (parser) throws(JSONFailure) in try parser.parseTags() }
                    ?? []
            } else {
                try parser.reader.skipValue()
            }
        }
        if let index = event.attributes.firstIndex(where: { $0.key == "event" }), case .string(let name) = event.attributes[index].value {
            event.name = name
            event.attributes.remove(at: index)
        }
        return event
    }

    /// A list of tags: `{"key", "type", "value"}` (query API) or `{"key", "vType", "vStr"...}` (domain model).
    private mutating func parseTags() throws(JSONFailure) -> [Attribute] {
        let stack = attributes
        let base = stack.count
        do {
            try parseArray { (parser) throws(JSONFailure) in
                _ = parser.reader.peek()
                if let tag = parser.parseCompactTag() {
                    stack.push(tag)
                } else if let tag = try parser.tolerating(
                    "tag dropped", dropsRecord: true, { (parser) throws(JSONFailure) in try parser.parseTag() })
                {
                    stack.push(tag)
                }
            }
        } catch {
            stack.drop(from: base)
            throw error
        }
        return stack.take(from: base)
    }

    /// The query API's usual spelling of a tag, without whitespace:
    /// `{"key":"…","type":"string","value":"…"}` (or `int64`, `float64` with a number). Anything
    /// else rewinds and returns nil for the general parse, which gives the same result.
    private mutating func parseCompactTag() -> Attribute? {
        let start = reader.offset
        // Anything unusual, a fault included, is left to the general parse, which says what it is.
        guard reader.consume(#"{"key":"#), let key = try? reader.readString() else {
            reader.offset = start
            return nil
        }
        let value: AttributeValue
        if reader.consume(#","type":"string","value":""#) {
            reader.offset -= 1  // back to the opening quote
            guard let text = try? reader.readString() else {
                reader.offset = start
                return nil
            }
            value = .string(text)
        } else if reader.consume(#","type":"int64","value":"#), reader.peek() != UInt8(ascii: "\""),
            let number = try? reader.readInt64("int64 tag value")
        {
            value = .int(number)
        } else if reader.consume(#","type":"float64","value":"#), reader.peek() != UInt8(ascii: "\""),
            let number = try? reader.readDouble("float64 tag value")
        {
            value = .double(number)
        } else {
            reader.offset = start
            return nil
        }
        guard reader.consume("}") else {
            reader.offset = start
            return nil
        }
        return Attribute(key: key, value: value)
    }

    private mutating func parseTag() throws(JSONFailure) -> Attribute {
        var key = ""
        var type = ""
        var valuePosition: Int?
        try parseObject { (parser, member) throws(JSONFailure) in
            if parser.reader.matches(member, "key") {
                key = try parser.reader.readString()
            } else if parser.reader.matches(member, "type") || parser.reader.matches(member, "vType") {
                type = try parser.reader.readLowercased(knowing: Self.tagTypes)
            } else if ["value", "vStr", "vBool", "vInt64", "vFloat64", "vBinary"].contains(where: { parser.reader.matches(member, $0) }) {
                // The type may come after the value: read the value once the object is done.
                _ = parser.reader.peek()
                valuePosition = parser.reader.offset
                if type.isEmpty, !parser.reader.matches(member, "value") { type = Self.domainTypes[parser.reader.text(of: member)] ?? "" }
                try parser.reader.skipValue()
            } else {
                try parser.reader.skipValue()
            }
        }
        guard let valuePosition else { return Attribute(key: key, value: .empty) }
        var valueReader = JSONReader(bytes: reader.bytes, offset: valuePosition, strings: reader.strings)
        return Attribute(key: key, value: try JaegerTags.value(&valueReader, type: type))
    }

    private static let referenceTypes = ["child_of", "follows_from"]
    private static let tagTypes = ["string", "bool", "int64", "float64", "binary"]

    private static let domainTypes = [
        "vStr": "string", "vBool": "bool", "vInt64": "int64", "vFloat64": "float64", "vBinary": "binary",
    ]

    /// A time in microseconds since the epoch (a number), or an RFC 3339 string.
    private mutating func readTime(_ field: String) throws(JSONFailure) -> UInt64 {
        let position = reader.offset
        if reader.peek() == UInt8(ascii: "\"") {
            let text = try reader.readString()
            guard let nanoseconds = TimeText.unixNanoseconds(rfc3339: text) else {
                throw reader.failure(
                    "\(field) \"\(text.prefix(40))\" is neither microseconds nor an RFC 3339 time from 1970 to 2554", at: position)
            }
            return nanoseconds
        }
        guard let nanoseconds = TimeText.nanoseconds(microseconds: try reader.readUInt64(field)) else {
            throw reader.failure("\(field) is beyond the 64-bit range in nanoseconds", at: position)
        }
        return nanoseconds
    }

    /// A duration in microseconds (a number), or a string with a unit ("100000ns").
    private mutating func readDuration() throws(JSONFailure) -> UInt64 {
        let position = reader.offset
        if reader.peek() == UInt8(ascii: "\"") {
            let text = try reader.readString()
            guard let nanoseconds = DurationFormat.nanoseconds(parsing: text) else {
                throw reader.failure(
                    "duration must be a number of microseconds or a string like \"100000ns\", not \"\(text.prefix(40))\"", at: position)
            }
            return nanoseconds
        }
        guard let nanoseconds = TimeText.nanoseconds(microseconds: try reader.readUInt64("duration")) else {
            throw reader.failure("duration is beyond the 64-bit range in nanoseconds", at: position)
        }
        return nanoseconds
    }

    private mutating func readTraceID(_ span: inout JaegerSpanFields) throws(JSONFailure) -> TraceID {
        let position = reader.offset
        if let (high, low) = reader.readHexID(wordPairs: 2), high != 0 || low != 0 { return TraceID(high: high, low: low) }
        reader.offset = position
        // The text is quoted only for a message: ids are on the hot path.
        let parsed = try reader.withStringBytes { text -> (TraceID, quoted: String?)? in
            guard let (id, leniency) = IDDecoding.lenientTraceID(text), !id.isZero else { return nil }
            return (id, leniency == .hashed ? IDDecoding.quoted(text) : nil)
        }
        guard let (id, hashedText) = parsed else {
            throw reader.failure("invalid traceID \(reader.quotedString(at: position))", at: position)
        }
        if let hashedText { span.warnings.append("traceID \(hashedText) is not hex; shown as \(id)") }
        return id
    }

    private mutating func readSpanID(_ span: inout JaegerSpanFields) throws(JSONFailure) -> SpanID {
        let position = reader.offset
        if let (_, value) = reader.readHexID(wordPairs: 1) { return SpanID(value) }
        let parsed = try reader.withStringBytes { text -> (SpanID, quoted: String?)? in
            guard let (id, leniency) = IDDecoding.lenientSpanID(text) else { return nil }
            return (id, leniency == .hashed ? IDDecoding.quoted(text) : nil)
        }
        guard let (id, hashedText) = parsed else {
            throw reader.failure("invalid spanID \(reader.quotedString(at: position))", at: position)
        }
        if let hashedText { span.warnings.append("span id \(hashedText) is not hex; shown as \(id)") }
        return id
    }

}

/// The members of a Jaeger span object, gathered before the span is built.
struct JaegerSpanFields {
    /// Where the span's references start in the parser's list of them.
    let firstReference: Int
    var traceID: TraceID?
    var spanID: SpanID?
    var legacyParent: SpanID?
    var name = ""
    var start: UInt64?
    var startPosition = 0
    var duration: UInt64?
    var flags: UInt32 = 0
    var tags: JaegerTags.Special?
    var events: [SpanEvent] = []
    var processID: String?
    var process: Resource?
    var warnings: [String] = []
}

struct JaegerReference {
    var followsFrom: Bool
    var traceID: TraceID
    var spanID: SpanID
}
