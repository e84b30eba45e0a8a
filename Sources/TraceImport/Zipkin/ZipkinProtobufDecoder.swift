import ByteLayout
public import TraceModel

/// Decodes Zipkin protobuf: a `ListOfSpans` of `zipkin.proto3` (what reporters send as
/// `application/x-protobuf` to `POST /api/v2/spans`, and over gRPC and Kafka).
///
/// Each span becomes the record the JSON decoder makes of the same span (trace ids of 8 or 16
/// bytes, ids of 8, microsecond times, endpoints with IPv4 and IPv6 addresses as bytes, annotations,
/// string tags, `shared`), and the records go through the same merge (`ZipkinMerge`). `debug`
/// (the B3 flag asking to keep the span whatever the sampling) is not kept.
///
/// A span whose content is wrong costs that span only (a field of the wrong wire type, an id of
/// another length); a fault in the list's framing ends the input there, keeping what was read.
public struct ZipkinProtobufDecoder: Sendable {
    public init() {}

    /// Decodes every span in `bytes`, appending them to `spans`.
    /// - Parameter strict: the first record that cannot be read as written fails the input.
    /// - Returns: what was dropped or repaired.
    /// - Throws: `ImportError` with the byte offset of the fault when nothing could be read (or,
    ///   with `strict`, of the first record that could not); then no span is appended.
    @discardableResult
    public func decode(
        _ bytes: UnsafeRawBufferPointer, file: String, strict: Bool = false, into spans: inout [Span]
    ) throws(ImportError) -> RecordIssues {
        var parser = ZipkinProtobufParser(bytes: bytes)
        parser.parseListOfSpans()
        if let fault = parser.issues.fault(readAny: !parser.records.isEmpty, strict: strict) {
            throw ImportError(file: file, offset: fault.offset, message: fault.message)
        }
        ZipkinMerge.spans(from: &parser.records, resources: &parser.resources, into: &spans)
        return parser.issues.issues(in: bytes, textual: false)
    }

    /// True when `bytes` (the whole input, or its start when `complete` is false) begin with a
    /// `spans` field holding a Zipkin span: a trace id of 8 or 16 bytes and an id of 8 (a parent
    /// id, if any, of 8), every field of the schema with its wire type. An OTLP `ResourceSpans`
    /// (whose field 1 is a resource and field 2 the scopes' spans) practically never passes.
    static func recognises(_ bytes: UnsafeRawBufferPointer, complete: Bool = true) -> Bool {
        guard bytes.first == 0x0A else { return false }
        var list = ProtobufReader(bytes: bytes, offset: 1)
        guard let length = try? list.readVarint(), length > 0, length <= UInt64(Int.max / 2) else { return false }
        let end = list.offset + Int(length)
        guard end <= bytes.count || !complete else { return false }
        var span = ProtobufReader(bytes: bytes, offset: list.offset, end: min(end, bytes.count))
        var (hasTraceID, hasID) = (false, false)
        while !span.isAtEnd {
            guard let (field, wireType) = try? span.readTag(), let expected = ZipkinProtobufParser.wireTypes[field] else { return false }
            guard wireType == expected else { return false }
            if wireType == .lengthDelimited {
                guard let length = try? span.readVarint(), length <= UInt64(Int.max / 2) else { return false }
                switch field {
                case 1: hasTraceID = length == 8 || length == 16
                case 2: guard length == 8 else { return false }
                case 3: hasID = length == 8
                default: break
                }
                if span.offset + Int(length) > span.end { break }
                span.offset += Int(length)
            } else if (try? span.skip(wireType)) == nil {
                break
            }
        }
        return hasTraceID && hasID
    }
}

/// The parse behind `ZipkinProtobufDecoder`.
struct ZipkinProtobufParser {
    let bytes: UnsafeRawBufferPointer
    var issues = IssueLog()
    var records: [ZipkinRecord] = []
    var resources = ZipkinResources()

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// The wire type of each field of `Span`.
    static let wireTypes: [UInt64: ProtobufReader.WireType] = [
        1: .lengthDelimited, 2: .lengthDelimited, 3: .lengthDelimited, 4: .varint, 5: .lengthDelimited, 6: .fixed64, 7: .varint,
        8: .lengthDelimited, 9: .lengthDelimited, 10: .lengthDelimited, 11: .lengthDelimited, 12: .varint, 13: .varint,
    ]

