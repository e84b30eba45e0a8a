import ByteLayout
import Testing

/// Varints and fixed-width integers, as both span record files and protobuf read and write them.
struct ByteLayoutTests {
    private func read(_ bytes: [UInt8], end: Int? = nil) -> (value: Result<UInt64, Varint.Failure>, offset: Int) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            let value = Result { () throws(Varint.Failure) in try Varint.read(raw, at: &offset, end: end ?? raw.count) }
            return (value, offset)
        }
    }

    @Test(arguments: [0, 1, 127, 128, 300, 1 << 35, UInt64(Int64.max), UInt64.max - 1, UInt64.max])
    func varintsRoundTrip(value: UInt64) throws {
        var bytes: [UInt8] = []
        Varint.append(value, to: &bytes)
        #expect(bytes.count == max(1, (64 - value.leadingZeroBitCount + 6) / 7))
        let (read, offset) = read(bytes + [0xAA])
        #expect(try read.get() == value && offset == bytes.count)
    }

    @Test func aVarintPast64BitsOrPastItsEndIsRefused() throws {
        let ten: [UInt8] = [UInt8](repeating: 0xFF, count: 9)
        #expect(try read(ten + [0x01]).value.get() == UInt64.max)
        // The tenth byte may only carry the 64th bit; an eleventh never comes.
        #expect(read(ten + [0x02]).value == .failure(.beyond64Bits))
        #expect(read(ten + [0x81, 0x00]).value == .failure(.beyond64Bits))
        #expect(read([UInt8](repeating: 0x80, count: 10) + [0x00]).value == .failure(.beyond64Bits))
        #expect(read([]).value == .failure(.truncated))
        #expect(read([0x80, 0x80]).value == .failure(.truncated))
        // The end given is respected even when more bytes follow.
        #expect(read([0x80, 0x01], end: 1).value == .failure(.truncated))
    }

    @Test func fixedWidthIntegersHaveTheirByteOrder() {
        var bytes: [UInt8] = []
        LittleEndian.append(UInt32(0x0102_0304), to: &bytes)
        LittleEndian.append(UInt64(0x0A0B_0C0D_0E0F_1011), to: &bytes)
        #expect(bytes == [4, 3, 2, 1, 0x11, 0x10, 0x0F, 0x0E, 0x0D, 0x0C, 0x0B, 0x0A])
        bytes.withUnsafeBytes { raw in
            #expect(LittleEndian.uint32(raw, at: 0) == 0x0102_0304)
            #expect(LittleEndian.uint64(raw, at: 4) == 0x0A0B_0C0D_0E0F_1011)
            #expect(BigEndian.uint32(raw, at: 0) == 0x0403_0201)
            #expect(BigEndian.uint32(raw, at: 1) == 0x0302_0111)
        }
    }
}
