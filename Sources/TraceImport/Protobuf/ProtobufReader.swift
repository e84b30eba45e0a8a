import ByteLayout

/// Why reading protobuf bytes failed, and at which byte offset.
typealias ProtobufFailure = JSONFailure

/// A reader of the protobuf wire format over a byte range: tags, varints, fixed-width numbers and
/// length-delimited fields. Sub-messages are read by narrowing `end`, never by copying.
struct ProtobufReader {
    let bytes: UnsafeRawBufferPointer
    var offset: Int
    var end: Int
    /// Where strings are made, once per distinct bytes (see `StringInterner`); nil to make each
    /// anew. Held unowned (the decoder that made the reader keeps it), so that the readers of
    /// sub-messages cost no reference counting.
    private unowned(unsafe) let strings: StringInterner?

    /// The wire types of the protobuf encoding.
    enum WireType: UInt8 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case startGroup = 3
        case endGroup = 4
        case fixed32 = 5
    }

    init(bytes: UnsafeRawBufferPointer, offset: Int = 0, end: Int? = nil, strings: StringInterner? = nil) {
        self.bytes = bytes
        self.offset = offset
        self.end = end ?? bytes.count
        self.strings = strings
    }

    var isAtEnd: Bool { offset >= end }

    func failure(_ message: String, at position: Int? = nil) -> ProtobufFailure {
        ProtobufFailure(offset: position ?? offset, message: message)
    }

    /// The next field number and wire type.
    mutating func readTag() throws(ProtobufFailure) -> (field: UInt64, wireType: WireType) {
        let position = offset
        let tag = try readVarint()
        guard let wireType = WireType(rawValue: UInt8(tag & 7)), tag >> 3 != 0 else {
            throw failure("invalid protobuf field tag \(tag)", at: position)
        }
        return (tag >> 3, wireType)
    }

    @inline(__always)
    mutating func readVarint() throws(ProtobufFailure) -> UInt64 {
        let start = offset
        do {
            return try Varint.read(bytes, at: &offset, end: end)
        } catch {
            switch error {
            case .truncated: throw failure("truncated varint", at: start)
            case .beyond64Bits: throw failure("varint beyond 64 bits", at: start)
            }
        }
    }

    mutating func readFixed64() throws(ProtobufFailure) -> UInt64 {
        guard offset + 8 <= end else { throw failure("truncated 64-bit field") }
        let value = LittleEndian.uint64(bytes, at: offset)
        offset += 8
        return value
    }

    mutating func readFixed32() throws(ProtobufFailure) -> UInt32 {
        guard offset + 4 <= end else { throw failure("truncated 32-bit field") }
        let value = LittleEndian.uint32(bytes, at: offset)
        offset += 4
        return value
    }

    /// The byte range of a length-delimited field, which the reader then steps over.
    mutating func readLengthDelimited() throws(ProtobufFailure) -> Range<Int> {
        let position = offset
        let length = try readVarint()
        guard length <= UInt64(end - offset) else {
            throw failure("length-delimited field of \(length) bytes runs past the end of its message", at: position)
        }
        let range = offset..<(offset + Int(length))
        offset = range.upperBound
        return range
    }

    /// A reader confined to a length-delimited sub-message.
    mutating func readMessage() throws(ProtobufFailure) -> ProtobufReader {
        let range = try readLengthDelimited()
        return ProtobufReader(bytes: bytes, offset: range.lowerBound, end: range.upperBound, strings: strings)
    }

    /// A reader confined to a length-delimited sub-message, or, when its length runs past the
    /// end (the input was cut short inside it), to what there is of it.
    mutating func readMessageOrRest() throws(ProtobufFailure) -> ProtobufReader {
        let length = try readVarint()
        let range = offset..<(offset + Int(min(length, UInt64(end - offset))))
        offset = range.upperBound
        return ProtobufReader(bytes: bytes, offset: range.lowerBound, end: range.upperBound, strings: strings)
    }

    mutating func readString() throws(ProtobufFailure) -> String {
        let text = UnsafeRawBufferPointer(rebasing: bytes[try readLengthDelimited()])
        return strings?.string(text) ?? String(decoding: text, as: UTF8.self)
    }

    mutating func readBytes() throws(ProtobufFailure) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[try readLengthDelimited()])
    }

    /// Steps over a field of the given wire type.
    mutating func skip(_ wireType: WireType) throws(ProtobufFailure) {
        switch wireType {
        case .varint: _ = try readVarint()
        case .fixed64: _ = try readFixed64()
        case .fixed32: _ = try readFixed32()
        case .lengthDelimited: _ = try readLengthDelimited()
        case .startGroup, .endGroup: throw failure("protobuf groups are not used by OTLP")
        }
    }

    /// Checks that a field has the wire type its schema gives it.
    func expect(_ wireType: WireType, is expected: WireType, field: String) throws(ProtobufFailure) {
        guard wireType == expected else {
            throw failure("field \(field) has wire type \(wireType.rawValue), expected \(expected.rawValue)")
        }
    }
}
