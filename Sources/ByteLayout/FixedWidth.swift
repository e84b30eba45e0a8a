/// Integers stored little-endian (least significant byte first), whatever the machine's order:
/// span record files and protobuf's fixed-width fields.
public enum LittleEndian {
    /// Appends the 4 bytes of `value`.
    @inlinable
    public static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    /// Appends the 8 bytes of `value`.
    @inlinable
    public static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    /// The 4 bytes at `offset` of `bytes`, which the caller has checked hold them.
    @inlinable @inline(__always)
    public static func uint32(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    /// The 8 bytes at `offset` of `bytes`, which the caller has checked hold them.
    @inlinable @inline(__always)
    public static func uint64(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt64 {
        UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}

/// Integers stored big-endian (most significant byte first): the length prefixes of gRPC frames,
/// and trace and span ids as protobuf carries them.
public enum BigEndian {
    /// The 4 bytes at `offset` of `bytes`, which the caller has checked hold them.
    @inlinable @inline(__always)
    public static func uint32(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    /// The 8 bytes at `offset` of `bytes`, which the caller has checked hold them.
    @inlinable @inline(__always)
    public static func uint64(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt64 {
        UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}
