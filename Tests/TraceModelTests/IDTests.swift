import Testing
import TraceModel

@Test(arguments: ["5B8EFFF798038103D269B633813FC60C", "5b8efff798038103d269b633813fc60c"])
func traceIDParsesHexOfEitherCase(_ text: String) throws {
    let id = try #require(TraceID(hex: text))
    #expect(id.high == 0x5B8E_FFF7_9803_8103)
    #expect(id.low == 0xD269_B633_813F_C60C)
    #expect(id.hex == "5b8efff798038103d269b633813fc60c")
}

@Test func traceIDAcceptsSixtyFourBitHex() throws {
    let id = try #require(TraceID(hex: "d269b633813fc60c"))
    #expect(id == TraceID(high: 0, low: 0xD269_B633_813F_C60C))
    #expect(id.hex == "0000000000000000d269b633813fc60c")
}

@Test(arguments: ["", "zzz", "5b8efff798038103d269b633813fc60", "5b8efff798038103d269b633813fc60g"])
func traceIDRejectsNonHex(_ text: String) {
    #expect(TraceID(hex: text) == nil)
}

@Test func traceIDFromBytesKeepsBothHalves() {
    let id = TraceID(bytes: [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0])
    #expect(id.high == 1 && id.low == 0)
    #expect(!id.isZero)
    #expect(TraceID(high: 0, low: 0).isZero)
}

@Test func spanIDRoundTrips() throws {
    let id = try #require(SpanID(hex: "EEE19B7EC3C1B174"))
    #expect(id.value == 0xEEE1_9B7E_C3C1_B174)
    #expect(id.description == "eee19b7ec3c1b174")
    #expect(SpanID(hex: "eee19b7ec3c1b17") == nil)
    #expect(SpanID(bytes: [0, 0, 0, 0, 0, 0, 1, 0]).value == 256)
}

@Test func idsOrderNumerically() {
    #expect(TraceID(high: 1, low: 0) > TraceID(high: 0, low: .max))
    #expect(SpanID(2) > SpanID(1))
}

/// The word-at-a-time hex reader agrees with the standard library on random ids of either case,
/// and rejects every non-hex byte in every position.
@Test func hexDigitsAgreeWithTheStandardLibrary() {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    for _ in 0..<20_000 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        let value = state ^ state >> 29
        var text = String(value, radix: 16)
        text = String(repeating: "0", count: 16 - text.count) + text
        if value & 1 == 0 { text = text.uppercased() }
        #expect(Array(text.utf8).withUnsafeBufferPointer { HexDigits.parse(buffer: $0) } == value)
        #expect(SpanID(hexDigits: Array(text.utf8)) == SpanID(value))
    }
    let valid = Set("0123456789abcdefABCDEF".utf8)
    for position in 0..<16 {
        for byte in 0...255 as ClosedRange<UInt8> {
            var digits = Array("0123456789abcdef".utf8)
            digits[position] = byte
            let parsed = digits.withUnsafeBufferPointer { HexDigits.parse(buffer: $0) }
            #expect((parsed != nil) == valid.contains(byte), "byte \(byte) at \(position)")
        }
    }
}
