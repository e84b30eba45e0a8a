import Foundation
import TestSupport
import Testing
import TraceImport
import TraceModel

/// Every OTLP JSON export in `../shared/fixtures/otlp-json/`, written by other projects, read with
/// the span, trace and service counts its SOURCES.md gives, or rejected at the stated position.
struct OTLPFixtureConformanceTests {
    struct Expected: CustomTestStringConvertible, Sendable {
        let file: String
        let spans: Int
        let traces: Int
        let services: Int
        var testDescription: String { file }
    }

    struct Rejected: CustomTestStringConvertible, Sendable {
        let file: String
        let line: Int
        let column: Int
        let fragment: String
        var testDescription: String { file }
    }

    static let readable: [Expected] = [
        .init(file: "otelproto__trace.json", spans: 1, traces: 1, services: 1),
        .init(file: "jaeger-ui__getTrace-response.hotrod.json", spans: 40, traces: 1, services: 6),
        .init(file: "jaeger__skills_error_timeout_masked.oteldemo.json", spans: 26, traces: 1, services: 5),
        .init(file: "jaeger__skills_n_plus_one_positive.hotrod.json", spans: 16, traces: 1, services: 3),
        .init(file: "jaeger__skills_sibling_errors.json", spans: 6, traces: 1, services: 3),
        .init(file: "jaeger__memory_otel_traces_01.json", spans: 4, traces: 2, services: 1),
        .init(file: "jaeger__cassandra_otel_traces_01.json", spans: 1, traces: 1, services: 1),
        .init(file: "jaeger__integration_link_attributes_trace.json", spans: 1, traces: 1, services: 1),
        .init(file: "jaeger__integration_example_trace.json", spans: 5, traces: 1, services: 3),
        .init(file: "jaeger-ui__otlp2jaeger-multi-in.jsonl", spans: 4, traces: 1, services: 1),
        .init(file: "jaeger-ui__otlp2jaeger-multi-in-combined.json", spans: 4, traces: 1, services: 1),
        .init(file: "jaeger-ui__genai-agent-trace.json", spans: 8, traces: 1, services: 1),
        .init(file: "kiali__tempo_responseTrace.bookinfo.json", spans: 8, traces: 1, services: 5),
        .init(file: "otlp2parquet__trace.oteldemo.json", spans: 2, traces: 1, services: 1),
        .init(file: "otlp2parquet__traces.jsonl", spans: 19, traces: 19, services: 8),
    ]

    /// The deliberately invalid files: where they go wrong, and a word of the message.
    static let invalid: [Rejected] = [
        .init(file: "otlp2parquet__invalid_malformed_logs.json", line: 21, column: 15, fragment: "expected ',' or '}'"),
        .init(
            file: "otlp2parquet__invalid_trace_invalid_base64.json", line: 21, column: 26,
            fragment: "invalid traceId \"!!!INVALID_BASE64!!!\""),
        .init(file: "otlp2parquet__invalid_trace_mixed_encoding.json", line: 21, column: 26, fragment: "invalid traceId \"zzz\""),
        .init(
            file: "otlp2parquet__invalid_trace_invalid_kind.json", line: 24, column: 23, fragment: "unknown kind \"SPAN_KIND_INVALID_TYPE\""
        ),
        .init(
            file: "jaeger-ui__otlp2jaeger-negative-counts.json", line: 35, column: 41,
            fragment: "droppedAttributesCount must be an unsigned 32-bit integer, not -1"),
    ]

    @Test(.enabled(if: Fixtures.sharedAvailable, "../shared/fixtures is absent"), arguments: readable)
    func readsWithExpectedCounts(_ expected: Expected) throws {
        let spans = try OTLPJSONDecoder().decode(Fixtures.shared("otlp-json/" + expected.file), file: expected.file)
        #expect(spans.count == expected.spans)
        #expect(Set(spans.map(\.traceID)).count == expected.traces)
        #expect(Set(spans.map(\.service)).count == expected.services)
        #expect(spans.allSatisfy { !$0.traceID.isZero && !$0.spanID.isZero })
    }

    @Test(.enabled(if: Fixtures.sharedAvailable, "../shared/fixtures is absent"), arguments: invalid)
    func rejectsNamingFileAndPosition(_ rejected: Rejected) throws {
        let bytes = try Fixtures.shared("otlp-json/" + rejected.file)
        let error = #expect(throws: ImportError.self) {
            try OTLPJSONDecoder().decode(bytes, file: rejected.file)
        }
        #expect(error?.file == rejected.file)
        #expect(error?.line == rejected.line)
        #expect(error?.column == rejected.column)
        #expect(error?.message.contains(rejected.fragment) == true, "\(String(describing: error))")
        #expect(error?.description.hasPrefix("\(rejected.file):\(rejected.line):\(rejected.column): ") == true)
    }

    /// Every file in the folder is listed above, so a new fixture cannot go unchecked.
    @Test(.enabled(if: Fixtures.sharedAvailable, "../shared/fixtures is absent"))
    func everyFixtureIsCovered() throws {
        let folder = try #require(Fixtures.sharedDirectory).appendingPathComponent("otlp-json")
        let names = try FileManagerListing.names(in: folder)
        #expect(Set(names) == Set(Self.readable.map(\.file) + Self.invalid.map(\.file)))
    }

    @Test(.enabled(if: Fixtures.sharedAvailable, "../shared/fixtures is absent"))
    func specialCasesDecodeFaithfully() throws {
        // Upper-case hex ids; scope with attributes; 64-bit integers as strings.
        let canonical = try OTLPJSONDecoder().decode(Fixtures.shared("otlp-json/otelproto__trace.json"), file: "x")[0]
        #expect(canonical.traceID.hex == "5b8efff798038103d269b633813fc60c")
        #expect(canonical.parentSpanID == SpanID(hex: "eee19b7ec3c1b173"))
        #expect(canonical.kind == .server)
        #expect(canonical.scope.name == "my.library" && canonical.scope.version == "1.0.0")
        #expect(canonical.startTimeUnixNano == 1_544_712_660_000_000_000)

        // High-half-only trace ids must keep the high half.
        let memory = try OTLPJSONDecoder().decode(Fixtures.shared("otlp-json/jaeger__memory_otel_traces_01.json"), file: "x")
        #expect(memory.allSatisfy { $0.traceID.high != 0 && $0.traceID.low == 0 })
        #expect(memory.reduce(0) { $0 + $1.links.count } == 8)
        #expect(memory.reduce(0) { $0 + $1.events.count } == 8)
        #expect(memory.count { $0.status.isError } == 4)

        // Tempo: "batches", base64 ids, enum names.
        let tempo = try OTLPJSONDecoder().decode(Fixtures.shared("otlp-json/kiali__tempo_responseTrace.bookinfo.json"), file: "x")
        #expect(tempo.contains { $0.kind == .client })
        #expect(tempo.reduce(0) { $0 + $1.events.count } == 8)

        // The empty-string parent of a JSON-lines root means "no parent".
        let lines = try OTLPJSONDecoder().decode(Fixtures.shared("otlp-json/jaeger-ui__otlp2jaeger-multi-in.jsonl"), file: "x")
        #expect(lines.count { $0.parentSpanID == nil } == 1)

        // The Jaeger v3 envelope, with error statuses.
        let hotrod = try OTLPJSONDecoder().decode(Fixtures.shared("otlp-json/jaeger-ui__getTrace-response.hotrod.json"), file: "x")
        #expect(hotrod.count { $0.status.isError } == 3)
        #expect(hotrod.reduce(0) { $0 + $1.events.count } == 52)
    }
}
