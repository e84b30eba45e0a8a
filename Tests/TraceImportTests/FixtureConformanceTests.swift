import Foundation
import TestSupport
import Testing
import TraceAssembly
import TraceImport
import TraceModel

/// Every file in `../shared/fixtures/` (written by other projects; see its SOURCES.md), read through
/// format detection: the format, span, trace and service counts, checked against SOURCES.md by hand,
/// or for the invalid ones the error and its position.
struct FixtureConformanceTests {
    struct Expected: CustomTestStringConvertible, Sendable {
        let file: String
        let format: InputFormat
        let spans: Int
        let traces: Int
        let services: [String]
        var testDescription: String { file }

        init(_ file: String, _ format: InputFormat, spans: Int, traces: Int, services: [String]) {
            self.file = file
            self.format = format
            self.spans = spans
            self.traces = traces
            self.services = services
        }
    }

    struct Rejected: CustomTestStringConvertible, Sendable {
        let file: String
        let line: Int
        let column: Int
        let fragment: String
        var testDescription: String { file }
    }

    /// Counts are those of SOURCES.md, except where a comment says why they differ.
    static let readable: [Expected] = [
        .init("jaeger-json/jaeger-analytics__ui-trace.api-envelope.json", .jaegerJSON, spans: 2, traces: 1, services: ["jaeger-query"]),
        .init(
            "jaeger-json/jaeger-ui__critical-path_happyTrace.json", .jaegerJSON, spans: 5, traces: 1, services: ["service1", "service2"]),
        .init(
            "jaeger-json/jaeger-ui__genaiTestTrace.json", .jaegerJSON, spans: 57, traces: 1,
            services: [
                "api-edge", "auth-service", "coding-agent", "graphql-gateway", "k8s-api", "mcp-gateway", "metrics-backend",
                "summarizer-agent", "trace-store", "vector-store",
            ]),
        .init("jaeger-json/jaeger-ui__issue115-follows-from.api-envelope.json", .jaegerJSON, spans: 2, traces: 1, services: ["issue115"]),
        .init("jaeger-json/jaeger-ui__oltp2jaeger-multi-out.json", .jaegerJSON, spans: 4, traces: 1, services: ["example-trace"]),
        .init("jaeger-json/jaeger-ui__otlp2jaeger-out.json", .jaegerJSON, spans: 2, traces: 1, services: ["telemetrygen"]),
        .init(
            "jaeger-json/jaeger-ui__petclinic_spanAmongEachOtherGroupedAndSpans.json", .jaegerJSON, spans: 17, traces: 1,
            services: ["api-gateway", "customers-service"]),
        .init(
            "jaeger-json/jaeger-ui__petclinic_spanLongerAsParent.json", .jaegerJSON, spans: 8, traces: 1,
            services: ["api-gateway", "customers-service"]),
        .init(
            "jaeger-json/jaeger-ui__traceWithSingleChildLongerThanParentAndStartsAfterParent.json", .jaegerJSON, spans: 2, traces: 1,
            services: ["service-one", "service-two"]),
        .init("jaeger-json/jaeger-ui__tracegraph_testTrace.json", .jaegerJSON, spans: 11, traces: 1, services: ["service1", "service2"]),
        .init(
            "jaeger-json/jaeger__anonymizer_trace_success.span-array.json", .jaegerJSON, spans: 2, traces: 1,
            services: ["16af988c443cff37", "3c220036602f839e"]),
        .init(
            "jaeger-json/jaeger__legacy_domain_example_trace.json", .jaegerJSON, spans: 5, traces: 1,
            services: ["example-service-1", "example-service-2", "example-service-3"]),
        .init("jaeger-json/jaeger__model_json_fixture.nulls.json", .jaegerJSON, spans: 3, traces: 1, services: ["service_1", "service_2"]),
        .init("jaeger-json/jaeger__uimodel_ui_01.json", .jaegerJSON, spans: 5, traces: 1, services: ["service-x", "service-y"]),
        .init("otlp-json/jaeger-ui__genai-agent-trace.json", .otlpJSON, spans: 8, traces: 1, services: ["incident-response-agent"]),
        .init(
            "otlp-json/jaeger-ui__getTrace-response.hotrod.json", .otlpJSON, spans: 40, traces: 1,
            services: ["customer", "driver", "frontend", "mysql", "redis-manual", "route"]),
        .init("otlp-json/jaeger-ui__otlp2jaeger-multi-in-combined.json", .otlpJSON, spans: 4, traces: 1, services: ["example-trace"]),
        .init("otlp-json/jaeger-ui__otlp2jaeger-multi-in.jsonl", .otlpJSON, spans: 4, traces: 1, services: ["example-trace"]),
        .init("otlp-json/jaeger__cassandra_otel_traces_01.json", .otlpJSON, spans: 1, traces: 1, services: ["service-x"]),
        .init(
            "otlp-json/jaeger__integration_example_trace.json", .otlpJSON, spans: 5, traces: 1,
            services: ["example-service-1", "example-service-2", "example-service-3"]),
        .init("otlp-json/jaeger__integration_link_attributes_trace.json", .otlpJSON, spans: 1, traces: 1, services: ["query25-service"]),
        .init("otlp-json/jaeger__memory_otel_traces_01.json", .otlpJSON, spans: 4, traces: 2, services: ["service-x"]),
        .init(
            "otlp-json/jaeger__skills_error_timeout_masked.oteldemo.json", .otlpJSON, spans: 26, traces: 1,
            services: ["cart", "frontend", "frontend-proxy", "load-generator", "product-catalog"]),
        .init(
            "otlp-json/jaeger__skills_n_plus_one_positive.hotrod.json", .otlpJSON, spans: 16, traces: 1,
            services: ["driver", "frontend", "redis-manual"]),
        .init("otlp-json/jaeger__skills_sibling_errors.json", .otlpJSON, spans: 6, traces: 1, services: ["checkout", "email", "payment"]),
        .init(
            "otlp-json/kiali__tempo_responseTrace.bookinfo.json", .otlpJSON, spans: 8, traces: 1,
            services: [
                "details.bookinfo", "istio-ingressgateway.istio-system", "productpage.bookinfo", "ratings.bookinfo", "reviews.bookinfo",
            ]),
        .init("otlp-json/otelproto__trace.json", .otlpJSON, spans: 1, traces: 1, services: ["my.service"]),
        .init("otlp-json/otlp2parquet__trace.oteldemo.json", .otlpJSON, spans: 2, traces: 1, services: ["frontend-proxy"]),
        .init(
            "otlp-json/otlp2parquet__traces.jsonl", .otlpJSON, spans: 19, traces: 19,
            services: [
                "analytics-service", "api-gateway", "cart", "frontend-proxy", "kafka", "payment-service", "product-catalog",
                "recommendation",
            ]),
        .init("otlp-proto/otlp2parquet__trace.pb", .otlpProtobuf, spans: 2, traces: 1, services: ["frontend-proxy"]),
        .init(
            "otlp-proto/otlp2parquet__traces.pb", .otlpProtobuf, spans: 19, traces: 19,
            services: [
                "analytics-service", "api-gateway", "cart", "frontend-proxy", "kafka", "payment-service", "product-catalog",
                "recommendation",
            ]),
        // 9 identical records of one span
        .init("zipkin-json/otelcol__zipkinreceiver_sample1.duplicates.json", .zipkinJSON, spans: 1, traces: 1, services: ["frontend"]),
        .init(
            "zipkin-json/otelcol__zipkinreceiver_sample2.no-service.json", .zipkinJSON, spans: 1, traces: 1, services: ["unknown_service"]),
        .init("zipkin-json/zipkin-benchmarks__zipkin2-chinese.single-span.json", .zipkinJSON, spans: 1, traces: 1, services: ["订单维护服务"]),
        .init(
            "zipkin-json/zipkin-lens__ascend.json", .zipkinJSON, spans: 8, traces: 1,
            services: ["auth-service", "content-service", "mobile-gateway"]),
        .init("zipkin-json/zipkin-lens__envoy.json", .zipkinJSON, spans: 1, traces: 1, services: ["unknown_service"]),
        // spans without a localEndpoint count as unknown_service
        .init("zipkin-json/zipkin-lens__malformed.kong.json", .zipkinJSON, spans: 7, traces: 1, services: ["rewards", "unknown_service"]),
        .init("zipkin-json/zipkin-lens__messaging-kafka.json", .zipkinJSON, spans: 28, traces: 1, services: ["servicea", "serviceb"]),
        .init("zipkin-json/zipkin-lens__messaging.json", .zipkinJSON, spans: 4, traces: 1, services: ["backend", "frontend"]),
        .init(
            "zipkin-json/zipkin-lens__messaging2.json", .zipkinJSON, spans: 11, traces: 1,
            services: ["auth-service", "mobile-gateway", "notification-service", "transfer-service"]),
        // 8 records: 2 fragments of span 6c59056709a0b1e4 join its client half
        .init("zipkin-json/zipkin-lens__netflix.json", .zipkinJSON, spans: 6, traces: 1, services: ["api", "apip", "session_logs"]),
        .init("zipkin-json/zipkin-lens__simple-db-p6.json", .zipkinJSON, spans: 5, traces: 1, services: ["bootifulmeters"]),
        .init("zipkin-json/zipkin-lens__skew.json", .zipkinJSON, spans: 4, traces: 1, services: ["servicea", "serviceb"]),
        // 1041 records: the 84 fragments without kind or times join their halves
        .init(
            "zipkin-json/zipkin-lens__smartthings-mobile-web-install.json", .zipkinJSON, spans: 957, traces: 1,
            services: [
                "account", "alice", "auth", "bookie", "bouncer", "coreSrv", "dove", "execution", "gizmo", "guardian", "oreck", "paperboy",
                "platformapi", "pusher", "stLogin", "strongman",
            ]),
        .init(
            "zipkin-json/zipkin-lens__smartthings-oauth-authorization.json", .zipkinJSON, spans: 175, traces: 1,
            services: ["account", "auth", "bouncer", "datamgmt", "dove", "paperboy", "pusher", "stlogin"]),
        .init(
            "zipkin-json/zipkin-lens__yelp.json", .zipkinJSON, spans: 16, traces: 1,
            services: ["mobile_api", "routing", "spectre", "unknown", "yelp-main", "yelp_main/api_proxy"]),
    ]

