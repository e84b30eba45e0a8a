import Foundation
import TestSupport
import Testing
import TraceImport
import TraceModel

/// Zipkin protobuf (`zipkin.proto3` `ListOfSpans`), written here through the schema's field
/// numbers, reads as the same spans written as Zipkin JSON.
struct ZipkinProtobufDecoderTests {
    static func decode(_ bytes: [UInt8], format: InputFormat? = nil) throws -> (spans: [Span], decoded: SpanFileReader.Decoded) {
        var spans: [Span] = []
        let decoded = try bytes.withUnsafeBytes { try SpanFileReader(format: format).decode($0, name: "spans.pb", into: &spans) }
        return (spans, decoded)
    }

    @Test func theSamplesCheckoutReadsAsItsZipkinJSONAndAsOTLP() throws {
        var source: [Span] = []
        _ = try SpanFileReader().read(Fixtures.repositoryRoot.appendingPathComponent("samples/checkout.jsonl").path, into: &source)
        let (fromProtobuf, decoded) = try Self.decode(SpanEncoders.zipkinProtobuf(source))
        let (fromJSON, _) = try Self.decode(Array(SpanEncoders.zipkinJSON(source).utf8))
        #expect(decoded.format == .zipkinProtobuf && decoded.issues == RecordIssues())
        #expect(fromProtobuf.count == source.count)
        #expect(fromProtobuf == fromJSON)
        // And as OTLP gave them, as far as Zipkin carries them: microseconds, four kinds (a span of
        // none is local), text tags.
        let read = Dictionary(uniqueKeysWithValues: fromProtobuf.map { ($0.spanID, $0) })
        for want in source {
            let got = try #require(read[want.spanID])
            #expect(got.traceID == want.traceID && got.parentSpanID == want.parentSpanID && got.name == want.name, "\(want.name)")
            #expect(got.startTimeUnixNano == want.startTimeUnixNano / 1_000 * 1_000, "\(want.name)")
            #expect(got.durationNano == want.durationNano / 1_000 * 1_000, "\(want.name)")
            #expect(got.kind == ([.client, .server, .producer, .consumer].contains(want.kind) ? want.kind : .internal), "\(want.name)")
            #expect(got.status.code == (want.status.isError ? .error : .unset) && got.service == want.service, "\(want.name)")
            for attribute in want.attributes {
                #expect(got.attributes[key: attribute.key] == .string(attribute.value.description), "\(want.name) \(attribute.key)")
            }
        }
    }

    /// One span field by field: 8-byte trace id, endpoints with addresses as bytes, annotations,
    /// tags, `shared` and `debug`.
    @Test func everyFieldOfTheSchemaIsRead() throws {
        var writer = ProtobufWriter()
        writer.messageField(1) { span in
            span.bytesField(1, [0, 0, 0, 0, 0, 0, 0x12, 0x34])
            span.bytesField(2, [0, 0, 0, 0, 0, 0, 0, 0x01])
            span.bytesField(3, [0, 0, 0, 0, 0, 0, 0, 0x02])
            span.varintField(4, 4)
            span.stringField(5, "process order")
            span.fixed64Field(6, 1_700_000_000_000_123)
            span.varintField(7, 2_500)
            span.messageField(8) { endpoint in
                endpoint.stringField(1, "worker")
                endpoint.bytesField(2, [10, 0, 0, 7])
                endpoint.varintField(4, 8080)
            }
            span.messageField(9) { endpoint in
                endpoint.stringField(1, "kafka")
                endpoint.bytesField(3, [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01])
            }
            span.messageField(10) { annotation in
                annotation.fixed64Field(1, 1_700_000_000_001_000)
                annotation.stringField(2, "ack")
            }
            span.messageField(11) { tag in
                tag.stringField(1, "messaging.destination.name")
                tag.stringField(2, "orders")
            }
            span.varintField(12, 1)
            span.varintField(13, 1)
        }
        let (spans, decoded) = try Self.decode(writer.bytes)
        #expect(decoded.format == .zipkinProtobuf && decoded.issues == RecordIssues())
        let span = try #require(spans.first)
        #expect(span.traceID == TraceID(high: 0, low: 0x1234) && span.parentSpanID == SpanID(1) && span.spanID == SpanID(2))
        #expect(span.kind == .consumer && span.name == "process order" && span.sharesClientSpanID)
        #expect(span.startTimeUnixNano == 1_700_000_000_000_123_000 && span.durationNano == 2_500_000)
        #expect(span.service == "worker")
        #expect(span.resource.attributes[key: "network.local.address"] == .string("10.0.0.7"))
        #expect(span.resource.attributes[key: "network.local.port"] == .int(8080))
        #expect(span.attributes[key: "peer.service"] == .string("kafka"))
        #expect(span.attributes[key: "network.peer.address"] == .string("2001:db8::1"))
        #expect(span.attributes[key: "messaging.destination.name"] == .string("orders"))
        #expect(span.events == [SpanEvent(timeUnixNano: 1_700_000_000_001_000_000, name: "ack")])
    }

    @Test func aSpanWithAnIDOfSevenBytesIsDroppedWithItsOffset() throws {
        var source: [Span] = []
        _ = try SpanFileReader().read(Fixtures.repositoryRoot.appendingPathComponent("samples/checkout.jsonl").path, into: &source)
        var bytes = SpanEncoders.zipkinProtobuf(Array(source.prefix(3)))
        var writer = ProtobufWriter()
        writer.messageField(1) { span in
            span.bytesField(1, Array(repeating: 7, count: 16))
            span.bytesField(3, Array(repeating: 7, count: 7))
        }
        let badAt = bytes.count
        bytes += writer.bytes + SpanEncoders.zipkinProtobuf(Array(source.dropFirst(3).prefix(2)))
        let (spans, decoded) = try Self.decode(bytes)
        #expect(spans.count == 5)
        #expect(decoded.issues.dropped == 1 && decoded.issues.reasons.first?.action == "span dropped")
        // The bad id's field starts after the list's tag and length, the span's trace id field (18 bytes).
        #expect(decoded.issues.reasons.first?.firstPlace == "byte \(badAt + 2 + 18)", "\(decoded.issues)")
        #expect(decoded.issues.reasons.first?.problem == "invalid id: expected 8 bytes, not 7")
    }

    @Test func aListCutShortKeepsTheSpansBeforeTheCut() throws {
        var source: [Span] = []
        _ = try SpanFileReader().read(Fixtures.repositoryRoot.appendingPathComponent("samples/checkout.jsonl").path, into: &source)
        let bytes = SpanEncoders.zipkinProtobuf(Array(source.prefix(4)))
        let (spans, decoded) = try Self.decode(Array(bytes.dropLast(5)), format: .zipkinProtobuf)
        #expect(spans.count == 3)
        #expect(decoded.issues.dropped >= 1)
    }

    @Test func otlpProtobufIsStillOTLP() throws {
        let data = try Data(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("samples/checkout.otlp.pb"))
        #expect(try Self.decode(Array(data)).decoded.format == .otlpProtobuf)
    }
}
