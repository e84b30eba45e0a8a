public import TraceModel

/// Decodes what the OpenTelemetry Go SDK's `stdouttrace` exporter writes: one JSON object per
/// span (`tracetest.SpanStub`), one after another, pretty-printed with `WithPrettyPrint()` or
/// one a line, with whatever else the program printed between them.
///
/// Read: `Name`, `SpanContext` and `Parent` (`TraceID`, `SpanID` as hex, `TraceFlags`,
/// `TraceState`; a parent of zeros is none), `SpanKind` (a number: 1 internal, 2 server, 3
/// client, 4 producer, 5 consumer), `StartTime`/`EndTime` (RFC 3339 with nanoseconds and the
/// writer's UTC offset), `Attributes` and `Resource` (lists of `{Key, Value: {Type, Value}}`,
/// Type BOOL, INT64, FLOAT64, STRING or their SLICE forms), `Events` (`Name`, `Time`,
/// `Attributes`), `Links` (`SpanContext`, `Attributes`), `Status` (`Code` "Unset", "Ok",
/// "Error"; `Description`), `InstrumentationScope` (or the older `InstrumentationLibrary`:
/// `Name`, `Version`). The `Dropped…` counts and `ChildSpanCount` are not kept.
///
/// As in the other decoders, a span whose content is wrong costs that span only, with a
/// positioned warning, and a line that is no span object is skipped to the next that begins one.
public struct GoStdoutTraceDecoder: Sendable {
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
        var parser = GoStdoutTraceParser(reader: JSONReader(bytes: bytes, strings: StringInterner()))
        return try parser.parse(bytes, file: file, textual: true, strict: strict, into: &spans)
    }
}

/// The parse behind `GoStdoutTraceDecoder`.
struct GoStdoutTraceParser: SDKOutputParsing {
    var reader: JSONReader
    var issues = IssueLog()
    var spans: [Span] = []
    private let resources = RecurringObjects<Resource>()
    private var sharedResources = ResourceTable()
    private var scopes = ScopeTable()

    init(reader: JSONReader) { self.reader = reader }

    static let names = SDKOutputNames(
        name: "Name", context: "SpanContext", parent: "Parent", kind: "SpanKind", start: "StartTime", end: "EndTime", status: "Status",
        attributes: "Attributes", events: "Events", links: "Links", resource: "Resource",
        scopes: ["InstrumentationScope", "InstrumentationLibrary"], eventName: "Name", eventTime: "Time", linkContext: "SpanContext",
        statusCode: "Code", statusDescription: "Description", codes: ("Unset", "Ok", "Error"))

    static func repair(of member: String) -> String { spanRepair(of: member) }

    /// A number: Go's `trace.SpanKind`, which numbers kinds as OTLP does.
    mutating func parseKind() throws(JSONFailure) -> SpanKind {
        _ = reader.peek()
        let position = reader.offset
        let number = try reader.readInt64("SpanKind")
        guard (0...5).contains(number), let kind = SpanKind(rawValue: UInt8(number)) else {
            throw reader.failure("unknown SpanKind \(number); expected 0 to 5", at: position)
        }
        return kind
    }

    /// A context whose ids are zeros when the span is a root.
    mutating func parseParent() throws(JSONFailure) -> SpanID? { try parseContext().span }

    /// `{TraceID, SpanID, TraceFlags, TraceState, Remote}`, ids in hex without `0x`.
    mutating func parseContext() throws(JSONFailure) -> SDKSpanContext {
        var context = SDKSpanContext()
        try parseObject { (parser, key) throws(JSONFailure) in
            if parser.reader.matches(key, "TraceID") {
                let id: TraceID = try parser.readHex("TraceID", digits: 32, prefixed: false) { TraceID(hexDigits: $0) }
                context.trace = id.isZero ? nil : id
            } else if parser.reader.matches(key, "SpanID") {
                let id: SpanID = try parser.readHex("SpanID", digits: 16, prefixed: false) { SpanID(hexDigits: $0) }
                context.span = id.isZero ? nil : id
            } else if parser.reader.matches(key, "TraceState") {
                context.state = try parser.reader.readString()
            } else if parser.reader.matches(key, "TraceFlags") {
                let flags: UInt8 = try parser.readHex("TraceFlags", digits: 2, prefixed: false) { digits in
                    UInt8(String(decoding: digits, as: UTF8.self), radix: 16)
                }
                context.flags = UInt32(flags)
            } else {
                try parser.reader.skipValue()
            }
        }
        return context
    }

    /// A list of attributes, as the span's.
    mutating func parseResource() throws(JSONFailure) -> Resource {
        let read = try recurring(resources) { (parser) throws(JSONFailure) in Resource(attributes: try parser.parseAttributes()) }
        return sharedResources.shared(read)
    }

    /// A list of `{Key, Value: {Type, Value}}`; the value is read as its JSON says, then
    /// checked against its Type (an INT64 written as a float is refused).
    mutating func parseAttributes() throws(JSONFailure) -> [Attribute] {
        var attributes: [Attribute] = []
        try parseArray { (parser) throws(JSONFailure) in
            let start = parser.reader.offset
            var (name, value): (String?, AttributeValue?) = (nil, nil)
            try parser.parseObject { (parser, key) throws(JSONFailure) in
                if parser.reader.matches(key, "Key") {
                    name = try parser.reader.readString()
                } else if parser.reader.matches(key, "Value") {
                    value = try parser.parseTypedValue()
                } else {
                    try parser.reader.skipValue()
                }
            }
            guard let name else { throw parser.reader.failure("attribute has no Key", at: start) }
            attributes.append(Attribute(key: name, value: value ?? .empty))
        }
        return attributes
    }

    private mutating func parseTypedValue() throws(JSONFailure) -> AttributeValue {
        let start = reader.offset
        var (type, value): (String?, AttributeValue) = (nil, .empty)
        try parseObject { (parser, key) throws(JSONFailure) in
            if parser.reader.matches(key, "Type") {
                type = try parser.reader.readString()
            } else if parser.reader.matches(key, "Value") {
                value = try parser.readPlainValue()
            } else {
                try parser.reader.skipValue()
            }
        }
        func fits(_ value: AttributeValue, _ element: String) -> Bool {
            switch (element, value) {
            case ("BOOL", .bool), ("INT64", .int), ("FLOAT64", .double), ("STRING", .string): true
            case ("FLOAT64", .int(let number)): Double(exactly: number) != nil
            default: false
            }
        }
        switch (type, value) {
        case ("FLOAT64"?, .int(let number)): return .double(Double(number))
        case (let type?, .array(let elements)) where type.hasSuffix("SLICE"):
            let element = String(type.dropLast("SLICE".count))
            guard elements.allSatisfy({ fits($0, element) }) else { break }
            return .array(element == "FLOAT64" ? elements.map { if case .int(let n) = $0 { .double(Double(n)) } else { $0 } } : elements)
        case (let type?, _) where fits(value, type): return value
        case ("EMPTY"?, .empty), (nil, _): return value
        default: break
        }
        throw reader.failure("attribute value does not match its Type \"\((type ?? "").prefix(20))\"", at: start)
    }

    mutating func parseScope() throws(JSONFailure) -> InstrumentationScope {
        var (name, version) = ("", "")
        try parseObject { (parser, key) throws(JSONFailure) in
            if parser.reader.matches(key, "Name") {
                name = try parser.reader.readString()
            } else if parser.reader.matches(key, "Version") {
                version = try parser.reader.readString()
            } else {
                try parser.reader.skipValue()
            }
        }
        return scopes.scope(name: name, version: version)
    }
}
