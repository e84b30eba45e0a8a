import Foundation
import TestSupport
import Testing
import TraceAnalysis
import TraceAssembly
import TraceModel

@testable import ReportSite

/// summary.json, selection on a site, the comparison with a baseline, and the incident page.
struct SummaryAndBaselineTests {
    static func traces(seed: UInt64 = 5, slowdown: [String: Double] = [:], count: Int = 600) -> [Trace] {
        var generator = SyntheticTraces(options: .init(seed: seed, slowdown: slowdown))
        return TraceAssembler().assemble((0..<count).flatMap { _ in generator.nextTrace() })
    }

    static func site(_ traces: [Trace], options: ReportBuilder.Options = .init()) throws -> (URL, ReportBuilder.Outcome) {
        let output = try Fixtures.temporaryDirectory("summary").appendingPathComponent("report")
        let outcome = try ReportBuilder(templates: TemplateSet()).build(
            traces: traces, inputs: [.init(path: "night.jsonl", byteCount: 1, spanCount: 0, format: "OTLP JSON")], output: output,
            options: options)
        return (output, outcome)
    }

    @Test func summaryCountsEveryTraceAndListsThePagesWithTheirReasons() throws {
        let traces = Self.traces()
        var options = ReportBuilder.Options()
        options.title = "Nightly"
        options.time = try #require(TimeDisplay(identifier: "Asia/Tokyo"))
        options.selection.slowestPerOperation = 1
        options.selection.percentiles = false
        options.selection.hopExemplars = false
        options.selection.healthExamples = false
        let (site, outcome) = try Self.site(traces, options: options)
        let summary = try SiteSummary.read(from: site.appendingPathComponent("summary.json"))
        #expect(summary == outcome.summary)
        #expect(summary.title == "Nightly")
        #expect(summary.totals.traces == 600)
        #expect(summary.totals.spans == traces.reduce(0) { $0 + $1.spans.count })
        let failed = traces.count { $0.errorCount > 0 }
        #expect(summary.totals.tracesWithErrors == failed)
        #expect(summary.totals.pages == summary.pages.count)
        #expect(summary.pages.count == Set(summary.pages.map(\.traceID)).count)
        #expect(summary.pages.count >= failed && summary.pages.count <= failed + 5)
        #expect(summary.pages.allSatisfy { !$0.reasons.isEmpty })
        let files = try FileManager.default.contentsOfDirectory(atPath: site.appendingPathComponent("traces").path)
        #expect(files.count == summary.pages.count)
        // Every operation of every trace counts, not only those with pages.
        let charges = traces.flatMap(\.spans).count { $0.name == "POST /charge" && $0.kind == .server }
        #expect(summary.operations.first { $0.operation == "POST /charge" }?.latency.count == charges)

        let index = try String(contentsOf: site.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(index.contains("<b>600</b> traces read") && index.contains("<b>\(summary.pages.count)</b> with a page"))
        #expect(index.contains("has errors") && index.contains("slowest of its operation"))
        #expect(index.contains("frontend</a>: GET /search"))  // the entry-point table, linking the service
        #expect(index.contains("<h1>Nightly</h1>") && index.contains("Start (Asia/Tokyo)"))
        let page = try String(contentsOf: site.appendingPathComponent(summary.pages[0].path), encoding: .utf8)
        #expect(page.contains(">Nightly</a>") && page.contains("</b> Asia/Tokyo</li>") && page.contains("page made because:"))
    }

    @Test func summaryIsTheSameBytesForTheSameInput() throws {
        var generator = SyntheticTraces(options: .init(seed: 9))
        let spans = (0..<100).flatMap { _ in generator.nextTrace() }
        let first = try String(
            contentsOf: Self.site(TraceAssembler().assemble(spans)).0.appendingPathComponent("summary.json"), encoding: .utf8)
        let second = try String(
            contentsOf: Self.site(TraceAssembler().assemble(spans.reversed())).0.appendingPathComponent("summary.json"), encoding: .utf8)
        #expect(first == second)
        #expect(first.hasPrefix("{\n  \"edges\" : ["))
    }

    @Test func anotherVersionIsRefusedWithAReason() throws {
        let (site, _) = try Self.site(Self.traces(count: 20))
        let url = site.appendingPathComponent("summary.json")
        let text = try String(contentsOf: url, encoding: .utf8).replacingOccurrences(of: "\"version\" : 1", with: "\"version\" : 99")
        let changed = try Fixtures.temporaryDirectory("summary").appendingPathComponent("v99.json")
        try Data(text.utf8).write(to: changed)
        #expect(throws: ReportError.self) { try SiteSummary.read(from: changed) }
        do {
            _ = try SiteSummary.read(from: changed)
        } catch {
            #expect(error.description.contains("version 99"))
        }
    }

    @Test func anOperationMadeTwiceAsSlowIsTheOneRegressionReported() throws {
        let baseline = try Self.site(Self.traces()).1.summary
        var options = ReportBuilder.Options()
        options.baseline = baseline
        let (site, outcome) = try Self.site(Self.traces(slowdown: ["merge hits": 2]), options: options)
        let comparison = try #require(outcome.comparison)
        #expect(Set(comparison.latency.map(\.subject.name)) == ["search: merge hits"])
        #expect(comparison.latency.allSatisfy { $0.direction == .regression && $0.ratio > 1.7 && $0.ratio < 2.3 })
        #expect(comparison.errorRates.isEmpty && comparison.newSubjects.isEmpty && comparison.vanishedSubjects.isEmpty)
        #expect(comparison.hasRegressions)
        for page in ["index.html", "services.html"] {
            let html = try String(contentsOf: site.appendingPathComponent(page), encoding: .utf8)
            #expect(html.contains("Changes since the baseline") && html.contains("search: merge hits") && html.contains("p95 slower"))
        }

        // The same input against itself: nothing to report.
        let same = BaselineComparison(baseline: baseline, current: baseline)
        #expect(same.isEmpty && !same.hasRegressions)
    }

    @Test func newAndVanishedServicesAndFailuresAreReported() throws {
        let before = try Self.site(Self.traces(count: 300)).1.summary
        var after = before
        after.services.removeAll { $0.name == "email" }
        after.services.append(.init(name: "fraud-check", virtual: false))
        after.operations = after.operations.map { operation in
            var operation = operation
            if operation.operation == "POST /charge" { operation.latency.errors = operation.latency.count / 2 }
            return operation
        }
        let comparison = BaselineComparison(baseline: before, current: after)
        #expect(comparison.newServices == ["fraud-check"] && comparison.vanishedServices == ["email"])
        #expect(comparison.errorRates.map(\.subject.name) == ["payments: POST /charge"])
        #expect(comparison.hasRegressions)
    }

    @Test func anIncidentPageStandsAloneAndLoadsNothing() throws {
        let traces = Self.traces(count: 10)
        let builder = ReportBuilder(templates: try TemplateSet())
        let html = try builder.incidentPage(traces[0], path: "incident.html")
        #expect(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"waterfall\""))
        #expect(html.contains("class=\"graph\""))
        #expect(html.contains("Content-Security-Policy") && html.contains("default-src 'none'"))
        #expect(!html.contains("../"))
        #expect(!html.contains(" src="))
        #expect(!html.contains("@import"))
        // Every link stays inside the page.
        let hrefs = html.components(separatedBy: "href=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(!hrefs.isEmpty && hrefs.allSatisfy { $0.hasPrefix("#") })
    }
}
