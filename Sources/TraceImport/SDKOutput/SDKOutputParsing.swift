import TraceModel

/// What the decoders of SDK console output share: span objects written one after another (no
/// array around them, often pretty-printed, with other lines of the program's output between
/// them), each carrying its own resource. The formats differ in member names and in how ids,
/// kinds, attributes and resources are written; each says so through this protocol.
protocol SDKOutputParsing: JSONParsing, SpanAppendingParser {
    /// The member names of the format's span, event, link and status objects.
    static var names: SDKOutputNames { get }
    /// A span context (the span's own, or a link's).
    mutating func parseContext() throws(JSONFailure) -> SDKSpanContext
    /// The parent's span id, nil for none.
    mutating func parseParent() throws(JSONFailure) -> SpanID?
    mutating func parseKind() throws(JSONFailure) -> SpanKind
    mutating func parseAttributes() throws(JSONFailure) -> [Attribute]
    /// The resource, one object for the spans that print equal ones.
    mutating func parseResource() throws(JSONFailure) -> Resource
    mutating func parseScope() throws(JSONFailure) -> InstrumentationScope
}

/// Member names of a format's objects, and its status codes (unset, ok, error).
struct SDKOutputNames {
    var name, context, parent, kind, start, end, status, attributes, events, links, resource: StaticString
    /// Members holding the instrumentation scope (none for a format that prints none).
    var scopes: [StaticString]
    var eventName, eventTime, linkContext: StaticString
    var statusCode, statusDescription: StaticString
    var codes: (unset: String, ok: String, error: String)
}

/// A span context as console output writes it: nil ids for an absent (all-zero) one.
struct SDKSpanContext {
    var trace: TraceID?
    var span: SpanID?
    var state = ""
    var flags: UInt32 = 0
}

extension SDKOutputParsing {
    /// Every span object. Lines that are not one (the program's own output) are skipped up to
    /// the next line that begins with `{`, and noted; so is the rest of a span object whose JSON
    /// broke.
    mutating func parseDocuments() throws(JSONFailure) {
        reader.skipByteOrderMark()
        while let next = reader.peek() {
            let start = reader.offset
            guard next == UInt8(ascii: "{") else {
                issues.note("text that is no span object (the program's own output)", at: start, action: "skipped", dropsRecord: false)
                reader.offset = reader.nextLine(beginningWith: UInt8(ascii: "{"), after: start) ?? reader.bytes.count
                continue
            }
            do throws(JSONFailure) {
                _ = try tolerating("span dropped", dropsRecord: true) { (parser) throws(JSONFailure) in try parser.parseSpanObject() }
            } catch {
                resume(after: error, documentStart: start, opening: UInt8(ascii: "{"))
            }
        }
    }

    /// One span object, appended to `spans`; thrown (to be dropped) without a context.
    mutating func parseSpanObject() throws(JSONFailure) {
        let start = reader.offset
        let names = Self.names
        var context = SDKSpanContext()
        var parent: SpanID?
        var (name, kind): (String, SpanKind) = ("", .unspecified)
        var (startTime, endTime): (UInt64?, UInt64?) = (nil, nil)
        var status = SpanStatus()
        var (attributes, events, links): ([Attribute], [SpanEvent], [SpanLink]) = ([], [], [])
        var resource: Resource?
        var scope = InstrumentationScope.unknown
        try parseRecordMembers(essential: [names.context]) { (parser, key) throws(JSONFailure) in
            let reader = parser.reader
            let matches = { (member: StaticString) in reader.matches(key, member) }
            if matches(names.name) {
                name = try parser.reader.readString()
            } else if matches(names.context) {
                context = try parser.parseContext()
            } else if matches(names.parent) {
                parent = try parser.parseParent()
            } else if matches(names.kind) {
                kind = try parser.parseKind()
            } else if matches(names.start) {
                startTime = try parser.readTime(names.start.description)
            } else if matches(names.end) {
                endTime = try parser.readTime(names.end.description)
            } else if matches(names.status) {
                status = try parser.parseStatus()
            } else if matches(names.attributes) {
                attributes = try parser.parseAttributes()
            } else if matches(names.events) {
                events = try parser.parseList("event dropped") { (parser) throws(JSONFailure) in try parser.parseEvent() }
            } else if matches(names.links) {
                links = try parser.parseList("link dropped") { (parser) throws(JSONFailure) in try parser.parseLink() }
            } else if matches(names.resource) {
                resource = try parser.parseResource()
            } else if names.scopes.contains(where: matches) {
                scope = try parser.parseScope()
            } else {
                try parser.reader.skipValue()
            }
        }
        guard let trace = context.trace, let span = context.span else {
            throw reader.failure("span has no \(names.context) with a trace id and a span id, not all zeros", at: start)
        }
        let begin = startTime ?? 0
        spans.append(
            Span(
                traceID: trace, spanID: span, parentSpanID: parent, name: name, kind: kind, startTimeUnixNano: begin,
                endTimeUnixNano: endTime ?? begin, status: status, attributes: attributes, events: events, links: links,
                traceState: context.state, flags: context.flags, resource: resource ?? noResource, scope: scope))
    }

    /// What `repair(of:)` says of the members a span can do without.
    static func spanRepair(of member: String) -> String {
        let names = Self.names
        switch member {
        case names.parent.description: return "parent ignored: shown as a root"
        case names.kind.description: return "kind read as unspecified"
        case names.start.description: return "start read as missing"
        case names.end.description: return "end read as the start"
        default: return "\(member) ignored"
        }
    }

