import Foundation
import TestSupport
import Testing
import TraceAnalysis
import TraceAssembly
import TraceCharts
import TraceModel
import XMLValidation

@testable import ReportSite

/// `count` two-span traces over a day: a root in one of 12 services with one of 40 operations, a
/// child in another; one in 50 failed. Durations spread over four decades.
private func dayOfTraces(_ count: Int) -> [Trace] {
    var spans: [Span] = []
    spans.reserveCapacity(2 * count)
    var random = SplitMix64(seed: 7)
    for number in 1...count {
        let trace = UInt64(number)
        let start = UInt64(number) * 864 + random.next() % 800
        let duration = 1 + UInt64(exp(Double(random.next() % 1_000) / 1_000 * log(10_000.0)))
        let failed = number % 50 == 0
        spans.append(
            SpanBuilder.span(
                trace: trace, id: 1, service: "service-\(number % 12)", name: "operation \(number % 40)", start: start,
                end: start + duration, kind: .server, status: failed ? SpanStatus(code: .error, message: "boom") : SpanStatus()))
        spans.append(
            SpanBuilder.span(
                trace: trace, id: 2, parent: 1, service: "service-\((number * 7 + 3) % 12)", name: "child", start: start,
                end: start + duration / 2, kind: .server))
    }
    return TraceAssembler().assemble(spans)
}

private func indexPage(_ assembled: [Trace], all: Bool) throws -> String {
    let traces = assembled.map(TraceDigest.init)
    var policy = TraceSelection.Policy()
    policy.all = all
    if all { (policy.maximumPages, policy.maximumErrorPages) = (.max, .max) }
    let selection = TraceSelection(traces: traces, graph: ServiceGraph(traces: assembled), policy: policy)
    var page = IndexPage(
        title: "t", traces: traces, selection: selection, inputs: [], listOrder: TraceListPage.order(traces))
    page.scatterSVG = IndexPage.scatter(traces: traces, selection: selection, time: .utc).svg()
    return try page.render(templates: TemplateSet()) { $0 }
}

/// The finder's data, decoded as a reader of the page would: rows of (id, start ms, duration µs,
/// root operation, errors, spans, has a page).
private func islandRows(_ index: String) throws -> [(TraceID, UInt64, UInt64, Int, Int, Int, Bool)] {
    let start = try #require(index.range(of: "<script type=\"application/json\" id=\"trace-data\">"))
    let json = index[start.upperBound...].prefix { $0 != "<" }
    let island = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    let ids = try #require(island["ids"] as? String)
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    func column(_ name: String) throws -> [Int] {
        var values: [Int] = []
        var value = 0
        var scale = 1
        for character in try #require(island[name] as? String) {
            let digit = try #require(alphabet.firstIndex(of: character))
            value += (digit % 32) * scale
            if digit >= 32 {
                scale *= 32
            } else {
                values.append(value)
                (value, scale) = (0, 1)
            }
        }
        return values
    }
    func positions(_ name: String) throws -> [Int] {
        var at = -1
        return try column(name).map { step in
            at += step
            return at
        }
    }
    let (dt, us, op, n, ss) = try (column("dt"), column("us"), column("op"), column("n"), column("ss"))
    #expect(ids.utf8.count == 22 * us.count && [dt, op, n, ss].allSatisfy { $0.count == us.count })
    var err = [Int](repeating: 0, count: us.count)
    for (position, count) in zip(try positions("failed"), try column("errors")) { err[position] = count }
    var paged = Set<Int>()
    if island["paged"] is String {
        paged = Set(try positions("paged"))
    } else {
        #expect(island["paged"] as? Bool == true)
        paged = Set(us.indices)
    }
    var rows: [(TraceID, UInt64, UInt64, Int, Int, Int, Bool)] = []
    var clock = try #require(island["t0"] as? Int)
    let characters = Array(ids)
    for row in us.indices {
        clock += dt[row]
        let text =
            String(characters[22 * row..<22 * row + 22]).replacingOccurrences(of: "-", with: "+")
            .replacingOccurrences(of: "_", with: "/") + "=="
        let bytes = try #require(Data(base64Encoded: text))
        rows.append((TraceID(bytes: bytes), UInt64(clock), UInt64(us[row]), op[row], err[row], n[row], paged.contains(row)))
    }
    return rows
}

