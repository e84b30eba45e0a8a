import Foundation
import TestSupport
import Testing
import TraceAssembly
import TraceCharts
import TraceModel

@testable import ReportSite

/// The built-in trace page is put together from pieces cut out of the template once; it must
/// give, byte for byte, what Mustache gives.
struct TemplatePlanTests {
    @Test func theBuiltInTracePageGivesWhatMustacheGives() throws {
        let templates = try TemplateSet()
        let plan = try #require(templates.tracePlan)
        var generator = SyntheticTraces()
        var spans = (0..<60).flatMap { _ in generator.nextTrace() }
        // A hostile name, and a trace with a warning (the template's one list).
        spans[0].name = "<script>alert('x')</script> & \u{FFFF}"
        spans.append(SpanBuilder.span(trace: 999, id: 1, parent: 42, start: 0, end: 5))
        let traces = TraceAssembler().assemble(spans)
        #expect(traces.contains { !$0.warnings.isEmpty } && traces.contains { $0.errorCount > 0 })
        var compared = 0
        for (number, trace) in traces.enumerated() {
            // Every combination of site or standalone, reasons or none, span list or text.
            var page = TracePage(trace: trace, expandableListLimit: number % 2 == 0 ? 2_000 : 5)
            page.standalone = number % 3 == 0
            page.reasons = number % 5 == 0 ? [] : ["slowest <of> its kind"]
            page.siteTitle = "Night & day"
            let planned = page.render(waterfallSVG: "<svg>w</svg>", graphSVG: "<svg>g</svg>", templates: templates, plan: plan)
            let rendered = page.render(waterfallSVG: "<svg>w</svg>", graphSVG: "<svg>g</svg>", templates: templates, plan: nil)
            #expect(planned == rendered, "trace \(trace.traceID)")
            compared += 1
        }
        #expect(compared == traces.count)
    }

    @Test func aTracePageTemplateOfOnesOwnIsRenderedByMustache() throws {
        let folder = try Fixtures.temporaryDirectory("own-trace-template")
        try "<p>{{rootService}}</p>".write(to: folder.appendingPathComponent("trace.html.mustache"), atomically: true, encoding: .utf8)
        #expect(try TemplateSet(overrides: folder).tracePlan == nil)
        let other = try Fixtures.temporaryDirectory("own-css")
        try "body{}".write(to: other.appendingPathComponent("style.css"), atomically: true, encoding: .utf8)
        #expect(try TemplateSet(overrides: other).tracePlan != nil)
    }

    /// Every value of the trace page is escaped once, where it is made: a template of one's own
    /// may insert it with `{{name}}`, as other templates do, or `{{{name}}}`, and gets it once.
    @Test func aTracePageTemplateOfOnesOwnEscapesValuesOnceEitherWay() throws {
        let folder = try Fixtures.temporaryDirectory("own-trace-values")
        try "{{% CONTENT_TYPE:HTML}}\n<p>{{rootService}}|{{{rootService}}}|{{rootName}}|{{siteTitle}}</p>".write(
            to: folder.appendingPathComponent("trace.html.mustache"), atomically: true, encoding: .utf8)
        let ignored = try TemplateSet(overrides: folder)
        try "<p>{{rootService}}|{{{rootService}}}|{{rootName}}|{{siteTitle}}</p>".write(
            to: folder.appendingPathComponent("trace.html.mustache"), atomically: true, encoding: .utf8)
        let templates = try TemplateSet(overrides: folder)
        let trace = TraceAssembler().assemble([
            SpanBuilder.span(id: 1, service: "<b>cart & \"co\"</b>", name: "GET /<script>'x'</script>", start: 0, end: 5)
        ])[0]
        var page = TracePage(trace: trace, expandableListLimit: 2_000)
        page.siteTitle = "Night & day"
        let html = page.render(waterfallSVG: "<svg/>", graphSVG: "<svg/>", templates: templates)
        let service = Markup.escape("<b>cart & \"co\"</b>")
        #expect(html == "<p>\(service)|\(service)|\(Markup.escape("GET /<script>'x'</script>"))|Night &amp; day</p>", "\(html)")
        // A template that names its own content type keeps Mustache's escaping on top.
        let twice = page.render(waterfallSVG: "<svg/>", graphSVG: "<svg/>", templates: ignored)
        #expect(twice.contains("&amp;lt;b&amp;gt;"))
    }