    /// The elements `read` reads from a list; one that cannot be read is dropped, noted as `action`.
    private mutating func parseList<Element>(
        _ action: String, _ read: (inout Self) throws(JSONFailure) -> Element
    ) throws(JSONFailure) -> [Element] {
        var elements: [Element] = []
        try parseArray { (parser) throws(JSONFailure) in
            if let element = try parser.tolerating(action, dropsRecord: true, read) { elements.append(element) }
        }
        return elements
    }

    private mutating func parseStatus() throws(JSONFailure) -> SpanStatus {
        let names = Self.names
        var status = SpanStatus()
        try parseObject { (parser, key) throws(JSONFailure) in
            if parser.reader.matches(key, names.statusCode) {
                let position = parser.reader.offset
                switch try parser.reader.readString() {
                case names.codes.unset: status.code = .unset
                case names.codes.ok: status.code = .ok
                case names.codes.error: status.code = .error
                case let other: throw parser.reader.failure("unknown \(names.statusCode) \"\(other.prefix(40))\"", at: position)
                }
            } else if parser.reader.matches(key, names.statusDescription), try !parser.reader.consumeNull() {
                status.message = try parser.reader.readString()
            } else {
                try parser.reader.skipValue()
            }
        }
        return status
    }

    private mutating func parseEvent() throws(JSONFailure) -> SpanEvent {
        let names = Self.names
        var event = SpanEvent(timeUnixNano: 0, name: "")
        try parseObject { (parser, key) throws(JSONFailure) in
            if try parser.reader.consumeNull() { return }
            if parser.reader.matches(key, names.eventName) {
                event.name = try parser.reader.readString()
            } else if parser.reader.matches(key, names.eventTime) {
                event.timeUnixNano = try parser.readTime("event \(names.eventTime)")
            } else if parser.reader.matches(key, names.attributes) {
                event.attributes = try parser.parseAttributes()
            } else {
                try parser.reader.skipValue()
            }
        }
        return event
    }

    private mutating func parseLink() throws(JSONFailure) -> SpanLink {
        let start = reader.offset
        let names = Self.names
        var context = SDKSpanContext()
        var attributes: [Attribute] = []
        try parseObject { (parser, key) throws(JSONFailure) in
            if parser.reader.matches(key, names.linkContext) {
                context = try parser.parseContext()
            } else if parser.reader.matches(key, names.attributes) {
                attributes = try parser.parseAttributes()
            } else {
                try parser.reader.skipValue()
            }
        }
        guard let trace = context.trace, let span = context.span else {
            throw reader.failure("link has no \(names.linkContext) with a trace id and a span id", at: start)
        }
        return SpanLink(traceID: trace, spanID: span, traceState: context.state, attributes: attributes)
    }

    /// A plain JSON value as an attribute value: a string, a boolean, an integer (within 64
    /// bits, else a double), a double, or an array of those. Anything nested deeper is kept as
    /// its JSON text (attributes of these SDKs hold none).
    mutating func readPlainValue() throws(JSONFailure) -> AttributeValue {
        if reader.peek() == UInt8(ascii: "[") {
            var values: [AttributeValue] = []
            try parseArray { (parser) throws(JSONFailure) in values.append(try parser.reader.readPlainScalar()) }
            return .array(values)
        }
        return try reader.readPlainScalar()
    }

    /// A time written as RFC 3339 text.
    mutating func readTime(_ field: String) throws(JSONFailure) -> UInt64 {
        _ = reader.peek()
        let position = reader.offset
        let text = try reader.readString()
        guard let time = TimeText.unixNanoseconds(rfc3339: text) else {
            throw reader.failure("invalid \(field) \"\(text.prefix(40))\": expected an RFC 3339 time from 1970 to 2554", at: position)
        }
        return time
    }

    /// An id written as hex digits (with `0x` before them when `prefixed`), not all zeros.
    mutating func readHex<ID>(
        _ field: String, digits: Int, prefixed: Bool, _ make: ([UInt8]) -> ID?
    ) throws(JSONFailure) -> ID {
        _ = reader.peek()
        let position = reader.offset
        let parsed = try reader.withStringBytes { text -> ID? in
            var body = Array(text)
            if prefixed {
                guard body.count > 2, body[0] == UInt8(ascii: "0"), body[1] | 0x20 == UInt8(ascii: "x") else { return nil }
                body.removeFirst(2)
            }
            return body.count == digits ? make(body) : nil
        }
        guard let parsed else {
            throw reader.failure(
                "invalid \(field) \(reader.quotedString(at: position)): expected \(prefixed ? "0x and " : "")\(digits) hex digits",
                at: position)
        }
        return parsed
    }
}

/// The resource of spans printed without one.
private let noResource = Resource(attributes: [])

/// One resource object for the spans that print equal ones (each span prints its own), among
/// the first `limit` distinct resources of an input.
struct ResourceTable {
    private var known: [Resource] = []
    static let limit = 64

    mutating func shared(_ resource: Resource) -> Resource {
        if let same = known.first(where: { $0 === resource || $0 == resource }) { return same }
        if known.count < Self.limit { known.append(resource) }
        return resource
    }
}

/// Instrumentation scopes by name and version, one object for each: spans repeat theirs.
struct ScopeTable {
    private var scopes: [String: [String: InstrumentationScope]] = [:]

    mutating func scope(name: String, version: String) -> InstrumentationScope {
        if name.isEmpty && version.isEmpty { return .unknown }
        if let known = scopes[name]?[version] { return known }
        let made = InstrumentationScope(name: name, version: version)
        scopes[name, default: [:]][version] = made
        return made
    }
}
