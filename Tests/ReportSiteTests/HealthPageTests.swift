import Foundation
import TestSupport
import Testing
import TraceAnalysis
import TraceModel

@testable import ReportSite

/// `health.html` and the `health` section of summary.json, on a site with planted mistakes.
struct HealthPageTests {
    @Test func findingsAreListedWithAdviceAndLinkedExamples() throws {
        var spans: [Span] = []
        for trace in 1...30 as ClosedRange<UInt64> {
            let base = trace * 1_000
            spans.append(
                SpanBuilder.span(
                    trace: trace, id: trace * 10 + 1, service: "web", name: "GET /", start: base, end: base + 50, kind: .server))
            // Three traces lost the web span's child's parent: orphans named <b>…
            spans.append(
                SpanBuilder.span(
                    trace: trace, id: trace * 10 + 2, parent: trace <= 3 ? 999 : trace * 10 + 1, service: "db <b>", name: "SELECT",
                    start: base + 1,
                    end: base + 2, kind: .client))
        }
        let site = try buildSite(spans)
        let page = try String(contentsOf: site.appendingPathComponent(HealthPage.path), encoding: .utf8)
        #expect(page.contains("<section class=\"finding\" id=\"orphan-spans\">"))
        #expect(page.contains(InstrumentationHealth.Check.orphanSpans.title) && page.contains("parent-based sampler"))
        #expect(page.contains("db &lt;b&gt;: SELECT") && !page.contains("db <b>"))
        // Each example links to its page, which exists: examples get pages of their own.
        let links = page.components(separatedBy: "<a href=\"traces/").dropFirst().map { String($0.prefix(32)) }
        #expect(links.count >= 3)
        for id in links {
            #expect(FileManager.default.fileExists(atPath: site.appendingPathComponent("traces/\(id).html").path))
        }
        let summary = try SiteSummary.read(from: site.appendingPathComponent(SiteSummary.fileName))
        let orphans = try #require(summary.health?.findings.first { $0.check == "orphan-spans" })
        #expect(orphans.count == 3 && orphans.severity == "warning" && orphans.rows[0].total == 30)
        #expect(Set(orphans.rows[0].examples) == Set(links.prefix(3)))
        #expect(summary.pages.filter { $0.reasons.contains("example of a health finding") }.count >= 3)
        let index = try String(contentsOf: site.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(index.contains("<a href=\"health.html\">Instrumentation health:"))
    }
}
