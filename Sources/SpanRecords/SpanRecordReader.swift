import ByteLayout
public import TraceModel

/// Why span records could not be read, and at which byte offset.
public struct SpanRecordFailure: Error, Sendable {
    public var offset: Int
    public var message: String
}

/// Decodes the span records format (see `SpanRecordFormat`). Every read is bounds-checked: a
/// truncated or damaged file gives an error naming the byte offset, never a crash.
public struct SpanRecordReader {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0
    /// Where the chunk being read ends.
    private var end = 0
    private var resources: [Resource] = []
    private var scopes: [InstrumentationScope] = []
    private var strings: [String] = []

    private init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// Decodes every span of a file, appending them to `spans`, and the span id locations it
    /// holds to `locations`; on failure nothing is appended.
    public static func decode(
        _ bytes: UnsafeRawBufferPointer, into spans: inout [Span], locations: inout [SpanIDLocation]
    ) throws(SpanRecordFailure) {
        var reader = SpanRecordReader(bytes: bytes)
        let before = (spans.count, locations.count)
        do throws(SpanRecordFailure) {
            try reader.checkHeader()
            while reader.offset < bytes.count { try reader.readChunk(into: &spans, locations: &locations) }
        } catch {
            spans.removeSubrange(before.0...)
            locations.removeSubrange(before.1...)
            throw error
        }
    }

    /// Decodes every span of a file, appending them to `spans` (span id locations are skipped).
    public static func decode(_ bytes: UnsafeRawBufferPointer, into spans: inout [Span]) throws(SpanRecordFailure) {
        var ignored: [SpanIDLocation] = []
        try decode(bytes, into: &spans, locations: &ignored)
    }

    /// The spans of the one chunk that starts (with its length) at byte `offset` of a file,
    /// reading only the file's header and that chunk: `read(count, position)` gives the file's
    /// bytes at `position`, nil when the file ends first. Failures name their offset in the file.
    public static func decodeChunk(
        at offset: UInt64, reading read: (_ count: Int, _ position: UInt64) -> [UInt8]?
    ) throws(SpanRecordFailure) -> [Span] {
        let headerLength = SpanRecordFormat.headerLength
        // A damaged part.json may name any offset; one a file cannot have is refused here.
        guard offset >= UInt64(headerLength), offset <= UInt64(Int32.max) << 16 else {
            throw SpanRecordFailure(offset: Int(clamping: offset), message: "no chunk starts here")
        }
        let start = Int(offset)
        guard let header = read(headerLength, 0), let prefix = read(SpanRecordFormat.chunkPrefixLength, offset) else {
            throw SpanRecordFailure(offset: start, message: "the file ends before this chunk")
        }
        let length = Int(prefix.withUnsafeBytes { LittleEndian.uint32($0, at: 0) })
        guard let body = read(length, offset + UInt64(prefix.count)) else {
            throw SpanRecordFailure(offset: start, message: "the file ends inside this chunk of \(length) bytes")
        }
        var spans: [Span] = []
        let result = (header + prefix + body).withUnsafeBytes { raw in
            Result { () throws(SpanRecordFailure) in try decodeChunk(raw, at: headerLength, into: &spans) }
        }
        if case .failure(let failure) = result {
            throw SpanRecordFailure(offset: start + failure.offset - headerLength, message: failure.message)
        }
        return spans
    }

    /// Decodes the one chunk that starts (with its length) at byte `offset` of a file in memory,
    /// appending its spans; on failure none is appended.
    static func decodeChunk(_ bytes: UnsafeRawBufferPointer, at offset: Int, into spans: inout [Span]) throws(SpanRecordFailure) {
        var reader = SpanRecordReader(bytes: bytes)
        var ignored: [SpanIDLocation] = []
        let before = spans.count
        do throws(SpanRecordFailure) {
            try reader.checkHeader()
            guard offset >= reader.offset, offset < bytes.count else { throw reader.failure("no chunk starts at offset \(offset)", at: 0) }
            reader.offset = offset
            try reader.readChunk(into: &spans, locations: &ignored)
        } catch {
            spans.removeSubrange(before...)
            throw error
        }
    }

    /// What a file's header says of it: the run that wrote it, and the partition it holds.
    public struct Origin: Sendable {
        /// The identity of the run (`SpanRecordFormat.identityRange`); zeros for none.
        public var run: [UInt8]
        /// The partition it holds, of `count`; zeros for none.
        public var partition: Int
        public var count: Int
    }

    /// What the header of the file `bytes` says of it.
    public static func origin(_ bytes: UnsafeRawBufferPointer) throws(SpanRecordFailure) -> Origin {
        var reader = SpanRecordReader(bytes: bytes)
        try reader.checkHeader()
        let range = SpanRecordFormat.partitionRange
        let partition = LittleEndian.uint32(bytes, at: range.lowerBound)
        let count = LittleEndian.uint32(bytes, at: range.lowerBound + 4)
        return Origin(run: Array(bytes[SpanRecordFormat.identityRange]), partition: Int(partition), count: Int(count))
    }