    /// The files that are invalid on purpose: where reading stops, and a piece of the message.
    static let invalid: [Rejected] = [
        .init(
            file: "otlp-json/otlp2parquet__invalid_malformed_logs.json", line: 1, column: 1, fragment: "OpenTelemetry logs data, not traces"
        ),
        .init(
            file: "otlp-json/otlp2parquet__invalid_trace_invalid_base64.json", line: 21, column: 26,
            fragment: "invalid traceId \"!!!INVALID_BASE64!!!\""),
        .init(file: "otlp-json/otlp2parquet__invalid_trace_mixed_encoding.json", line: 21, column: 26, fragment: "invalid traceId \"zzz\""),
        .init(
            file: "otlp-json/otlp2parquet__invalid_trace_invalid_kind.json", line: 24, column: 23,
            fragment: "unknown kind \"SPAN_KIND_INVALID_TYPE\""),
        .init(
            file: "otlp-json/jaeger-ui__otlp2jaeger-negative-counts.json", line: 35, column: 41,
            fragment: "droppedAttributesCount must be an unsigned 32-bit integer, not -1"),
        .init(
            file: "jaeger-json/jaeger__anonymizer_trace_invalid_json.json", line: 1, column: 72,
            fragment: "duration must be a number of microseconds"),
        .init(
            file: "jaeger-json/jaeger__anonymizer_trace_scan_error.json", line: 1, column: 2,
            fragment: "span 7606ddfe69932d34 has no startTime"),
        .init(
            file: "zipkin-json/otelcol__zipkin_v1_single_batch.NEGATIVE-v1.json", line: 10, column: 29, fragment: "this is Zipkin v1 JSON"),
    ]