    mutating func parseListOfSpans() {
        var list = ProtobufReader(bytes: bytes)
        do throws(ProtobufFailure) {
            while !list.isAtEnd {
                let (field, wireType) = try list.readTag()
                guard field == 1, wireType == .lengthDelimited else {
                    try list.skip(wireType)
                    continue
                }
                let span = try list.readMessageOrRest()
                let mark = issues.count
                do throws(ProtobufFailure) {
                    records.append(try parseSpan(span))
                } catch {
                    issues.rollback(to: mark)
                    issues.note(error.message, at: error.offset, action: "span dropped", dropsRecord: true)
                }
            }
        } catch {
            issues.noteBreak(error.message, at: error.offset, action: "rest of the input skipped", lostTheRest: true)
        }
    }

    private mutating func parseSpan(_ message: ProtobufReader) throws(ProtobufFailure) -> ZipkinRecord {
        var reader = message
        var record = ZipkinRecord()
        record.order = records.count
        var (hasTraceID, hasID) = (false, false)
        var (local, remote): (SharedEndpoint?, SharedEndpoint?) = (nil, nil)
        while !reader.isAtEnd {
            let position = reader.offset
            let (field, wireType) = try reader.readTag()
            guard let expected = Self.wireTypes[field] else {
                try reader.skip(wireType)
                continue
            }
            try reader.expect(wireType, is: expected, field: Self.fieldNames[Int(field)])
            switch field {
            case 1:
                let id = try reader.readBytes()
                guard id.count == 8 || id.count == 16, id.contains(where: { $0 != 0 }) else {
                    throw reader.failure("invalid trace_id: expected 8 or 16 bytes, not all zeros", at: position)
                }
                let low = BigEndian.uint64(id, at: id.count - 8)
                record.traceID = TraceID(high: id.count == 16 ? BigEndian.uint64(id, at: 0) : 0, low: low)
                record.traceIDIs128Bit = id.count == 16
                hasTraceID = true
            case 2:
                let id = try Self.spanID(try reader.readBytes(), "parent_id", at: position, reader)
                record.parentID = id.isZero ? nil : id
            case 3:
                record.id = try Self.spanID(try reader.readBytes(), "id", at: position, reader)
                guard !record.id.isZero else { throw reader.failure("invalid id: all zeros", at: position) }
                hasID = true
            case 4:
                switch try reader.readVarint() {
                case 0: record.kind = nil
                case 1: record.kind = .client
                case 2: record.kind = .server
                case 3: record.kind = .producer
                case 4: record.kind = .consumer
                case let other:
                    issues.note("unknown kind \(other)", at: position, action: "kind read as unspecified", dropsRecord: false)
                }
            case 5: record.name = try reader.readString()
            case 6: record.timestamp = microseconds(try reader.readFixed64(), "timestamp", at: position, repair: "start read as missing")
            case 7: record.duration = microseconds(try reader.readVarint(), "duration", at: position, repair: "duration read as missing")
            case 8, 9:
                let endpoint = try parseEndpoint(try reader.readMessage())
                let shared = SharedEndpoint(endpoint, resource: resources.resource(for: endpoint))
                if field == 8 { local = shared } else { remote = shared }
            case 10: record.annotations.append(try parseAnnotation(try reader.readMessage()))
            case 11: record.tags.append(try parseTag(try reader.readMessage()))
            case 13: record.shared = try reader.readVarint() != 0
            default: try reader.skip(wireType)
            }
        }
        guard hasTraceID else { throw reader.failure("span has no trace_id", at: message.offset) }
        guard hasID else { throw reader.failure("span has no id", at: message.offset) }
        record.setEndpoints(local: local, remote: remote)
        return record
    }

    private static let fieldNames = [
        "", "trace_id", "parent_id", "id", "kind", "name", "timestamp", "duration", "local_endpoint", "remote_endpoint",
        "annotations", "tags", "debug", "shared",
    ]

