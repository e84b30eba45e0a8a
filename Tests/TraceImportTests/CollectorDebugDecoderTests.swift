import Foundation
import TestSupport
import Testing
import TraceImport
import TraceModel

/// The Collector's `debug` exporter text (`verbosity: detailed`), as logged and as pasted into
/// tickets, and the older `logging` exporter's.
struct CollectorDebugDecoderTests {
    static let inputs = Fixtures.repositoryRoot.appendingPathComponent("Tests/TraceImportTests/Inputs")

    static func decode(_ text: String) throws -> (spans: [Span], decoded: SpanFileReader.Decoded) {
        var spans: [Span] = []
        let decoded = try Array(text.utf8).withUnsafeBytes { try SpanFileReader().decode($0, name: "collector.log", into: &spans) }
        return (spans, decoded)
    }

    /// The samples' checkout written as the exporter's marshaler writes it, with and without log
    /// prefixes: every span, id, time, kind, status, attribute (with its type), event, link and
    /// scope as OTLP gave them.
    @Test(arguments: [("", ""), ("otel-collector-1  | ", "2025-03-04T09:15:02.113Z\tinfo\t")])
    func theSamplesCheckoutReadsAsItsOTLPSpans(linePrefix: String, firstLinePrefix: String) throws {
        var source: [Span] = []
        _ = try SpanFileReader().read(Fixtures.repositoryRoot.appendingPathComponent("samples/checkout.jsonl").path, into: &source)
        let text = SpanEncoders.collectorDebug(source, linePrefix: linePrefix, firstLinePrefix: firstLinePrefix)
        let (spans, decoded) = try Self.decode(text)
        #expect(decoded.format == .collectorDebug && decoded.issues == RecordIssues())
        let read = Dictionary(uniqueKeysWithValues: spans.map { ($0.spanID, $0) })
        #expect(spans.count == source.count)
        for want in source {
            let got = try #require(read[want.spanID])
            #expect(got.traceID == want.traceID && got.parentSpanID == want.parentSpanID && got.name == want.name, "\(want.name)")
            #expect(got.kind == want.kind && got.status == want.status && got.traceState == want.traceState, "\(want.name)")
            #expect(got.startTimeUnixNano == want.startTimeUnixNano && got.endTimeUnixNano == want.endTimeUnixNano, "\(want.name)")
            #expect(got.attributes == want.attributes && got.events == want.events && got.links == want.links, "\(want.name)")
            #expect(got.resource == want.resource && got.scope == want.scope, "\(want.name)")
        }
    }

    @Test func aBlockPastedFromDockerComposeLogs() throws {
        var spans: [Span] = []
        let summary = try SpanFileReader().read(Self.inputs.appendingPathComponent("collector-debug-pasted.txt").path, into: &spans)
        #expect(summary.format == .collectorDebug && spans.count == 2)
        let (root, charge) = (spans[0], spans[1])
        #expect(root.traceID == TraceID(hex: "4bf92f3577b34da6a3ce929d0e0e4736") && root.parentSpanID == nil && root.kind == .server)
        #expect(root.traceState == "ot=th:c" && root.status == SpanStatus(code: .error, message: "payment declined"))
        // 10:15:01.750000321 +0100 is 09:15:01.750000321 UTC.
        let nine: UInt64 = 1_741_079_701 * 1_000_000_000
        #expect(root.startTimeUnixNano == nine + 500_000_000 && root.endTimeUnixNano == nine + 750_000_321)
        #expect(
            root.attributes == [
                Attribute(key: "http.request.method", value: .string("POST")),
                Attribute(key: "http.response.status_code", value: .int(502)),
                Attribute(key: "sampling.ratio", value: .double(0.25)), Attribute(key: "cache.hit", value: .bool(false)),
                Attribute(key: "order.lines", value: .string(#"["book","lamp"]"#)),
                Attribute(key: "order.meta", value: .string(#"{"express":true}"#)),
                Attribute(key: "order.note", value: .string("leave at the door\nring twice (not once)")),
                Attribute(key: "order.blob", value: .bytes([0, 1, 2])),
            ])
        #expect(
            root.events == [
                SpanEvent(timeUnixNano: nine + 600_000_000, name: "retry", attributes: [Attribute(key: "attempt", value: .int(2))])
            ])
        #expect(root.links.map(\.spanID) == [SpanID(hex: "b7ad6b7169203331")!] && root.links[0].attributes.count == 1)
        #expect(root.service == "checkout" && root.resource.schemaURL == "https://opentelemetry.io/schemas/1.26.0")
        #expect(root.scope.name == "io.opentelemetry.http" && root.scope.version == "2.11.0")
        #expect(charge.parentSpanID == root.spanID && charge.kind == .client && charge.resource === root.resource)
        // The Collector's other log lines are skipped, counted in one warning.
        #expect(summary.issues.reasons.map(\.action) == ["skipped"] && summary.issues.dropped == 0, "\(summary.issues)")
    }

    @Test func theOlderLoggingExportersBlocks() throws {
        var spans: [Span] = []
        let summary = try SpanFileReader().read(Self.inputs.appendingPathComponent("collector-logging-old.txt").path, into: &spans)
        #expect(summary.format == .collectorDebug && spans.count == 1)
        #expect(spans.first?.kind == .server && spans.first?.status.code == .ok && spans.first?.service == "legacy-api")
        #expect(spans.first?.attributes[key: "http.status_code"] == .int(200) && spans.first?.scope.name == "legacy.tracer")
        // The span printed without ids is dropped, named by its line.
        #expect(summary.issues.dropped == 1 && summary.issues.reasons.first?.firstPlace == "line 21, column 1", "\(summary.issues)")
    }

    @Test(arguments: [
        "SpanEvent #0\n     -> Name: x\n", "ResourceSpans #0\nSpan #0\n    Start time     : garbage\n", "-> k: Str(\n",
        "Span #9999999999999999999999\n",
    ])
    func fragmentsNeverTrap(text: String) {
        var spans: [Span] = []
        _ = try? Array(text.utf8).withUnsafeBytes { try CollectorDebugDecoder().decode($0, file: "x", into: &spans) }
        #expect(spans.isEmpty)
    }
}
