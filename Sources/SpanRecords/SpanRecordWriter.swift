import ByteLayout
public import TraceModel

/// Encodes spans in the span records format (see `SpanRecordFormat`), a chunk at a time: append
/// spans, then take the chunk's bytes when it is large enough (and once at the end). Resources,
/// scopes and short strings are written once per chunk and referred to by number after that.
///
/// Resources and scopes equal in content are written once, whichever objects hold them (up to
/// `sameNameLimit` distinct ones of a name are compared), so that the bytes written depend on
/// the spans alone, not on how a decoder happened to share their resources.
public final class SpanRecordWriter {
    private var chunk: [UInt8] = []
    private var resourceIDs: [ObjectIdentifier: Int] = [:]
    /// Keeps the resources and scopes numbered alive, so that their addresses stay theirs.
    private var numbered: [AnyObject] = []
    private var scopeIDs: [ObjectIdentifier: Int] = [:]
    /// The resources and scopes defined in the chunk, by name, to find one equal in content.
    private var resourcesNamed: [String: [(Resource, Int)]] = [:]
    private var scopesNamed: [String: [(InstrumentationScope, Int)]] = [:]
    private var resourceCount = 0
    private var scopeCount = 0
    static let sameNameLimit = 8
    private var stringIDs: [String: Int] = [:]
    /// Spans written since the writer was made.
    public private(set) var spanCount = 0

    public init() {}

    /// The bytes a file begins with: the magic, an identity of zeros (which a run that has one
    /// writes over at `SpanRecordFormat.identityRange` when it knows it), and the partition the
    /// file holds of `count` (zeros for a file that is no partition's).
    public static func header(partition: Int = 0, of count: Int = 0) -> [UInt8] {
        var bytes = SpanRecordFormat.magic + [UInt8](repeating: 0, count: SpanRecordFormat.identityRange.count)
        LittleEndian.append(UInt32(truncatingIfNeeded: partition), to: &bytes)
        LittleEndian.append(UInt32(truncatingIfNeeded: count), to: &bytes)
        return bytes
    }

    /// How many bytes the current chunk holds.
    public var pendingByteCount: Int { chunk.count }

    /// Appends `span` to the current chunk (after the definitions of its resource and scope, the
    /// first time the file names them).
    public func append(_ span: Span) {
        let resource = number(
            span.resource, in: &resourceIDs, named: span.resource.serviceName, among: &resourcesNamed, count: &resourceCount
        ) {
            id in
            chunk.append(SpanRecordFormat.RecordKind.resource.rawValue)
            writeVarint(UInt64(id))
            writeString(span.resource.schemaURL)
            writeAttributes(span.resource.attributes, depth: 0)
        }
        let scope = number(span.scope, in: &scopeIDs, named: span.scope.name, among: &scopesNamed, count: &scopeCount) { id in
            chunk.append(SpanRecordFormat.RecordKind.scope.rawValue)
            writeVarint(UInt64(id))
            writeString(span.scope.name)
            writeString(span.scope.version)
            writeAttributes(span.scope.attributes, depth: 0)
        }
        chunk.append(SpanRecordFormat.RecordKind.span.rawValue)
        writeFixed(span.traceID.high)
        writeFixed(span.traceID.low)
        writeFixed(span.spanID.value)
        writeFixed(span.parentSpanID?.value ?? 0)
        writeFixed(span.startTimeUnixNano)
        writeFixed(span.endTimeUnixNano)
        chunk.append(
            (span.parentRelation == .followsFrom ? 1 : 0) | (span.sharesClientSpanID ? 2 : 0) | (span.wasSeparatedFromItsClient ? 4 : 0))
        chunk.append(span.kind.rawValue)
        chunk.append(span.status.code.rawValue)
        writeString(span.status.message)
        writeString(span.name)
        writeVarint(UInt64(resource))
        writeVarint(UInt64(scope))
        writeString(span.traceState)
        writeVarint(UInt64(span.flags))
        writeAttributes(span.attributes, depth: 0)
        writeVarint(UInt64(span.events.count))
        for event in span.events {
            writeFixed(event.timeUnixNano)
            writeString(event.name)
            writeAttributes(event.attributes, depth: 0)
        }
        writeVarint(UInt64(span.links.count))
        for link in span.links {
            writeFixed(link.traceID.high)
            writeFixed(link.traceID.low)
            writeFixed(link.spanID.value)
            writeString(link.traceState)
            writeAttributes(link.attributes, depth: 0)
        }
        writeVarint(UInt64(span.warnings.count))
        for warning in span.warnings { writeString(warning) }
        spanCount += 1
    }