    private static func spanID(
        _ bytes: UnsafeRawBufferPointer, _ field: String, at position: Int, _ reader: ProtobufReader
    ) throws(ProtobufFailure) -> SpanID {
        guard bytes.count == 8 else { throw reader.failure("invalid \(field): expected 8 bytes, not \(bytes.count)", at: position) }
        return SpanID(BigEndian.uint64(bytes, at: 0))
    }

    /// Microseconds as nanoseconds; 0 (absent) and values beyond 64 bits of nanoseconds are
    /// nil, the latter noted.
    private mutating func microseconds(_ value: UInt64, _ field: String, at position: Int, repair: String) -> UInt64? {
        guard value != 0 else { return nil }
        guard let nanoseconds = TimeText.nanoseconds(microseconds: value) else {
            issues.note("\(field) is beyond the 64-bit range in nanoseconds", at: position, action: repair, dropsRecord: false)
            return nil
        }
        return nanoseconds
    }

    private func parseEndpoint(_ message: ProtobufReader) throws(ProtobufFailure) -> ZipkinEndpoint {
        var reader = message
        var endpoint = ZipkinEndpoint()
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readTag()
            switch (field, wireType) {
            case (1, .lengthDelimited):
                let name = try reader.readString()
                endpoint.serviceName = name.isEmpty ? nil : name
            case (2, .lengthDelimited):
                let address = try reader.readBytes()
                if address.count == 4 { endpoint.ipv4 = address.map { String($0) }.joined(separator: ".") }
            case (3, .lengthDelimited):
                let address = try reader.readBytes()
                if address.count == 16 { endpoint.ipv6 = Self.ipv6Text(address) }
            case (4, .varint):
                let port = Int32(truncatingIfNeeded: try reader.readVarint())
                endpoint.port = port > 0 && port < 65_536 ? Int(port) : nil
            default: try reader.skip(wireType)
            }
        }
        return endpoint
    }

    /// 16 bytes as RFC 5952 text: lower-case groups without leading zeros, the longest run of two
    /// or more zero groups (the first of equals) as `::`.
    static func ipv6Text(_ bytes: UnsafeRawBufferPointer) -> String {
        let groups = (0..<8).map { UInt16(bytes[2 * $0]) << 8 | UInt16(bytes[2 * $0 + 1]) }
        var (best, bestLength, index) = (-1, 1, 0)
        while index < 8 {
            var end = index
            while end < 8, groups[end] == 0 { end += 1 }
            if end - index > bestLength { (best, bestLength) = (index, end - index) }
            index = max(end, index + 1)
        }
        let text = groups.map { String($0, radix: 16) }
        guard best >= 0 else { return text.joined(separator: ":") }
        return text[..<best].joined(separator: ":") + "::" + text[(best + bestLength)...].joined(separator: ":")
    }

    private func parseAnnotation(_ message: ProtobufReader) throws(ProtobufFailure) -> SpanEvent {
        var reader = message
        var event = SpanEvent(timeUnixNano: 0, name: "")
        while !reader.isAtEnd {
            let position = reader.offset
            let (field, wireType) = try reader.readTag()
            switch (field, wireType) {
            case (1, .fixed64):
                guard let time = TimeText.nanoseconds(microseconds: try reader.readFixed64()) else {
                    throw reader.failure("annotation timestamp is beyond the 64-bit range in nanoseconds", at: position)
                }
                event.timeUnixNano = time
            case (2, .lengthDelimited): event.name = try reader.readString()
            default: try reader.skip(wireType)
            }
        }
        return event
    }

    /// One entry of the `tags` map: `{1: key, 2: value}`.
    private func parseTag(_ message: ProtobufReader) throws(ProtobufFailure) -> Attribute {
        var reader = message
        var (key, value) = ("", "")
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readTag()
            switch (field, wireType) {
            case (1, .lengthDelimited): key = try reader.readString()
            case (2, .lengthDelimited): value = try reader.readString()
            default: try reader.skip(wireType)
            }
        }
        return Attribute(key: key, value: .string(value))
    }
}