    @Test func piecesAreCutAtTheMarkers() {
        let text = "a" + TemplatePlan.marker(3) + "bc" + TemplatePlan.marker(0) + Markup.escape(TemplatePlan.marker(12)) + "x"
        #expect(TemplatePlan.cut(text) == [.text("a"), .value(3), .text("bc"), .value(0), .escapedValue(12), .text("x")])
        // A marker changed by the template (cut short, or a value used as more than text), or
        // text that could be taken for one, cannot be planned.
        #expect(TemplatePlan.cut("a\u{FFFF}\u{FFFE}3") == nil)
        #expect(TemplatePlan.cut("a\u{FFFD}x") == nil)
        #expect(TemplatePlan.cut("a" + String(TemplatePlan.marker(3).reversed())) == nil)
    }

    /// Every planned partial (rows, and the trace page's tables) gives what Mustache gives, for every combination of its
    /// switches and hostile values (escaped where the partial escapes them, once).
    @Test(arguments: PlannedPartial.all.map(\.name))
    func plannedPartialsGiveWhatMustacheGives(name: String) throws {
        let templates = try TemplateSet()
        let row = try #require(PlannedPartial.all.first { $0.name == name })
        let plan = templates.plan(row)
        let switchCount = row.names.switches.count
        let hostile = ["<b>a & \"b\"</b>", "'x'", "\u{FFFF}\u{1}é", "", "12", "../services/x.html"]
        for combination in 0..<(1 << switchCount) {
            let switches = (0..<switchCount).map { combination & (1 << $0) != 0 }
            // Markup tracereport made (a histogram, rows already rendered) is inserted as it is;
            // every other value is text.
            let markup: Set = ["histogram", "rows", "serviceRows", "operationRows"]
            let values = row.names.values.indices.map {
                markup.contains(row.names.values[$0]) ? "<tr/>" : hostile[($0 + combination) % hostile.count] + "\($0)"
            }
            var planned = ""
            plan.append(values: values, switches: switches, to: &planned)
            #expect(planned == plan.rendered(values: values, switches: switches), "\(name) \(switches)")
            #expect(!planned.contains("<b>a &"), "\(name): a value was not escaped")
        }
    }

    /// A row partial of one's own replaces the built-in one; one holding the markers'
    /// characters is rendered by Mustache, with the same result.
    @Test func aRowPartialOfOnesOwnIsPlannedUnlessItHoldsTheMarkers() throws {
        let folder = try Fixtures.temporaryDirectory("own-row")
        try "<tr><td>{{name}}</td><td>{{{name}}}</td>{{#paged}}<td>{{path}}</td>{{/paged}}</tr>\n".write(
            to: folder.appendingPathComponent("list-row.mustache"), atomically: true, encoding: .utf8)
        let names = TraceListPage.row.names
        var values = names.values.map { _ in "v" }
        values[names.values.firstIndex(of: "name")!] = "<i>&</i>"
        values[names.values.firstIndex(of: "path")!] = "traces/x.html"
        let switches = names.switches.map { $0 == "paged" }
        let own = try TemplateSet(overrides: folder).plan(TraceListPage.row)
        #expect(
            own.render(values: values, switches: switches)
                == "<tr><td>&lt;i&gt;&amp;&lt;/i&gt;</td><td><i>&</i></td><td>traces/x.html</td></tr>")
        try "<tr><td>\u{FFFD}\u{FFFD}0\u{FFFD}{{name}}</td></tr>".write(
            to: folder.appendingPathComponent("list-row.mustache"), atomically: true, encoding: .utf8)
        let marked = try TemplateSet(overrides: folder).plan(TraceListPage.row)
        #expect(marked.render(values: values, switches: switches) == "<tr><td>\u{FFFD}\u{FFFD}0\u{FFFD}&lt;i&gt;&amp;&lt;/i&gt;</td></tr>")
    }
}
