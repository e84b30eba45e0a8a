import Foundation
import TestSupport
import Testing
import TraceAnalysis
import TraceAssembly
import TraceModel

@testable import ReportSite

/// A report put together from parts of an input (filed by trace id, span id places filed by
/// span id, as the partition stage files them) is the report of the whole input: every file of
/// the site, byte for byte, whatever the number of parts and the order they are merged in.
struct MergedReportTests {
    static let spans = HardTraffic.spans()

    static let options: ReportBuilder.Options = {
        var options = ReportBuilder.Options()
        options.selection.maximumPages = 150
        return options
    }()

    /// The site of the whole input, as `tracereport report` makes it.
    static let whole: URL = {
        let output = try! Fixtures.temporaryDirectory("merge").appendingPathComponent("whole")
        let places = InstrumentationHealth.Tally.spanIDsInSeveralTraces(in: spans)
        try! ReportBuilder(templates: TemplateSet()).build(
            traces: TraceAssembler().assemble(spans), inputs: [], output: output, options: options, spanIDsInSeveralTraces: places)
        return output
    }()

    /// The site merged from `count` parts, merged in reverse order when `reversed`.
    func merged(parts count: Int, reversed: Bool) throws -> URL {
        var spansOf = Array(repeating: [Span](), count: count)
        var placesOf = Array(repeating: [SpanIDLocation](), count: count)
        for span in Self.spans {
            spansOf[Int((span.traceID.low ^ span.traceID.high) % UInt64(count))].append(span)
            placesOf[Int(span.spanID.value % UInt64(count))].append(
                SpanIDLocation(spanID: span.spanID, traceID: span.traceID, service: span.service, operation: span.name))
        }
        var parts: [PartialReport] = []
        var traces: [TraceID: Trace] = [:]
        for part in 0..<count {
            let assembled = TraceAssembler().assemble(spansOf[part])
            for trace in assembled { traces[trace.traceID] = trace }
            let report = PartialReport(
                traces: assembled, keyAttributes: Self.options.keyAttributes,
                spanIDsInSeveralTraces: InstrumentationHealth.Tally.spanIDsInSeveralTraces(placesOf[part]))
            // As `build` hands it to `merge`: written down and read back.
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let json = try encoder.encode(report)
            #expect(try encoder.encode(JSONDecoder().decode(PartialReport.self, from: json)) == json)
            parts.append(try JSONDecoder().decode(PartialReport.self, from: json))
        }
        var report = PartialReport(keyAttributes: Self.options.keyAttributes)
        for part in reversed ? parts.reversed() : parts { report.merge(part) }
        let output = try Fixtures.temporaryDirectory("merge").appendingPathComponent("merged")
        try ReportBuilder(templates: TemplateSet()).build(
            report: report, inputs: [], output: output, options: Self.options, pages: TracesByID(traces: traces))
        return output
    }

    @Test(arguments: [(1, false), (2, false), (3, true), (7, false)])
    func theMergedSiteIsTheSiteOfTheWhole(parts: Int, reversed: Bool) throws {
        let expected = try FileManagerListing.tree(Self.whole)
        let found = try FileManagerListing.tree(try merged(parts: parts, reversed: reversed))
        #expect(found.keys.sorted() == expected.keys.sorted())
        for name in expected.keys.sorted() where found[name] != expected[name] { Issue.record("\(name) differs with \(parts) parts") }
        // What makes it a fair test: the sketches left their exact mode, and every hard case is there.
        let summary = try String(contentsOf: Self.whole.appendingPathComponent("summary.json"), encoding: .utf8)
        for check in ["span-ids-across-traces", "outlying-timestamps", "duplicate-spans", "clock-skew", "orphan-spans"] {
            #expect(summary.contains("\"\(check)\""), "no \(check) finding in the generated input")
        }
        let report = PartialReport(
            traces: TraceAssembler().assemble(Self.spans), keyAttributes: [], spanIDsInSeveralTraces: [])
        #expect(report.graph.operations.values.contains { !$0.metrics.latency.isExact })
    }

    @Test func reportsOfPartsMergeTheSameWayRound() {
        let assembled = TraceAssembler().assemble(Self.spans)
        let half = assembled.count / 2
        let first = PartialReport(traces: Array(assembled[..<half]), keyAttributes: ["http.route"], spanIDsInSeveralTraces: [])
        let second = PartialReport(traces: Array(assembled[half...]), keyAttributes: ["http.route"], spanIDsInSeveralTraces: [])
        var forward = first
        forward.merge(second)
        var backward = second
        backward.merge(first)
        #expect(forward.traces == backward.traces)
        #expect(forward.findings.findings == backward.findings.findings)
        for (key, metrics) in forward.graph.operations {
            let other = backward.graph.operations[key]!
            for q in [0.5, 0.9, 0.99, 1] { #expect(metrics.metrics.latency.quantile(q) == other.metrics.latency.quantile(q)) }
            #expect(metrics.metrics.exemplars == other.metrics.exemplars && metrics.selfNano == other.selfNano)
        }
    }
}

/// Pages drawn from traces found by id.
private struct TracesByID: TracePageSource {
    let traces: [TraceID: Trace]

    func page(
        of trace: TraceDigest, at index: Int, reasons: [String], typical: TypicalRequest?, workflow: String, builder: ReportBuilder,
        options: ReportBuilder.Options
    ) throws(ReportError) -> String {
        try builder.pageText(traces[trace.traceID]!, reasons: .known(reasons), typical: typical, workflow: workflow, options: options)
    }

    func profile(of trace: TraceDigest, at index: Int) -> TraceProfile { TraceProfile(traces[trace.traceID]!) }
}
