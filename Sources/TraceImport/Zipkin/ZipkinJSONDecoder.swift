public import TraceModel

/// Decodes Zipkin v2 JSON: a list of spans (`POST /api/v2/spans`), a list of traces
/// (`GET /api/v2/traces`), or a single span object.
///
/// Records of one span sent in pieces are merged and a missing `shared` flag on the server half of
/// a client/server pair is restored, as Zipkin's own `Trace.merge` does, within each file. A trace
/// whose records mix 64-bit and 128-bit trace ids gets the 128-bit id throughout. `localEndpoint`
/// becomes the resource (service), `remoteEndpoint` the `peer.service` and `network.peer.*`
/// attributes, annotations events, tags string attributes, and the `error` and `otel.status_code`
/// tags the status. Ids shorter than 16 or 32 hex digits are left-padded with zeros, as Zipkin's
/// own span builder does. Zipkin v1 JSON is recognised and rejected.
///
/// As in `OTLPJSONDecoder`, a span whose content is wrong costs that span only, a field that
/// cannot be read is repaired or ignored, and a document broken mid-way keeps the spans read
/// before the break.
public struct ZipkinJSONDecoder: Sendable {
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
        var parser = ZipkinJSONParser(reader: JSONReader(bytes: bytes, strings: StringInterner()))
        parser.records.reserveCapacity(bytes.count / InputFormat.zipkinJSON.bytesPerSpanEstimate)
        do {
            try parser.parseDocuments()
        } catch {
            throw ImportError(file: file, bytes: bytes, offset: error.offset, message: error.message)
        }
        if let fault = parser.issues.fault(readAny: !parser.records.isEmpty, strict: strict) {
            throw ImportError(file: file, bytes: bytes, offset: fault.offset, message: fault.message)
        }
        ZipkinMerge.spans(from: &parser.records, resources: &parser.resources, into: &spans)
        return parser.issues.issues(in: bytes, textual: true)
    }
}

/// A network endpoint of a Zipkin span.
struct ZipkinEndpoint: Hashable {
    var serviceName: String?
    var ipv4: String?
    var ipv6: String?
    var port: Int?

    /// `a == b`, field by field, without the copies the generic comparison of optionals makes.
    static func same(_ a: borrowing ZipkinEndpoint?, _ b: borrowing ZipkinEndpoint?) -> Bool {
        guard let a = copy a, let b = copy b else { return (copy a) == nil && (copy b) == nil }
        return a.port == b.port && a.serviceName == b.serviceName && a.ipv4 == b.ipv4 && a.ipv6 == b.ipv6
    }
}

/// One Zipkin span record as it appears in the input, before merging.
struct ZipkinRecord {
    var traceID = TraceID(high: 0, low: 0)
    var traceIDIs128Bit = false
    var id = SpanID(0)
    var parentID: SpanID?
    var kind: SpanKind?
    var name: String?
    var timestamp: UInt64?
    var duration: UInt64?
    /// The endpoints are held by reference, shared by every record that names the same one: a
    /// record is read into memory of its own before it becomes a span, and services repeat their
    /// endpoint in every span.
    private var local: SharedEndpoint?
    private var remote: SharedEndpoint?
    var annotations: [SpanEvent] = []
    var tags: [Attribute] = []
    var shared = false
    /// The record's place in the input, the last tie-breaker of every ordering.
    var order = 0

    var localEndpoint: ZipkinEndpoint? {
        get { local?.endpoint }
        set { local = newValue.map { SharedEndpoint($0, resource: nil) } }
    }

    var remoteEndpoint: ZipkinEndpoint? {
        get { remote?.endpoint }
        set { remote = newValue.map { SharedEndpoint($0, resource: nil) } }
    }

    /// The resource of the local endpoint as it was read, shared with every record that has the
    /// same; nil once records merged from pieces have changed it.
    var localResource: Resource? { local?.resource }

