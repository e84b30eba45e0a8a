import TestSupport
import Testing
import TraceImport
import TraceModel

struct OTLPProtobufDecoderTests {
    static let resource = Resource(attributes: [
        Attribute(key: "service.name", value: .string("checkout")),
        Attribute(key: "k8s.pod.name", value: .string("checkout-5d8b9")),
    ])

    static let spans: [Span] = [
        Span(
            traceID: TraceID(high: 1, low: 2), spanID: SpanID(3), name: "POST /orders", kind: .server,
            startTimeUnixNano: 1_000, endTimeUnixNano: 5_000, status: SpanStatus(code: .error, message: "boom"),
            attributes: [
                Attribute(key: "s", value: .string("text")), Attribute(key: "i", value: .int(-42)),
                Attribute(key: "d", value: .double(2.5)), Attribute(key: "b", value: .bool(true)),
                Attribute(key: "y", value: .bytes([0, 255])),
                Attribute(key: "a", value: .array([.int(1), .string("two")])),
                Attribute(key: "kv", value: .keyValueList([Attribute(key: "inner", value: .bool(false))])),
            ],
            events: [SpanEvent(timeUnixNano: 2_000, name: "retry", attributes: [Attribute(key: "n", value: .int(1))])],
            links: [SpanLink(traceID: TraceID(high: 9, low: 9), spanID: SpanID(9))],
            resource: resource, scope: InstrumentationScope(name: "lib", version: "1.0")),
        Span(
            traceID: TraceID(high: 1, low: 2), spanID: SpanID(4), parentSpanID: SpanID(3), name: "SELECT",
            kind: .client, startTimeUnixNano: 2_000, endTimeUnixNano: 3_000, resource: resource,
            scope: InstrumentationScope(name: "lib", version: "1.0")),
    ]

    func decode(_ bytes: [UInt8]) throws -> [Span] {
        var spans: [Span] = []
        _ = try bytes.withUnsafeBytes { raw in try OTLPProtobufDecoder().decode(raw, file: "spans.pb", into: &spans) }
        return spans
    }

    @Test func readsBackEveryFieldOfABareMessage() throws {
        let decoded = try decode(SpanEncoders.otlpProtobuf(Self.spans))
        #expect(decoded == Self.spans)
    }

    @Test func readsLengthPrefixedMessagesAsTheCollectorWritesThem() throws {
        var stream: [UInt8] = []
        for span in Self.spans {
            let message = SpanEncoders.otlpProtobuf([span])
            stream += withUnsafeBytes(of: UInt32(message.count).bigEndian, Array.init) + message
        }
        #expect(try decode(stream) == Self.spans)
    }

    @Test func aCutKeepsTheSpansBeforeItAndSaysWhereItIs() throws {
        let bytes = SpanEncoders.otlpProtobuf(Self.spans)
        let cut = Array(bytes.dropLast(3))
        let error = #expect(throws: ImportError.self) {
            var spans: [Span] = []
            _ = try cut.withUnsafeBytes { try OTLPProtobufDecoder().decode($0, file: "spans.pb", strict: true, into: &spans) }
        }
        #expect(error?.offset != nil && error?.line == nil)
        #expect(error?.description.hasPrefix("spans.pb: byte ") == true)
        var spans: [Span] = []
        let issues = try cut.withUnsafeBytes { try OTLPProtobufDecoder().decode($0, file: "spans.pb", into: &spans) }
        #expect(spans == Array(Self.spans.dropLast()), "every span but the one cut")
        #expect(issues.dropped == 1 && issues.reasons.first?.firstPlace.hasPrefix("byte ") == true, "\(issues)")
        // Every cut, byte by byte: the spans wholly before it, never a fault.
        for length in 0..<bytes.count {
            var read: [Span] = []
            let prefix = Array(bytes.prefix(length))
            _ = try? prefix.withUnsafeBytes { try OTLPProtobufDecoder().decode($0, file: "spans.pb", into: &read) }
            #expect(read == Array(Self.spans.prefix(read.count)), "cut at \(length)")
        }
    }

    @Test func rejectsIdsOfTheWrongLength() {
        var writer = ProtobufWriter()
        writer.messageField(1) { resourceSpans in
            resourceSpans.messageField(2) { scopeSpans in
                scopeSpans.messageField(2) { span in
                    span.bytesField(1, [1, 2, 3])
                    span.bytesField(2, [1, 2, 3, 4, 5, 6, 7, 8])
                }
            }
        }
        let error = #expect(throws: ImportError.self) { try decode(writer.bytes) }
        #expect(error?.message == "trace_id has 3 bytes, expected 16")
    }
}
