/// LEB128 variable-length integers, as protobuf and span record files write them: 7 bits a byte,
/// least significant first, the high bit set on every byte but the last. One rule for reading
/// both: at most 10 bytes, and the tenth may carry only the 64th bit (as protobuf-go reads them).
public enum Varint {
    /// Why a varint could not be read.
    public enum Failure: Error, Sendable, Equatable {
        /// The bytes end before its last byte.
        case truncated
        /// It holds more than 64 bits.
        case beyond64Bits
    }

    /// Reads the varint at `offset` of `bytes`, reading no byte at or after `end`, and moves
    /// `offset` past it (on failure, `offset` is left anywhere inside it).
    @inlinable @inline(__always)
    public static func read(_ bytes: UnsafeRawBufferPointer, at offset: inout Int, end: Int) throws(Failure) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while offset < end {
            let byte = bytes[offset]
            offset += 1
            guard shift < 63 || (shift == 63 && byte <= 1) else { throw .beyond64Bits }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        throw .truncated
    }

    /// Appends `value` in as few bytes as it takes (1 to 10).
    @inlinable
    public static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }
}
