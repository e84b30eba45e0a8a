import SpanRecords
import TestSupport
import Testing

/// CRC-32C against its published check value and a bit-at-a-time reference, at every alignment
/// and length around the eight-byte steps.
struct CRC32CTests {
    /// The reflected CRC-32C, one bit at a time: slow, plainly right.
    func reference(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return ~crc
    }

    @Test func checkValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([]) == 0)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
    }

    @Test func agreesWithTheReferenceAndContinues() {
        var random = SplitMix64(seed: 5)
        let bytes = (0..<300).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        for start in 0..<9 {
            for end in stride(from: start, through: bytes.count, by: 7) {
                let slice = Array(bytes[start..<end])
                #expect(CRC32C.checksum(slice) == reference(slice), "\(start)..<\(end)")
                let cut = (start + end) / 2
                let first = CRC32C.checksum(Array(bytes[start..<cut]))
                let continued = Array(bytes[cut..<end]).withUnsafeBytes { CRC32C.checksum($0, continuing: first) }
                #expect(continued == reference(slice), "continued at \(cut)")
            }
        }
    }
}