    /// Appends where a span id was seen.
    public func append(_ location: SpanIDLocation) {
        chunk.append(SpanRecordFormat.RecordKind.spanIDLocation.rawValue)
        writeFixed(location.spanID.value)
        writeFixed(location.traceID.high)
        writeFixed(location.traceID.low)
        writeString(location.service)
        writeString(location.operation)
    }

    /// The current chunk, length and checksum first, ready to be written after the header or the chunk before;
    /// empty when nothing was appended since the last one. The next chunk starts new tables.
    public func takeChunk() -> [UInt8] {
        guard !chunk.isEmpty else { return [] }
        resourceIDs.removeAll(keepingCapacity: true)
        scopeIDs.removeAll(keepingCapacity: true)
        resourcesNamed.removeAll(keepingCapacity: true)
        scopesNamed.removeAll(keepingCapacity: true)
        (resourceCount, scopeCount) = (0, 0)
        stringIDs.removeAll(keepingCapacity: true)
        numbered.removeAll(keepingCapacity: true)
        var out: [UInt8] = []
        out.reserveCapacity(chunk.count + SpanRecordFormat.chunkPrefixLength)
        let length = UInt32(chunk.count)
        let checksum = CRC32C.checksum(chunk)
        LittleEndian.append(length, to: &out)
        LittleEndian.append(checksum, to: &out)
        out += chunk
        chunk.removeAll(keepingCapacity: true)
        return out
    }

    /// The number of `object` in the chunk: by its address, else by an equal one of the same name,
    /// else a new number, its definition written with `define`.
    private func number<Object: AnyObject & Equatable>(
        _ object: Object, in table: inout [ObjectIdentifier: Int], named name: String, among defined: inout [String: [(Object, Int)]],
        count: inout Int, define: (Int) -> Void
    ) -> Int {
        if let known = table[ObjectIdentifier(object)] { return known }
        numbered.append(object)
        if let equal = defined[name]?.first(where: { $0.0 == object }) {
            table[ObjectIdentifier(object)] = equal.1
            return equal.1
        }
        let id = count
        count += 1
        table[ObjectIdentifier(object)] = id
        if defined[name, default: []].count < Self.sameNameLimit { defined[name, default: []].append((object, id)) }
        define(id)
        return id
    }

    private func writeVarint(_ value: UInt64) {
        Varint.append(value, to: &chunk)
    }

    private func writeFixed(_ value: UInt64) {
        LittleEndian.append(value, to: &chunk)
    }

    private func writeString(_ string: String) {
        guard !string.isEmpty else {
            chunk.append(0)
            return
        }
        if let id = stringIDs[string] {
            writeVarint(UInt64(id + 1) << 1)
            return
        }
        let utf8 = string.utf8
        writeVarint(UInt64(utf8.count) << 1 | 1)
        chunk.append(contentsOf: utf8)
        if utf8.count <= SpanRecordFormat.tableableLength, stringIDs.count < SpanRecordFormat.tableLimit {
            stringIDs[string] = stringIDs.count
        }
    }

    private func writeAttributes(_ attributes: [Attribute], depth: Int) {
        writeVarint(UInt64(attributes.count))
        for attribute in attributes {
            writeString(attribute.key)
            writeValue(attribute.value, depth: depth)
        }
    }

    /// Values nested deeper than the format allows are written as empty: decoders reject deeper
    /// nesting, so no span read from an input has any.
    private func writeValue(_ value: AttributeValue, depth: Int) {
        typealias Tag = SpanRecordFormat.ValueTag
        switch value {
        case .empty:
            chunk.append(Tag.empty.rawValue)
        case .string(let text):
            chunk.append(Tag.string.rawValue)
            writeString(text)
        case .bool(let flag):
            chunk.append(flag ? Tag.boolTrue.rawValue : Tag.boolFalse.rawValue)
        case .int(let number):
            chunk.append(Tag.int.rawValue)
            writeVarint(UInt64(bitPattern: (number << 1) ^ (number >> 63)))
        case .double(let number):
            chunk.append(Tag.double.rawValue)
            writeFixed(number.bitPattern)
        case .bytes(let bytes):
            chunk.append(Tag.bytes.rawValue)
            writeVarint(UInt64(bytes.count))
            chunk += bytes
        case .array(let values) where depth < SpanRecordFormat.maximumDepth:
            chunk.append(Tag.array.rawValue)
            writeVarint(UInt64(values.count))
            for element in values { writeValue(element, depth: depth + 1) }
        case .keyValueList(let pairs) where depth < SpanRecordFormat.maximumDepth:
            chunk.append(Tag.keyValueList.rawValue)
            writeAttributes(pairs, depth: depth + 1)
        case .array, .keyValueList:
            chunk.append(Tag.empty.rawValue)
        }
    }
}
