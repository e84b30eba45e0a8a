import ByteLayout

/// CRC-32C (Castagnoli: the polynomial 0x1EDC6F41, reflected 0x82F63B78), the checksum of the
/// stage files' chunks and JSON: it catches every error of up to 3 bits in a chunk of up to
/// 2 GB, and any burst of up to 32 bits. Computed eight bytes at a time ("slicing by 8").
public enum CRC32C {
    /// The checksum of `bytes`, or of the bytes before them and then `bytes` when `continuing`
    /// is the checksum of those before.
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing: UInt32 = 0) -> UInt32 {
        var crc = ~continuing
        var index = 0
        let count = bytes.count
        table.withUnsafeBufferPointer { table in
            while count - index >= 8 {
                let low = crc ^ LittleEndian.uint32(bytes, at: index)
                let high = LittleEndian.uint32(bytes, at: index + 4)
                crc =
                    table[7 * 256 + Int(low & 0xFF)] ^ table[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ table[5 * 256 + Int((low >> 16) & 0xFF)] ^ table[4 * 256 + Int(low >> 24)]
                    ^ table[3 * 256 + Int(high & 0xFF)] ^ table[2 * 256 + Int((high >> 8) & 0xFF)]
                    ^ table[1 * 256 + Int((high >> 16) & 0xFF)] ^ table[Int(high >> 24)]
                index += 8
            }
            while index < count {
                crc = table[Int((crc ^ UInt32(bytes[index])) & 0xFF)] ^ (crc >> 8)
                index += 1
            }
        }
        return ~crc
    }

    /// The checksum of `bytes`.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    /// Eight tables of 256: the first the byte-at-a-time table, each next one a byte further on.
    private static let table: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            table[byte] = crc
        }
        for slice in 1..<8 {
            for byte in 0..<256 {
                let previous = table[(slice - 1) * 256 + byte]
                table[slice * 256 + byte] = table[Int(previous & 0xFF)] ^ (previous >> 8)
            }
        }
        return table
    }()
}