    /// Sets the endpoints as they were read.
    mutating func setEndpoints(local: SharedEndpoint?, remote: SharedEndpoint?) {
        if let local { self.local = local }
        if let remote { self.remote = remote }
    }
}

/// An endpoint as read, and for a local endpoint the resource made for it.
final class SharedEndpoint {
    let endpoint: ZipkinEndpoint
    let resource: Resource?

    init(_ endpoint: ZipkinEndpoint, resource: Resource?) {
        self.endpoint = endpoint
        self.resource = resource
    }
}

/// The parse behind `ZipkinJSONDecoder`.
struct ZipkinJSONParser: JSONParsing {
    var reader: JSONReader
    var issues = IssueLog()
    var records: [ZipkinRecord] = []
    /// The resources of local endpoints, one per distinct endpoint.
    var resources = ZipkinResources()
    /// Endpoints (and the resource of each) by their text: services repeat theirs in every span.
    private let endpoints = RecurringObjects<SharedEndpoint>()
    /// Tag objects as decoded, by their text.
    private let tagObjects = RecurringObjects<[Attribute]>()
    /// Tags and annotations are gathered here and copied out once, at their final size.
    private var tagScratch: [Attribute] = []
    private var annotationScratch: [SpanEvent] = []

    init(reader: JSONReader) {
        self.reader = reader
    }

    mutating func parseDocuments() throws(JSONFailure) {
        reader.skipByteOrderMark()
        while let next = reader.peek() {
            let start = reader.offset
            do {
                if next == UInt8(ascii: "[") {
                    try parseArray { (parser) throws(JSONFailure) in
                        // A list of traces holds lists of spans.
                        if parser.reader.peek() == UInt8(ascii: "[") {
                            try parser.parseArray { (parser) throws(JSONFailure) in try parser.parseRecord() }
                        } else {
                            try parser.parseRecord()
                        }
                    }
                } else {
                    try parseRecord()
                }
            } catch {
                resume(after: error, documentStart: start, opening: next)
            }
        }
    }

    /// One span, dropped (and noted) when it cannot be read but is whole JSON.
    private mutating func parseRecord() throws(JSONFailure) {
        _ = try tolerating("span dropped", dropsRecord: true) { (parser) throws(JSONFailure) in try parser.parseSpan() }
    }

    private mutating func parseSpan() throws(JSONFailure) {
        let start = reader.offset
        // The record is filled in place at the end of `records` (a copy would cost a reference
        // count per field) and taken out again if the span turns out to be invalid.
        var empty = ZipkinRecord()
        empty.order = records.count
        records.append(empty)
        let slot = records.count - 1
        var hasTraceID = false
        var hasID = false
        do throws(JSONFailure) {
            // A fault between values, or in an id: the span is dropped (by `parseRecord`).
            try parseRecordMembers(essential: ["traceId", "id"]) { (parser, key) throws(JSONFailure) in
                try parser.parseSpanMember(key, into: slot, hasTraceID: &hasTraceID, hasID: &hasID)
            }
            guard hasTraceID else { throw reader.failure("span has no traceId", at: start) }
            guard hasID else { throw reader.failure("span has no id", at: start) }
        } catch {
            records.removeLast()
            throw error
        }
    }

    static func repair(of member: String) -> String {
        switch member {
        case "parentId": "parent ignored: shown as a root"
        case "timestamp": "start read as missing"
        case "duration": "duration read as missing"
        default: "\(member) ignored"
        }
    }