    private mutating func checkHeader() throws(SpanRecordFailure) {
        let magic = SpanRecordFormat.magic
        guard SpanRecordFormat.recognises(bytes) else { throw failure("not a tracereport span records file", at: 0) }
        guard bytes.count >= magic.count, bytes[magic.count - 1] == SpanRecordFormat.version else {
            let found = bytes.count >= magic.count ? "version \(bytes[magic.count - 1])" : "no version"
            throw failure("span records of \(found); this tracereport reads version \(SpanRecordFormat.version)", at: magic.count - 1)
        }
        guard bytes.count >= SpanRecordFormat.headerLength else { throw failure("the header is cut short", at: magic.count) }
        offset = SpanRecordFormat.headerLength
    }

    /// Reads the chunk at `offset`, with tables of its own.
    private mutating func readChunk(into spans: inout [Span], locations: inout [SpanIDLocation]) throws(SpanRecordFailure) {
        let start = offset
        end = bytes.count
        guard end - offset >= SpanRecordFormat.chunkPrefixLength else { throw failure("record runs past the end of its chunk", at: end) }
        let length = Int(LittleEndian.uint32(bytes, at: offset))
        let checksum = LittleEndian.uint32(bytes, at: offset + 4)
        offset += SpanRecordFormat.chunkPrefixLength
        guard length <= bytes.count - offset else { throw failure("chunk of \(length) bytes runs past the end of the file", at: start) }
        guard CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)])) == checksum else {
            throw failure("chunk of \(length) bytes does not match its checksum: the file is damaged", at: start)
        }
        end = offset + length
        resources.removeAll(keepingCapacity: true)
        scopes.removeAll(keepingCapacity: true)
        strings.removeAll(keepingCapacity: true)
        while offset < end { try readRecord(into: &spans, locations: &locations) }
    }

    private mutating func readRecord(into spans: inout [Span], locations: inout [SpanIDLocation]) throws(SpanRecordFailure) {
        let start = offset
        switch SpanRecordFormat.RecordKind(rawValue: try readByte()) {
        case .resource:
            try expectNext(id: try readVarint(), of: resources.count, "resource", at: start)
            let schemaURL = try readString()
            resources.append(Resource(attributes: try readAttributes(depth: 0), schemaURL: schemaURL))
        case .scope:
            try expectNext(id: try readVarint(), of: scopes.count, "scope", at: start)
            let name = try readString()
            let version = try readString()
            scopes.append(InstrumentationScope(name: name, version: version, attributes: try readAttributes(depth: 0)))
        case .span:
            spans.append(try readSpan())
        case .spanIDLocation:
            let spanID = SpanID(try readFixed())
            let traceID = TraceID(high: try readFixed(), low: try readFixed())
            let service = try readString()
            locations.append(SpanIDLocation(spanID: spanID, traceID: traceID, service: service, operation: try readString()))
        case nil:
            throw failure("unknown record kind \(bytes[start])", at: start)
        }
    }

    private func expectNext(id: UInt64, of count: Int, _ what: String, at position: Int) throws(SpanRecordFailure) {
        guard id == count else { throw failure("\(what) \(id) defined out of order (expected \(count))", at: position) }
    }

    private mutating func readSpan() throws(SpanRecordFailure) -> Span {
        let start = offset
        let traceID = TraceID(high: try readFixed(), low: try readFixed())
        let spanID = SpanID(try readFixed())
        let parent = try readFixed()
        let startTime = try readFixed()
        let endTime = try readFixed()
        let flags = try readByte()
        guard flags < 4 else { throw failure("unknown span flags \(flags)", at: offset - 1) }
        guard let kind = SpanKind(rawValue: try readByte()) else { throw failure("unknown span kind", at: offset - 1) }
        guard let code = SpanStatus.Code(rawValue: try readByte()) else { throw failure("unknown status code", at: offset - 1) }
        let message = try readString()
        let name = try readString()
        let resource = try readVarint()
        guard resource < resources.count else { throw failure("span names resource \(resource), not defined before it", at: start) }
        let scope = try readVarint()
        guard scope < scopes.count else { throw failure("span names scope \(scope), not defined before it", at: start) }
        let traceState = try readString()
        let w3cFlags = try readVarint()
        guard w3cFlags <= UInt32.max else { throw failure("span flags beyond 32 bits", at: offset) }
        let attributes = try readAttributes(depth: 0)
        var events: [SpanEvent] = []
        for _ in 0..<(try readCount()) {
            let time = try readFixed()
            let eventName = try readString()
            events.append(SpanEvent(timeUnixNano: time, name: eventName, attributes: try readAttributes(depth: 0)))
        }
        var links: [SpanLink] = []
        for _ in 0..<(try readCount()) {
            let linkTrace = TraceID(high: try readFixed(), low: try readFixed())
            let linkSpan = SpanID(try readFixed())
            let linkState = try readString()
            links.append(SpanLink(traceID: linkTrace, spanID: linkSpan, traceState: linkState, attributes: try readAttributes(depth: 0)))
        }
        var warnings: [String] = []
        for _ in 0..<(try readCount()) { warnings.append(try readString()) }
        return Span(
            traceID: traceID, spanID: spanID, parentSpanID: parent == 0 ? nil : SpanID(parent),
            parentRelation: flags & 1 != 0 ? .followsFrom : .childOf, name: name, kind: kind, startTimeUnixNano: startTime,
            endTimeUnixNano: endTime, status: SpanStatus(code: code, message: message), attributes: attributes, events: events,
            links: links, traceState: traceState, flags: UInt32(w3cFlags), resource: resources[Int(resource)], scope: scopes[Int(scope)],
            sharesClientSpanID: flags & 2 != 0, wasSeparatedFromItsClient: flags & 4 != 0, warnings: warnings)
    }

    private mutating func readAttributes(depth: Int) throws(SpanRecordFailure) -> [Attribute] {
        let count = try readCount()
        var attributes: [Attribute] = []
        attributes.reserveCapacity(count)
        for _ in 0..<count {
            let key = try readString()
            attributes.append(Attribute(key: key, value: try readValue(depth: depth)))
        }
        return attributes
    }

    private mutating func readValue(depth: Int) throws(SpanRecordFailure) -> AttributeValue {
        typealias Tag = SpanRecordFormat.ValueTag
        let start = offset
        switch Tag(rawValue: try readByte()) {
        case .empty: return .empty
        case .string: return .string(try readString())
        case .boolFalse: return .bool(false)
        case .boolTrue: return .bool(true)
        case .int:
            let zigzag = try readVarint()
            return .int(Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1))
        case .double: return .double(Double(bitPattern: try readFixed()))
        case .bytes:
            let count = try readCount()
            let value = Array(bytes[offset..<offset + count])
            offset += count
            return .bytes(value)
        case .array:
            guard depth < SpanRecordFormat.maximumDepth else { throw failure("attribute value nested too deeply", at: start) }
            var values: [AttributeValue] = []
            for _ in 0..<(try readCount()) { values.append(try readValue(depth: depth + 1)) }
            return .array(values)
        case .keyValueList:
            guard depth < SpanRecordFormat.maximumDepth else { throw failure("attribute value nested too deeply", at: start) }
            return .keyValueList(try readAttributes(depth: depth + 1))
        case nil:
            throw failure("unknown attribute value tag \(bytes[start])", at: start)
        }
    }

    private mutating func readString() throws(SpanRecordFailure) -> String {
        let start = offset
        let code = try readVarint()
        if code == 0 { return "" }
        if code & 1 == 0 {
            let number = code >> 1 - 1
            guard number < strings.count else { throw failure("string \(number) used before it was written", at: start) }
            return strings[Int(number)]
        }
        guard code >> 1 <= UInt64(end - offset) else { throw failure("string runs past the end of its chunk", at: start) }
        let count = Int(code >> 1)
        let string = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count]), as: UTF8.self)
        offset += count
        if count <= SpanRecordFormat.tableableLength, strings.count < SpanRecordFormat.tableLimit { strings.append(string) }
        return string
    }

    /// A count of things that follow: each takes at least a byte, so it cannot exceed what is left.
    private mutating func readCount() throws(SpanRecordFailure) -> Int {
        let start = offset
        let value = try readVarint()
        guard value <= UInt64(end - offset) else { throw failure("count \(value) runs past the end of its chunk", at: start) }
        return Int(value)
    }

    private mutating func readVarint() throws(SpanRecordFailure) -> UInt64 {
        let start = offset
        do {
            return try Varint.read(bytes, at: &offset, end: end)
        } catch {
            switch error {
            case .truncated: throw failure("record runs past the end of its chunk", at: end)
            case .beyond64Bits: throw failure("varint beyond 64 bits", at: start)
            }
        }
    }

    private mutating func readFixed() throws(SpanRecordFailure) -> UInt64 {
        guard end - offset >= 8 else { throw failure("record runs past the end of its chunk", at: offset) }
        defer { offset += 8 }
        return LittleEndian.uint64(bytes, at: offset)
    }

    private mutating func readByte() throws(SpanRecordFailure) -> UInt8 {
        guard offset < end else { throw failure("record runs past the end of its chunk", at: offset) }
        defer { offset += 1 }
        return bytes[offset]
    }

    private func failure(_ message: String, at position: Int) -> SpanRecordFailure {
        SpanRecordFailure(offset: position, message: message)
    }
}
