import Foundation
import TestSupport
import Testing
import TraceImport
import TraceModel

/// What the OpenTelemetry .NET SDK's console exporter prints.
struct DotNetConsoleDecoderTests {
    /// The samples' checkout printed through the exporter's lines reads back as OTLP gave it,
    /// but for what the exporter loses: tags are text, times are cut to 100 ns.
    @Test func theSamplesCheckoutReadsAsItsOTLPSpans() throws {
        var source: [Span] = []
        _ = try SpanFileReader().read(Fixtures.repositoryRoot.appendingPathComponent("samples/checkout.jsonl").path, into: &source)
        var spans: [Span] = []
        let decoded = try Array(SpanEncoders.dotnetConsole(source).utf8).withUnsafeBytes {
            try SpanFileReader().decode($0, name: "console.txt", into: &spans)
        }
        #expect(decoded.format == .dotnetConsole && decoded.issues == RecordIssues() && spans.count == source.count)
        func text(_ attributes: [Attribute]) -> [Attribute] {
            attributes.map { Attribute(key: $0.key, value: .string($0.value.description)) }
        }
        for (got, want) in zip(spans, source) {
            let start = want.startTimeUnixNano / 100 * 100
            #expect(got.traceID == want.traceID && got.spanID == want.spanID && got.parentSpanID == want.parentSpanID, "\(want.name)")
            #expect(got.name == want.name && got.kind == (want.kind == .unspecified ? .internal : want.kind) && got.status == want.status)
            #expect(got.startTimeUnixNano == start && got.endTimeUnixNano == start + want.durationNano / 100 * 100, "\(want.name)")
            #expect(got.attributes == text(want.attributes) && got.resource.attributes == text(want.resource.attributes), "\(want.name)")
            #expect(
                got.events.map(\.name) == want.events.map(\.name) && got.events.map(\.attributes) == want.events.map { text($0.attributes) }
            )
            #expect(got.events.map(\.timeUnixNano) == want.events.map { $0.timeUnixNano / 100 * 100 }, "\(want.name)")
            #expect(got.links.map(\.spanID) == want.links.map(\.spanID) && got.scope.name == want.scope.name, "\(want.name)")
        }
    }

    @Test func aConsoleOfAnASPNetCoreApp() throws {
        var spans: [Span] = []
        let path = Fixtures.repositoryRoot.appendingPathComponent("Tests/TraceImportTests/Inputs/dotnet-console.txt").path
        let summary = try SpanFileReader().read(path, into: &spans)
        #expect(summary.format == .dotnetConsole && spans.count == 2)
        let (call, root) = (spans[0], spans[1])
        let nine: UInt64 = 1_741_079_701 * 1_000_000_000
        #expect(call.parentSpanID == root.spanID && call.kind == .client && call.flags == 1)
        #expect(call.startTimeUnixNano == nine + 612_345_600 && call.endTimeUnixNano == nine + 612_345_600 + 130_400_100)
        #expect(call.status == SpanStatus(code: .error, message: "Service Unavailable"))
        #expect(call.attributes[key: "http.response.status_code"] == .string("503") && call.attributes.count == 3)
        #expect(
            call.events == [
                SpanEvent(timeUnixNano: nine + 650_000_000, name: "retry", attributes: [Attribute(key: "attempt", value: .string("2"))])
            ])
        #expect(call.scope.name == "System.Net.Http" && call.scope.version == "8.0.0.0" && call.service == "checkout-api")
        #expect(root.kind == .server && root.parentSpanID == nil && root.resource === call.resource)
        #expect(root.links.map(\.spanID) == [SpanID(hex: "53995c3f42cd8ad8")!] && root.links[0].attributes.count == 1)
        #expect(summary.issues.reasons.map(\.action) == ["skipped"] && summary.issues.reasons[0].firstPlace == "line 1, column 1")
    }

    @Test(arguments: [
        ("00:00:00.1304001", UInt64(130_400_100)), ("01:02:03", 3_723_000_000_000), ("2.00:00:01.5", 172_801_500_000_000),
        ("00:61:00", nil), ("garbage", nil), ("99999999999999999999.00:00:00", nil), ("999999999999999.00:00:00", nil),
    ])
    func timeSpans(text: String, nanoseconds: UInt64?) {
        #expect(DotNetConsoleDecoder.nanoseconds(timeSpan: text[...]) == nanoseconds)
    }
}
