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
