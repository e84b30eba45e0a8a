import TraceModel

/// The reader of spans: each member of a span object as it comes, the span built once the object
/// ends (its parent chosen among its references), and the ids, times and logs inside it.
extension JaegerJSONParser {
    /// Reads one member of a span object into `span`; returns false for an unknown member, which
    /// is skipped.
    mutating func parseSpanMember(_ key: JSONReader.Key, into span: inout JaegerSpanFields) throws(JSONFailure) -> Bool {
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

    static let spanMembers: Set<String> = [
        "traceID", "traceId", "spanID", "spanId", "parentSpanID", "parentSpanId", "operationName", "startTime", "duration",
        "flags", "references", "tags", "logs", "processID", "processId", "process",
    ]

    mutating func appendSpan(_ fields: consuming JaegerSpanFields, objectStart: Int) throws(JSONFailure) {
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

    private static let referenceTypes = ["child_of", "follows_from"]

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
