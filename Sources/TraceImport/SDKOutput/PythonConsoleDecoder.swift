public import TraceModel

/// Decodes what the OpenTelemetry Python SDK's `ConsoleSpanExporter` prints (and so what
/// `opentelemetry-instrument --traces_exporter console` prints): one pretty-printed JSON object
/// per span (`ReadableSpan.to_json`), one after another, with whatever else the program printed
/// between them.
///
/// Read: `name`, `context` (`trace_id` and `span_id` as `0x` and hex digits; `trace_state` as
/// Python writes it, `['{key=ot, value=th:c}']`, turned back into W3C form), `kind`
/// (`SpanKind.SERVER`), `parent_id`, `start_time`/`end_time` (ISO 8601, to the microsecond:
/// the SDK prints no finer), `status` (`status_code` UNSET, OK or ERROR, `description`),
/// `attributes` (JSON values: strings, booleans, integers, floats, lists), `events` (`name`,
/// `timestamp`, `attributes`), `links` (`context`, `attributes`), `resource` (`attributes`,
/// `schema_url`). The SDK prints no instrumentation scope and no trace flags: spans have none.
///
/// As in the other decoders, a span whose content is wrong costs that span only, with a
/// positioned warning, and a line that is no span object is skipped to the next that begins one.
public struct PythonConsoleDecoder: Sendable {
    public init() {}

    /// Decodes every span in `bytes`, appending them to `spans`.
    /// - Parameter strict: the first record that cannot be read as written fails the input.
    /// - Returns: what was dropped or repaired.
    /// - Throws: `ImportError` with the line and column of the fault when nothing could be read
    ///   (or, with `strict`, of the first record that could not); then no span is appended.
    @discardableResult
    public func decode(
        _ bytes: UnsafeRawBufferPointer, file: String, strict: Bool = false, into spans: inout [Span]
    ) throws(ImportError) -> RecordIssues {
        var parser = PythonConsoleParser(reader: JSONReader(bytes: bytes, strings: StringInterner()))
        return try parser.parse(bytes, file: file, textual: true, strict: strict, into: &spans)
    }

    /// `trace_state` as the SDK prints it (`['{key=ot, value=th:c}', '{key=v, value=1}']`) in W3C
    /// form (`ot=th:c,v=1`); text of another shape is kept as it is.
    public static func w3cTraceState(_ printed: String) -> String {
        guard printed.hasPrefix("["), printed.hasSuffix("]") else { return printed }
        let members = printed.matches(of: /\{key=([^,}]*), value=([^}]*)\}/).map { "\($0.1)=\($0.2)" }
        return members.joined(separator: ",")
    }
}

/// The parse behind `PythonConsoleDecoder`.
struct PythonConsoleParser: SDKOutputParsing {
    var reader: JSONReader
    var issues = IssueLog()
    var spans: [Span] = []
    private let resources = RecurringObjects<Resource>()
    private var sharedResources = ResourceTable()

    init(reader: JSONReader) { self.reader = reader }

    static let names = SDKOutputNames(
        name: "name", context: "context", parent: "parent_id", kind: "kind", start: "start_time", end: "end_time", status: "status",
        attributes: "attributes", events: "events", links: "links", resource: "resource", scopes: [], eventName: "name",
        eventTime: "timestamp", linkContext: "context", statusCode: "status_code", statusDescription: "description",
        codes: ("UNSET", "OK", "ERROR"))

    static func repair(of member: String) -> String { spanRepair(of: member) }

    private static let kinds: [(StaticString, SpanKind)] = [
        (#""SpanKind.INTERNAL""#, .internal), (#""SpanKind.SERVER""#, .server), (#""SpanKind.CLIENT""#, .client),
        (#""SpanKind.PRODUCER""#, .producer), (#""SpanKind.CONSUMER""#, .consumer),
    ]

    mutating func parseKind() throws(JSONFailure) -> SpanKind {
        _ = reader.peek()
        let position = reader.offset
        if let found = Self.kinds.first(where: { reader.consume($0.0) }) { return found.1 }
        let text = try reader.readString()
        throw reader.failure("unknown kind \"\(text.prefix(40))\"; expected SpanKind.SERVER and the like", at: position)
    }

    mutating func parseParent() throws(JSONFailure) -> SpanID? {
        try readHex("parent_id", digits: 16, prefixed: true) { SpanID(hexDigits: $0) }
    }

    /// `{trace_id, span_id, trace_state}`.
    mutating func parseContext() throws(JSONFailure) -> SDKSpanContext {
        var context = SDKSpanContext()
        try parseObject { (parser, key) throws(JSONFailure) in
            if parser.reader.matches(key, "trace_id") {
                let id: TraceID = try parser.readHex("trace_id", digits: 32, prefixed: true) { TraceID(hexDigits: $0) }
                context.trace = id.isZero ? nil : id
            } else if parser.reader.matches(key, "span_id") {
                let id: SpanID = try parser.readHex("span_id", digits: 16, prefixed: true) { SpanID(hexDigits: $0) }
                context.span = id.isZero ? nil : id
            } else if parser.reader.matches(key, "trace_state") {
                context.state = PythonConsoleDecoder.w3cTraceState(try parser.reader.readString())
            } else {
                try parser.reader.skipValue()
            }
        }
        return context
    }

    /// An `attributes` object: its members in order, each value as JSON writes it.
    mutating func parseAttributes() throws(JSONFailure) -> [Attribute] {
        var attributes: [Attribute] = []
        try parseObject { (parser, key) throws(JSONFailure) in
            let name = parser.reader.text(of: key)
            attributes.append(Attribute(key: name, value: try parser.readPlainValue()))
        }
        return attributes
    }

    /// `{attributes, schema_url}`.
    mutating func parseResource() throws(JSONFailure) -> Resource {
        let read = try recurring(resources) { (parser) throws(JSONFailure) in
            var (attributes, schemaURL): ([Attribute], String) = ([], "")
            try parser.parseObject { (parser, key) throws(JSONFailure) in
                if parser.reader.matches(key, "attributes") {
                    attributes = try parser.parseAttributes()
                } else if parser.reader.matches(key, "schema_url"), try !parser.reader.consumeNull() {
                    schemaURL = try parser.reader.readString()
                } else {
                    try parser.reader.skipValue()
                }
            }
            return Resource(attributes: attributes, schemaURL: schemaURL)
        }
        return sharedResources.shared(read)
    }

    /// The SDK prints none.
    mutating func parseScope() throws(JSONFailure) -> InstrumentationScope {
        try reader.skipValue()
        return .unknown
    }
}