    private mutating func parseSpanMember(
        _ key: JSONReader.Key, into slot: Int, hasTraceID: inout Bool, hasID: inout Bool
    ) throws(JSONFailure) {
        let position = reader.offset
        if reader.matches(key, "traceId") {
            let quoted = reader.offset
            for wordPairs in [2, 1] {
                if let (high, low) = reader.readHexID(wordPairs: wordPairs), high != 0 || low != 0 {
                    records[slot].traceID = TraceID(high: high, low: low)
                    records[slot].traceIDIs128Bit = wordPairs == 2
                    hasTraceID = true
                    return
                }
                reader.offset = quoted
            }
            // Zipkin's span builder left-pads shorter ids with zeros. The text is quoted only
            // for a message: ids are on the hot path.
            let text = try reader.withStringBytes { (text) -> (TraceID?, Int) in
                (Self.padded(text, to: text.count > 16 ? 32 : 16).flatMap { TraceID(hexDigits: $0) }, text.count)
            }
            guard let id = text.0, !id.isZero else {
                throw reader.failure(
                    "invalid traceId \(reader.quotedString(at: position)): expected up to 32 hex digits, not all zeros", at: position)
            }
            records[slot].traceID = id
            records[slot].traceIDIs128Bit = text.1 > 16
            hasTraceID = true
        } else if reader.matches(key, "id") {
            records[slot].id = try readSpanID("id", at: position)
            hasID = true
        } else if reader.matches(key, "parentId") {
            records[slot].parentID = try readSpanID("parentId", at: position)
        } else if reader.matches(key, "kind") {
            records[slot].kind = try readKind()
        } else if reader.matches(key, "name") {
            records[slot].name = try reader.readString()
        } else if reader.matches(key, "timestamp") {
            records[slot].timestamp = try readMicroseconds("timestamp")
        } else if reader.matches(key, "duration") {
            records[slot].duration = try readMicroseconds("duration")
        } else if reader.matches(key, "localEndpoint") {
            records[slot].setEndpoints(local: try parseRecurringEndpoint(), remote: nil)
        } else if reader.matches(key, "remoteEndpoint") {
            records[slot].setEndpoints(local: nil, remote: try parseRecurringEndpoint())
        } else if reader.matches(key, "annotations") {
            annotationScratch.removeAll(keepingCapacity: true)
            annotationScratch.append(contentsOf: records[slot].annotations)
            try parseArray { (parser) throws(JSONFailure) in
                if let annotation = try parser.tolerating(
                    "annotation dropped", dropsRecord: true,
                    { (parser) throws(JSONFailure) in
                        try parser.parseAnnotation()
                    })
                {
                    parser.annotationScratch.append(annotation)
                }
            }
            records[slot].annotations = Array(annotationScratch)
        } else if reader.matches(key, "tags") {
            // A span's tags often repeat another's word for word: decoded once. (A second `tags`
            // member adds to the first.)
            let tags = try recurring(tagObjects) { (parser) throws(JSONFailure) in try parser.parseTags() }
            records[slot].tags = records[slot].tags.isEmpty ? tags : records[slot].tags + tags
        } else if reader.matches(key, "shared") {
            records[slot].shared = try reader.readBool("shared")
        } else if reader.matches(key, "binaryAnnotations") {
            throw Self.version1(at: position, reader: reader)
        } else {
            try reader.skipValue()
        }
    }