struct BrowsingTests {
    /// A night of 100,000 traces: the index, with its finder data for every trace, stays under
    /// 5 MB whether the default selection or every trace has a page (the table of paged traces
    /// stops at 1,000 rows and points to the complete list).
    @Test func anIndexOfAHundredThousandTracesStaysUnderFiveMegabytes() throws {
        let traces = dayOfTraces(100_000)
        for all in [false, true] {
            let page = try indexPage(traces, all: all)
            #expect(page.utf8.count < 5_000_000, "index of 100,000 traces (all paged: \(all)): \(page.utf8.count) bytes")
            #expect(try islandRows(page).count == 100_000)
            #expect(page.components(separatedBy: "<tr>").count + page.components(separatedBy: "<tr class=\"err\">").count < 1_200)
            #expect(page.contains("The first 1000 by start time are listed here") == all)
        }
    }

    @Test func theFinderDataHoldsEveryTraceInStartOrder() throws {
        let assembled = dayOfTraces(600)
        let traces = assembled.map(TraceDigest.init)
        var policy = TraceSelection.Policy()
        policy.maximumPages = 40
        let selection = TraceSelection(traces: traces, graph: ServiceGraph(traces: assembled), policy: policy)
        let page = try IndexPage(title: "t", traces: traces, selection: selection, inputs: [], listOrder: TraceListPage.order(traces))
            .render(templates: TemplateSet()) { $0 }
        let rows = try islandRows(page)
        let byStart = traces.indices.sorted {
            (traces[$0].startTimeUnixNano, traces[$0].traceID) < (traces[$1].startTimeUnixNano, traces[$1].traceID)
        }
        #expect(rows.count == traces.count)
        for (row, index) in zip(rows, byStart) {
            let trace = traces[index]
            #expect(row.0 == trace.traceID)
            #expect(row.1 == trace.startTimeUnixNano / 1_000_000)
            #expect(row.2 == trace.durationNano / 1_000)
            #expect(row.4 == trace.errorCount && row.5 == assembled[index].spans.count)
            #expect(row.6 == selection.contains(index))
        }
        #expect(rows.count { $0.6 } == selection.reasons.count && selection.reasons.count < traces.count)
        #expect(IndexPage.base64URL(TraceID(high: .max, low: 0)) == "__________8AAAAAAAAAAA")
        #expect(DataIsland.vlq([0, 31, 32, 1_000_000]) == "AfgBgywe")
    }

