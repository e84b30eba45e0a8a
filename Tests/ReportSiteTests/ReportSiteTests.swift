import Foundation
import TestSupport
import Testing
import TraceAssembly
import TraceCharts
import TraceImport
import TraceModel
import XMLValidation

@testable import ReportSite

/// Builds a site from `spans` into a new temporary folder and returns the folder.
func buildSite(_ spans: [Span], templates: TemplateSet? = nil, into output: URL? = nil) throws -> URL {
    let output = try output ?? Fixtures.temporaryDirectory("site").appendingPathComponent("report")
    try ReportBuilder(templates: templates ?? TemplateSet()).build(
        traces: TraceAssembler().assemble(spans),
        inputs: [.init(path: "in.jsonl", byteCount: 1, spanCount: spans.count, format: "OTLP JSON")],
        output: output)
    return output
}

/// The spans of the bundled samples.
func sampleSpans() throws -> [Span] {
    var spans: [Span] = []
    for file in try InputFiles.expand([Fixtures.repositoryRoot.appendingPathComponent("samples").path]) {
        _ = try SpanFileReader().read(file, into: &spans)
    }
    return spans
}

struct ReportSiteTests {
    @Test func hostileTextIsEscapedOnThePage() throws {
        let hostile = SpanBuilder.span(
            id: 1, service: "svc</style><script>alert(3)</script>", name: "<script>alert(1)</script>", start: 0, end: 5,
            status: SpanStatus(code: .error, message: "</td><img src=x onerror=alert(4)>"),
            attributes: [Attribute(key: "<b>key</b>", value: .string("\"><img src=x onerror=alert(2)>"))])
        let site = try buildSite([hostile])
        let page = try String(contentsOf: site.appendingPathComponent("traces/\(hostile.traceID).html"), encoding: .utf8)
        let index = try String(contentsOf: site.appendingPathComponent("index.html"), encoding: .utf8)
        let templates = try TemplateSet()
        // The only scripts are the pages' own (and the index's JSON data island); no input made another.
        #expect(page.components(separatedBy: "<script").count == 2 && page.contains("<script>\(templates.traceScript)</script>"))
        #expect(page.components(separatedBy: "</script>").count == 2)
        #expect(index.components(separatedBy: "<script").count == 3 && index.components(separatedBy: "</script>").count == 3)
        #expect(
            index.contains("<script type=\"application/json\" id=\"trace-data\">")
                && index.contains("<script>\(templates.indexScript)</script>"))
        // Inside the data island, markup characters are \u escapes: nothing can close the block.
        #expect(index.contains("svc\\u003c/style\\u003e\\u003cscript\\u003ealert(3)\\u003c/script\\u003e"))
        for html in [page, index] {
            #expect(!html.contains("<img"))
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        }
        #expect(page.contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"))
        #expect(page.contains("&lt;b&gt;key&lt;/b&gt;"))
        #expect(page.contains("&lt;/td&gt;&lt;img src=x onerror=alert(4)&gt;"))
        #expect(page.components(separatedBy: "</style>").count == 2)  // only the page's own stylesheet closes
    }

    @Test func pagesAreSelfContainedWithAPinnedStylesheet() throws {
        let site = try buildSite(try sampleSpans())
        let templates = try TemplateSet()
        let pages = try FileManagerListing.tree(site).filter { $0.key.hasSuffix(".html") }
        // index, the list of all traces, services, health, patterns, workflows, 8 traces (5 in OTLP
        // JSON, 3 more in the other formats) and 7 service pages (4 services, 3 databases named from
        // their callers)
        #expect(pages.count == 21)
        for (path, data) in pages {
            let html = String(decoding: data, as: UTF8.self)
            // The services, health, patterns and workflows pages have the table sorter and graph script, trace pages the
            // waterfall script, the index the trace finder, each pinned by its hash; the list pages have none.
            let script: String? =
                path.hasSuffix("/services.html") || path.contains("/services/") || path.hasSuffix("/health.html")
                    || path.hasSuffix("/patterns.html") || path.hasSuffix("/workflows.html")
                ? templates.tablesScript
                : path.contains("/traces/") ? templates.traceScript : path.contains("/all-traces-") ? nil : templates.indexScript
            let policy = ContentSecurityPolicy.policy(forInlineStyle: templates.css, inlineScript: script)
            #expect(html.contains(#"<meta http-equiv="Content-Security-Policy" content="\#(policy)">"#), "\(path)")
            #expect(html.contains("<style>\(templates.css)</style>"), "\(path)")
            #expect(html.range(of: #"(src|href)\s*=\s*"(https?:)?//"#, options: .regularExpression) == nil, "\(path)")
            // One script, plus the index's JSON data island (never executed).
            let islands = html.components(separatedBy: "<script type=\"application/json\"").count - 1
            #expect(html.components(separatedBy: "<script").count - 1 - islands == (script == nil ? 0 : 1), "\(path)")
            if let script { #expect(html.contains("<script>\(script)</script>")) }
        }
        #expect(ContentSecurityPolicy.policy(forInlineStyle: templates.css).hasPrefix("default-src 'none'; style-src 'sha256-"))
    }

    @Test func indexListsTracesByStartAndLinksTheirPages() throws {
        let site = try buildSite(try sampleSpans())
        let index = try String(contentsOf: site.appendingPathComponent("index.html"), encoding: .utf8)
        let links = index.components(separatedBy: "<td class=\"mono nowrap\"><a href=\"").dropFirst().map {
            $0.prefix(while: { $0 != "\"" })
        }
        #expect(links.count == 8)
        for link in links {
            #expect(FileManager.default.fileExists(atPath: site.appendingPathComponent(String(link)).path))
        }
        #expect(index.contains("2026-11-24 02:00:00.000"))
        #expect(index.contains(">incomplete</span>"))
        #expect(index.contains("<span class=\"err-count\">6</span>"))
    }

    @Test func tracePageShowsWaterfallAndExpandableSpans() throws {
        let site = try buildSite(try sampleSpans())
        let page = try String(contentsOf: site.appendingPathComponent("traces/0af7651916cd43dd8448eb211c80319c.html"), encoding: .utf8)
        #expect(page.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"waterfall\""))
        #expect(page.components(separatedBy: "<details id=\"span-").count - 1 == 8)
        #expect(page.contains("stock cache unavailable: dial tcp 10.0.3.7:6379: connection refused"))
        #expect(
            page.contains("<h4>Events</h4>") && page.contains("<h3>Resources</h3>")
                && page.contains("resource <a href=\"#resource-1\">1</a>"))
        #expect(page.contains("db.statement"))
    }

    @Test func twoRunsGiveIdenticalTrees() throws {
        let spans = try sampleSpans()
        let first = try FileManagerListing.tree(try buildSite(spans))
        let second = try FileManagerListing.tree(try buildSite(spans.reversed()))
        // index, list, services, health, patterns, workflows, summary.json, 8 traces, 7 service pages, marker
        #expect(first.count == 23)
        #expect(first == second)
    }

    /// libxml2's own command-line validator, where installed.
    static let xmllint = ["/usr/bin/xmllint", "/usr/local/bin/xmllint"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(.enabled(if: xmllint != nil, "xmllint is not installed (apt-get install libxml2-utils); .ci/run installs it"))
    func everySVGPassesXmllintWithTheProjectSchema() throws {
        let xmllint = try #require(Self.xmllint)
        let site = try buildSite(try sampleSpans())
        let folder = try Fixtures.temporaryDirectory("svg")
        var count = 0
        for (path, data) in try FileManagerListing.tree(site) where path.hasSuffix(".html") {
            let html = String(decoding: data, as: UTF8.self)
            var rest = html[...]
            while let start = rest.range(of: "<svg "), let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex) {
                count += 1
                try Data(rest[start.lowerBound..<end.upperBound].utf8).write(to: folder.appendingPathComponent("\(count).svg"))
                rest = rest[end.upperBound...]
            }
        }
        // A waterfall and a graph per trace page, the site graph, a graph per service page and a
        // latency histogram per traced service (4), the scatter plot, a histogram per entry point
        // (2), and the comparison chart of the one trace slower than its entry point's typical
        // request (32); the timeline: the index's chart, three sparklines per entry point (2) and
        // per traced service (4), a chart per traced service's page (23), and three sparklines
        // per call into or out of a traced service on its page (9 calls: 55 + 27).
        #expect(count == 82)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: xmllint)
        process.arguments =
            ["--noout", "--relaxng", Fixtures.repositoryRoot.appendingPathComponent("Schemas/svg-subset.rng").path]
            + (1...count).map { folder.appendingPathComponent("\($0).svg").path }
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test func templateOverridesReplaceByName() throws {
        let folder = try Fixtures.temporaryDirectory("templates")
        try "body { color: red; }".write(to: folder.appendingPathComponent("style.css"), atomically: true, encoding: .utf8)
        let templates = try TemplateSet(overrides: folder)
        #expect(templates.css == "body { color: red; }")
        let site = try buildSite([SpanBuilder.span(id: 1, start: 0, end: 1)], templates: templates)
        let index = try String(contentsOf: site.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(index.contains("<style>body { color: red; }</style>"))

        try "{{#broken}".write(to: folder.appendingPathComponent("index.html.mustache"), atomically: true, encoding: .utf8)
        #expect(throws: ReportError.self) { try TemplateSet(overrides: folder) }
    }
}

@Test func tracePageShowsCriticalPathAndStatistics() throws {
    let site = try buildSite(try sampleSpans())
    let page = try String(contentsOf: site.appendingPathComponent("traces/4bf92f3577b34da6a3ce929d0e0e4736.html"), encoding: .utf8)
    #expect(page.contains("<h2>Critical path</h2>") && page.contains("<h2>Trace statistics</h2>"))
    #expect(page.contains("<a href=\"#span-") && page.contains("29.0%"))  // INSERT orders: 9 of 31 ms
    #expect(page.components(separatedBy: "<rect class=\"cp\"").count - 1 >= 9)  // legend and sections
    // Inside a site, service names link to their pages.
    #expect(
        page.contains(
            "<td><a href=\"../\(ServicePage.path(for: "order-service"))\">order-service</a></td><td>INSERT orders (commit)</td><td class=\"num\">1</td>"
        ))
}