    static let folders = ["otlp-json", "otlp-proto", "jaeger-json", "zipkin-json"]

    func read(_ file: String, strict: Bool = false) throws -> (spans: [Span], summary: SpanFileReader.FileSummary) {
        var spans: [Span] = []
        let path = try #require(Fixtures.sharedDirectory).appendingPathComponent(file).path
        let summary = try SpanFileReader(strict: strict).read(path, into: &spans)
        return (spans, summary)
    }

    @Test(.enabled(if: Fixtures.sharedAvailable, "../shared/fixtures is absent"), arguments: readable)
    func readsWithExpectedCounts(_ expected: Expected) throws {
        let (spans, summary) = try read(expected.file)
        #expect(summary.format == expected.format)
        #expect(spans.count == expected.spans)
        #expect(Set(spans.map(\.traceID)).count == expected.traces)
        #expect(Set(spans.map(\.service)).sorted() == expected.services)
        #expect(spans.allSatisfy { !$0.traceID.isZero && !$0.spanID.isZero })
    }

    @Test(.enabled(if: Fixtures.sharedAvailable, "../shared/fixtures is absent"), arguments: invalid)
    func rejectsNamingFileAndPosition(_ rejected: Rejected) throws {
        let error = #expect(throws: ImportError.self) { try read(rejected.file, strict: true) }
        #expect(error?.file.hasSuffix(rejected.file) == true)
        #expect(error?.line == rejected.line)
        #expect(error?.column == rejected.column)
        #expect(error?.message.contains(rejected.fragment) == true, "\(String(describing: error))")
    }

