import Testing
import TraceModel

@Test func serviceComesFromResource() {
    #expect(Resource(serviceName: "checkout").serviceName == "checkout")
    #expect(Resource(attributes: []).serviceName == "unknown_service")
    #expect(Resource(attributes: [Attribute(key: "service.name", value: .int(3))]).serviceName == "unknown_service")
}

@Test func durationIsNeverNegative() {
    let resource = Resource(serviceName: "s")
    let backwards = Span(
        traceID: TraceID(high: 0, low: 1), spanID: SpanID(1), name: "x",
        startTimeUnixNano: 10, endTimeUnixNano: 5, resource: resource)
    #expect(backwards.durationNano == 0)
}

@Test func attributeValuesDescribeThemselves() {
    #expect(AttributeValue.string("a").description == "a")
    #expect(AttributeValue.int(-3).description == "-3")
    #expect(AttributeValue.bool(true).description == "true")
    #expect(AttributeValue.bytes([0x0A, 0xFF]).description == "0x0aff")
    #expect(AttributeValue.array([.string("x"), .int(1)]).description == "[\"x\", 1]")
    #expect(AttributeValue.keyValueList([Attribute(key: "k", value: .string("v"))]).description == "{k: \"v\"}")
}

@Test func nanAttributesCompareEqualForDeduplication() {
    #expect(AttributeValue.double(.nan) == AttributeValue.double(.nan))
    #expect(AttributeValue.double(1) != AttributeValue.int(1))
}

@Test func resourcesCompareByContent() {
    #expect(Resource(serviceName: "a") == Resource(serviceName: "a"))
    #expect(Resource(serviceName: "a") != Resource(serviceName: "b"))
}

/// Millions of spans are held and moved: their flags pack into the padding the small fields
/// leave (Span's doc comment says 152 bytes).
@Test func spansStayPacked() {
    #expect(MemoryLayout<Span>.size <= 152)
}