@Test func servicesPageHasTheGraphAndSlowestHopsSortedByP95() throws {
    let site = try buildSite(try sampleSpans())
    let page = try String(contentsOf: site.appendingPathComponent("services.html"), encoding: .utf8)
    let index = try String(contentsOf: site.appendingPathComponent("index.html"), encoding: .utf8)
    #expect(index.contains("<a href=\"services.html\">"))
    #expect(page.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"graph\""))
    #expect(page.contains("postgresql orders") && page.contains("not traced"))
    // The edge table: the first row is the slowest p95 (the slow checkout, 2.32 s end to end).
    let edgeTable = page.components(separatedBy: "<h2>Slowest hops: caller → callee</h2>")[1].components(separatedBy: "</table>")[0]
    // Each row's numeric cells carry data-v: calls, p50, p95, p99, max, errors.
    let p95s = edgeTable.components(separatedBy: "<tr").dropFirst(2).map { row in
        UInt64(row.components(separatedBy: "data-v=\"")[3].prefix { $0 != "\"" })!
    }
    #expect(p95s.count == 6)
    #expect(p95s == p95s.sorted(by: >))
    #expect(edgeTable.components(separatedBy: "<tr").dropFirst(2).first?.contains(">2.32 s</td>") == true)
    #expect(page.contains("<table class=\"sortable\">") && page.contains("script-src 'sha256-"))
    #expect(edgeTable.contains("<a href=\"traces/b7ad6b7169203331b7ad6b7169203331.html\">max</a>"))
    let tracePage = try String(contentsOf: site.appendingPathComponent("traces/4bf92f3577b34da6a3ce929d0e0e4736.html"), encoding: .utf8)
    #expect(tracePage.contains("<h2>Services in this trace</h2>") && tracePage.contains("<h2>Slowest hops</h2>"))
}

