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
        let text = "a" + TemplatePlan.marker(3) + "bc" + TemplatePlan.marker(0) + TemplatePlan.marker(12)
        #expect(TemplatePlan.cut(text) == [.text("a"), .value(3), .text("bc"), .value(0), .value(12)])
    }
}