    /// 2,300 traces make three list pages: every trace on exactly one, in start order, its operation
    /// linking to its page exactly when it has one; the pager links the neighbours.
    @Test func theCompleteListHoldsEveryTraceOnce() throws {
        let traces = dayOfTraces(2_300)
        let site = try Fixtures.temporaryDirectory("list").appendingPathComponent("report")
        try ReportBuilder(templates: TemplateSet()).build(traces: traces, inputs: [], output: site)
        let names = try FileManager.default.contentsOfDirectory(atPath: site.path).filter { $0.hasPrefix("all-traces-") }.sorted()
        #expect(names == ["all-traces-1.html", "all-traces-2.html", "all-traces-3.html"])
        var seen: [String] = []
        for number in 1...3 {
            let page = try String(contentsOf: site.appendingPathComponent("all-traces-\(number).html"), encoding: .utf8)
            #expect(page.contains("rel=\"prev\"") == (number > 1) && page.contains("rel=\"next\"") == (number < 3))
            for row in page.components(separatedBy: "<td class=\"mono\">").dropFirst() {
                let id = String(row.prefix(32))
                seen.append(id)
                let hasPage = FileManager.default.fileExists(atPath: site.appendingPathComponent("traces/\(id).html").path)
                #expect(row.contains("href=\"traces/\(id).html\"") == hasPage)
            }
        }
        #expect(seen == traces.map(\.traceID.hex))
        let index = try String(contentsOf: site.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(index.contains("<a href=\"all-traces-1.html\">all 2300 traces</a>"))
    }

    @Test func histogramsCountEveryTraceInItsRange() throws {
        let edges = HistogramEdges(logFrom: 1_000, to: 1_000_000, count: 30)
        #expect(edges.count == 30 && edges.edges.first == 1_000 && edges.edges.last == 1_000_001)
        #expect(zip(edges.edges, edges.edges.dropFirst()).allSatisfy { $0 < $1 })
        #expect(edges.range(of: 0) == 0 && edges.range(of: 1_000) == 0 && edges.range(of: 1_000_000) == 29)
        for range in 0..<edges.count {
            #expect(edges.range(of: edges.edges[range]) == range && edges.range(of: edges.edges[range + 1] - 1) == range)
        }
        var random = SplitMix64(seed: 3)
        let values = (0..<20_000).map { _ in 1_000 + random.next() % 999_000 }
        let bars = HistogramChart.bars(values.map { ($0, $0 % 10 == 0) }, edges: edges)
        #expect(bars.reduce(0) { $0 + $1.count } == values.count)
        #expect(bars.reduce(0) { $0 + $1.failed } == values.count { $0 % 10 == 0 })
        // The sketch agrees exactly while exact, and within a range's neighbours once bucketed.
        var small = LatencySketch()
        for value in values.prefix(1_000) { small.add(value) }
        let exactBars = HistogramChart.bars(values.prefix(1_000).map { ($0, false) }, edges: edges)
        #expect(small.histogram(edges: edges) == exactBars.map { UInt64($0.count) })
        var large = LatencySketch()
        for value in values { large.add(value) }
        let counts = large.histogram(edges: edges)
        #expect(counts.reduce(0, +) == UInt64(values.count))
        for range in 0..<edges.count {
            // Only a value within the sketch's 1% of one of the range's edges may land on the other side.
            let (lower, upper) = (Double(edges.edges[range]), Double(edges.edges[range + 1]))
            let nearEdges = values.count { value in
                [lower, upper].contains { abs(Double(value) - $0) <= 0.0101 * $0 }
            }
            #expect(abs(Int(counts[range]) - bars[range].count) <= nearEdges, "range \(range): \(counts[range]) vs \(bars[range].count)")
        }
        try SVGValidator().validate(HistogramChart(bars: bars, size: .full, label: "a <b> & c").svg())
        try SVGValidator().validate(HistogramChart(bars: bars, size: .row, label: "x").svg())
    }

    @Test func aBaseURLGivesSummaryLinksAbsoluteURLs() throws {
        #expect(SiteSummary.baseURL("https://reports.example.com/nightly") == "https://reports.example.com/nightly/")
        #expect(SiteSummary.baseURL("http://h/") == "http://h/")
        for bad in ["ftp://h/", "/relative/", "reports", "https://h/?q=1", "https://h/#top", "javascript:alert(1)", "https:///x"] {
            #expect(SiteSummary.baseURL(bad) == nil, "\(bad)")
        }
        let traces = dayOfTraces(50)
        let site = try Fixtures.temporaryDirectory("base").appendingPathComponent("report")
        var options = ReportBuilder.Options()
        options.baseURL = "https://reports.example.com/n/"
        let summary = try ReportBuilder(templates: TemplateSet()).build(traces: traces, inputs: [], output: site, options: options).summary
        #expect(!summary.pages.isEmpty && summary.pages.allSatisfy { $0.url == "https://reports.example.com/n/" + $0.path })
        #expect(summary.services.allSatisfy { $0.url == "https://reports.example.com/n/" + ($0.path ?? "?") })
        for service in summary.services {
            #expect(FileManager.default.fileExists(atPath: site.appendingPathComponent(service.path ?? "?").path))
        }
        let plain = try ReportBuilder(templates: TemplateSet()).build(traces: traces, inputs: [], output: site, options: .init()).summary
        #expect(plain.baseURL == nil && plain.pages.allSatisfy { $0.url == nil } && !plain.json().contains("\"url\""))
    }
}