    /// What reading the invalid files gives without --strict: the records that can be read, and
    /// each reason for what was dropped or repaired with the place of its first case. The others
    /// have nothing that can be read, and fail as with --strict.
    static let recovered: [(file: String, spans: Int, reasons: [String])] = [
        (
            "otlp-json/otlp2parquet__invalid_trace_invalid_kind.json", 1,
            ["kind read as unspecified: unknown kind \"SPAN_KIND_INVALID_TYPE\"; expected ... at line 24, column 23"]
        ),
        (
            "otlp-json/jaeger-ui__otlp2jaeger-negative-counts.json", 1,
            ["droppedAttributesCount ignored: droppedAttributesCount must be an unsigned 32-bit integer, not -1 ×3 at line 35, column 41"]
        ),
        (
            "jaeger-json/jaeger__anonymizer_trace_invalid_json.json", 1,
            [
                "duration read as missing: duration must be a number of microseconds or a string like \"100000ns\", not \"invalid\" at line 1, column 72",
                "drawn as an instant: span 7bd66f09ba90ea3d has no startTime at line 1, column 2",
            ]
        ),
        (
            "jaeger-json/jaeger__anonymizer_trace_scan_error.json", 1,
            [
                "drawn as an instant: span 7606ddfe69932d34 has no startTime at line 1, column 2",
                "rest of the input skipped: expected a value but found ']' at line 2, column 1",
            ]
        ),
    ]

    @Test(.enabled(if: Fixtures.sharedAvailable, "../shared/fixtures is absent"))
    func invalidFilesGiveWhatCanBeReadAndSayWhatWasNot() throws {
        for (file, count, reasons) in Self.recovered {
            let (spans, summary) = try read(file)
            #expect(spans.count == count, "\(file)")
            let found = summary.issues.reasons.map { reason in
                let problem = reason.problem.hasPrefix("unknown kind") ? reason.problem.prefix(47) + " ..." : Substring(reason.problem)
                return "\(reason.action): \(problem)\(reason.count > 1 ? " ×\(reason.count)" : "") at \(reason.firstPlace)"
            }
            #expect(found == reasons, "\(file)")
        }
        // The files with nothing that can be read fail as with --strict, at the same place.
        let unreadable = Self.invalid.filter { rejected in !Self.recovered.contains { $0.file == rejected.file } }
        #expect(unreadable.count == 4)
        for rejected in unreadable {
            let error = #expect(throws: ImportError.self) { try read(rejected.file) }
            #expect(error?.line == rejected.line && error?.column == rejected.column, "\(rejected.file)")
        }
    }

    /// Every file of the four folders is listed above, so a new fixture cannot go unchecked.
    @Test(.enabled(if: Fixtures.sharedAvailable, "../shared/fixtures is absent"))
    func everyFixtureIsCovered() throws {
        let root = try #require(Fixtures.sharedDirectory)
        var names: [String] = []
        for folder in Self.folders {
            names += try FileManagerListing.names(in: root.appendingPathComponent(folder)).map { "\(folder)/\($0)" }
        }
        #expect(Set(names) == Set(Self.readable.map(\.file) + Self.invalid.map(\.file)))
        #expect(names.count == 54)
    }

    /// Files holding the same data in different formats, and the time precision they share.
    struct Equivalence: CustomTestStringConvertible, Sendable {
        let files: [String]
        let precision: UInt64
        var testDescription: String { files.joined(separator: " = ") }
    }

    /// The pairs SOURCES.md names as the same data in two formats: times equal to the nanosecond
    /// between OTLP forms, to the microsecond (Jaeger's precision) with Jaeger.
    static let equivalences: [Equivalence] = [
        .init(files: ["otlp-json/otlp2parquet__trace.oteldemo.json", "otlp-proto/otlp2parquet__trace.pb"], precision: 1),
        .init(files: ["otlp-json/otlp2parquet__traces.jsonl", "otlp-proto/otlp2parquet__traces.pb"], precision: 1),
        .init(
            files: ["otlp-json/jaeger-ui__otlp2jaeger-multi-in.jsonl", "otlp-json/jaeger-ui__otlp2jaeger-multi-in-combined.json"],
            precision: 1),
        .init(
            files: ["otlp-json/jaeger-ui__otlp2jaeger-multi-in.jsonl", "jaeger-json/jaeger-ui__oltp2jaeger-multi-out.json"],
            precision: 1_000),
    ]

    @Test(.enabled(if: Fixtures.sharedAvailable, "../shared/fixtures is absent"), arguments: equivalences)
    func equivalentFilesAssembleToEqualTraces(_ equivalence: Equivalence) throws {
        let (files, precision) = (equivalence.files, equivalence.precision)
        let assembled = try files.map { file in TraceAssembler().assemble(try read(file).spans) }
        for other in assembled.dropFirst() {
            #expect(other.map(\.traceID) == assembled[0].map(\.traceID))
            for (left, right) in zip(assembled[0], other) {
                #expect(
                    SpanShape.of(left.spans).map { $0.truncatingTimes(to: precision) }
                        == SpanShape.of(right.spans).map { $0.truncatingTimes(to: precision) })
                #expect(left.spans.map(\.spanID) == right.spans.map(\.spanID))  // same tree order
                #expect(left.depth == right.depth)
                #expect(left.spans.map(\.kind) == right.spans.map(\.kind))
                #expect(left.spans.map(\.status.code) == right.spans.map(\.status.code))
            }
        }
    }
}