/// A 5,000-span trace: the waterfall is summarised, the span list is text, nothing is lost, and
/// the page stays under 600 bytes a span.
@Test func largeTracePageKeepsEverySpanCompactly() throws {
    var spans = [SpanBuilder.span(id: 1, service: "api", name: "GET /", start: 0, end: 100_000)]
    for n in 2...5_000 {
        spans.append(
            SpanBuilder.span(
                id: UInt64(n), parent: UInt64(n / 2), service: "svc\(n % 7)", name: "op \(n % 13)", start: UInt64(n), end: UInt64(n + 50),
                attributes: [Attribute(key: "db.statement", value: .string("SELECT * FROM t WHERE id = \(n)"))]))
    }
    let site = try buildSite(spans)
    let traceID = spans[0].traceID
    let data = try Data(contentsOf: site.appendingPathComponent("traces/\(traceID).html"))
    let page = String(decoding: data, as: UTF8.self)
    #expect(data.count < 600 * 5_000)
    #expect(page.components(separatedBy: "<g class=\"row").count - 1 <= 2_000)
    #expect(page.contains("<div class=\"spantext\">"))
    for n in [1, 2, 777, 5_000] as [UInt64] {
        #expect(page.contains("<b id=\"span-\(SpanID(n))\">"))
    }
    #expect(page.contains("db.statement = SELECT * FROM t WHERE id = 4999"))
}

