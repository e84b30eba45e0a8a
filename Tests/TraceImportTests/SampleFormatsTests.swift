import Foundation
import TestSupport
import Testing
import TraceImport
import TraceModel

/// `samples/` holds the checkout flow in every input format, each under its own trace id. These
/// files are written from `samples/checkout.jsonl` by the encoders in TestSupport; re-record them
/// after an intended change with `TRACEREPORT_RECORD_SAMPLES=1 swift test --filter SampleFormats`.
struct SampleFormatsTests {
    static let samples = Fixtures.repositoryRoot.appendingPathComponent("samples")
    static let checkoutTrace = TraceID(hex: "4bf92f3577b34da6a3ce929d0e0e4736")!

    struct Copy: Sendable, CustomTestStringConvertible {
        let file: String
        let traceID: TraceID
        let format: InputFormat
        let compression: String?
        let encode: @Sendable ([Span]) -> [UInt8]
        var testDescription: String { file }
    }

    static let copies: [Copy] = [
        Copy(
            file: "checkout-jaeger.json", traceID: TraceID(hex: "7a0c3a5e9b1d4c2f8e6d5b4a39281706")!, format: .jaegerJSON, compression: nil
        ) {
            Array(SpanEncoders.jaegerJSON($0).utf8)
        },
        Copy(
            file: "checkout-zipkin.json", traceID: TraceID(hex: "2c9e8f7a6b5d4c3e1f0a9b8c7d6e5f41")!, format: .zipkinJSON, compression: nil
        ) {
            Array(SpanEncoders.zipkinJSON($0).utf8)
        },
        Copy(file: "checkout.otlp.pb", traceID: TraceID(hex: "9d8c7b6a5f4e3d2c1b0a998877665544")!, format: .otlpProtobuf, compression: nil)
        {
            SpanEncoders.otlpProtobuf($0)
        },
        Copy(
            file: "checkout.otlp.pb.gz", traceID: TraceID(hex: "9d8c7b6a5f4e3d2c1b0a998877665544")!, format: .otlpProtobuf,
            compression: "gzip"
        ) {
            Compression.gzip(SpanEncoders.otlpProtobuf($0))
        },
    ]

    func checkoutSpans() throws -> [Span] {
        var spans: [Span] = []
        _ = try SpanFileReader().read(Self.samples.appendingPathComponent("checkout.jsonl").path, into: &spans)
        return spans.filter { $0.traceID == Self.checkoutTrace }
    }

    @Test(arguments: copies)
    func copyIsUpToDateAndReadsBackAsTheSameTrace(_ copy: Copy) throws {
        let source = try checkoutSpans()
        #expect(source.count == 9)
        let moved = source.map { $0.withTraceID(copy.traceID) }
        let url = Self.samples.appendingPathComponent(copy.file)
        let expected = copy.encode(moved)
        if ProcessInfo.processInfo.environment["TRACEREPORT_RECORD_SAMPLES"] == "1" {
            try Data(expected).write(to: url)
        }
        #expect([UInt8](try Data(contentsOf: url)) == expected, "samples/\(copy.file) is stale; re-record it")

        var decoded: [Span] = []
        let summary = try SpanFileReader().read(url.path, into: &decoded)
        #expect(summary.format == copy.format)
        #expect(summary.compression == copy.compression)
        #expect(decoded.allSatisfy { $0.traceID == copy.traceID })
        #expect(SpanShape.of(decoded) == SpanShape.of(moved))
        #expect(decoded.count { $0.status.isError } == moved.count { $0.status.isError })
        #expect(Set(decoded.map(\.kind)) == Set(moved.map(\.kind)))
    }
}