    private static let kinds: [(StaticString, SpanKind)] = [
        (#""CLIENT""#, .client), (#""SERVER""#, .server), (#""PRODUCER""#, .producer), (#""CONSUMER""#, .consumer),
    ]

    private mutating func readKind() throws(JSONFailure) -> SpanKind {
        let position = reader.offset
        _ = reader.peek()
        for (text, kind) in Self.kinds where reader.consume(text) { return kind }
        let kind = try reader.readString()
        throw reader.failure("unknown kind \"\(kind.prefix(40))\"", at: position)
    }

    private static func version1(at position: Int, reader: JSONReader) -> JSONFailure {
        reader.rejection(
            "this is Zipkin v1 JSON (annotations with an 'endpoint', 'binaryAnnotations'); tracereport reads "
                + "Zipkin v2: fetch the spans from /api/v2 or convert them first", at: position)
    }

    private mutating func readSpanID(_ field: String, at position: Int) throws(JSONFailure) -> SpanID {
        if let (_, value) = reader.readHexID(wordPairs: 1), value != 0 { return SpanID(value) }
        reader.offset = position
        // Shorter ids are left-padded with zeros, as Zipkin's span builder does.
        let parsed = try reader.withStringBytes { text in Self.padded(text, to: 16).flatMap { SpanID(hexDigits: $0) } }
        guard let id = parsed, !id.isZero else {
            throw reader.failure(
                "invalid \(field) \(reader.quotedString(at: position)): expected up to 16 hex digits, not all zeros", at: position)
        }
        return id
    }

    /// `digits` left-padded with zeros to `width`; nil when there are none or too many.
    private static func padded(_ digits: UnsafeRawBufferPointer, to width: Int) -> [UInt8]? {
        guard (1...width).contains(digits.count) else { return nil }
        return [UInt8](repeating: UInt8(ascii: "0"), count: width - digits.count) + digits
    }

    /// Microseconds (a number) as nanoseconds.
    private mutating func readMicroseconds(_ field: String) throws(JSONFailure) -> UInt64 {
        let position = reader.offset
        guard let nanoseconds = TimeText.nanoseconds(microseconds: try reader.readUInt64(field)) else {
            throw reader.failure("\(field) is beyond the 64-bit range in nanoseconds", at: position)
        }
        return nanoseconds
    }

    /// Tag values are strings in Zipkin v2; numbers and booleans written bare are kept as text.
    private mutating func readTagValue() throws(JSONFailure) -> String {
        let position = reader.offset
        if reader.peek() == UInt8(ascii: "\"") { return try reader.readString() }
        try reader.skipValue()
        return String(decoding: UnsafeRawBufferPointer(rebasing: reader.bytes[position..<reader.offset]), as: UTF8.self)
    }

    /// The endpoint that comes next and its resource, read once per distinct text.
    private mutating func parseRecurringEndpoint() throws(JSONFailure) -> SharedEndpoint {
        try recurring(endpoints) { (parser) throws(JSONFailure) in
            let endpoint = try parser.parseEndpoint()
            return SharedEndpoint(endpoint, resource: parser.resources.resource(for: endpoint))
        }
    }

    private mutating func parseEndpoint() throws(JSONFailure) -> ZipkinEndpoint {
        var endpoint = ZipkinEndpoint()
        try parseObject { (parser, key) throws(JSONFailure) in
            if try parser.reader.consumeNull() { return }
            if parser.reader.matches(key, "serviceName") {
                let name = try parser.reader.readString()
                endpoint.serviceName = name.isEmpty ? nil : name
            } else if parser.reader.matches(key, "ipv4") {
                endpoint.ipv4 = try parser.reader.readString()
            } else if parser.reader.matches(key, "ipv6") {
                endpoint.ipv6 = try parser.reader.readString()
            } else if parser.reader.matches(key, "port") {
                let port = try parser.reader.readInt64("port")
                endpoint.port = port > 0 && port < 65_536 ? Int(port) : nil
            } else {
                try parser.reader.skipValue()
            }
        }
        return endpoint
    }

    /// A `tags` object: every value is kept as text.
    private mutating func parseTags() throws(JSONFailure) -> [Attribute] {
        tagScratch.removeAll(keepingCapacity: true)
        try parseObject { (parser, tag) throws(JSONFailure) in
            let name = parser.reader.text(of: tag)
            let value = try parser.readTagValue()
            parser.tagScratch.append(Attribute(key: name, value: .string(value)))
        }
        return Array(tagScratch)
    }

    private mutating func parseAnnotation() throws(JSONFailure) -> SpanEvent {
        var event = SpanEvent(timeUnixNano: 0, name: "")
        try parseObject { (parser, key) throws(JSONFailure) in
            if try parser.reader.consumeNull() { return }
            if parser.reader.matches(key, "timestamp") {
                event.timeUnixNano = try parser.readMicroseconds("annotation timestamp")
            } else if parser.reader.matches(key, "value") {
                event.name = try parser.reader.readString()
            } else if parser.reader.matches(key, "endpoint") {
                throw Self.version1(at: parser.reader.offset, reader: parser.reader)
            } else {
                try parser.reader.skipValue()
            }
        }
        return event
    }
}