/// Without JavaScript the page is the HTML as written: every span's service, name, duration and
/// attributes must be in its details.
@Test func everySpanIsReadableWithoutScript() throws {
    let spans = try sampleSpans()
    let site = try buildSite(spans)
    let traces = TraceAssembler().assemble(spans)
    for trace in traces {
        let page = try String(contentsOf: site.appendingPathComponent("traces/\(trace.traceID).html"), encoding: .utf8)
        for span in trace.spans {
            let details = try #require(page.components(separatedBy: "<details id=\"span-\(span.spanID)\">").dropFirst().first)
                .components(separatedBy: "</details>")[0]
            #expect(details.contains(Markup.escape(span.service)) && details.contains(Markup.escape(span.name)))
            #expect(details.contains(DurationFormat.string(nanoseconds: span.durationNano)))
            for attribute in span.attributes { #expect(details.contains(Markup.escape(attribute.key) + " = ")) }
        }
    }
}

/// `services/<name>.html`: safe, unique file names, and what each page holds.
struct ServicePageTests {
    @Test func fileNamesAreSafeAndUnique() {
        let names = ["orders", "Orders", "orders!", "../../etc/passwd", "名前", String(repeating: "a", count: 300), "a/b", "a-b"]
        let paths = names.map(ServicePage.path(for:))
        #expect(Set(paths).count == names.count)
        for path in paths {
            let file = path.dropFirst("services/".count)
            #expect(path.hasPrefix("services/") && path.hasSuffix(".html"))
            #expect(file.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") })
            #expect(file.count <= 40 + 1 + 8 + 5)
        }
    }

    @Test func asciiNamesGetTheSameSlugByteByByte() {
        var random = SplitMix64(seed: 3)
        for _ in 0..<5_000 {
            let length = Int(random.next(below: 60))
            let name = String(decoding: (0..<length).map { _ in UInt8(random.next(below: 128)) }, as: UTF8.self)
            #expect(ServicePage.asciiSlug(name) == ServicePage.slug(name), "\(Array(name.utf8))")
        }
    }

    @Test func aServicePageShowsItsOperationsNeighboursAndTraces() throws {
        let site = try buildSite(try sampleSpans())
        let page = try String(contentsOf: site.appendingPathComponent(ServicePage.path(for: "order-service")), encoding: .utf8)
        #expect(page.contains("<h1>order-service</h1>"))
        #expect(page.contains("class=\"graph\""))
        #expect(page.contains("<a href=\"../services/api-gateway-") && page.contains("<b>order-service</b>"))
        #expect(page.contains("<h3>Slowest</h3>") && page.contains("href=\"../traces/"))
        let services = try String(contentsOf: site.appendingPathComponent("services.html"), encoding: .utf8)
        #expect(services.contains("href=\"\(ServicePage.path(for: "order-service"))\""))
        let database = try String(contentsOf: site.appendingPathComponent(ServicePage.path(for: "postgresql orders")), encoding: .utf8)
        #expect(database.contains("not traced") && database.contains("known only from its callers"))
    }
}
