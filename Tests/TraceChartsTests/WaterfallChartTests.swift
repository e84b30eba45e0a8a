import Foundation
import TestSupport
import Testing
import TraceAssembly
import TraceCharts
import TraceModel
import XMLValidation

struct WaterfallChartTests {
    func trace(_ spans: [Span]) -> Trace { TraceAssembler().assemble(spans)[0] }

    @Test func twoSpansMakeAValidChartWithRulerLegendAndRows() throws {
        let svg = WaterfallChart(
            trace: trace([
                SpanBuilder.span(id: 1, service: "gateway", name: "GET /", start: 0, end: 20),
                SpanBuilder.span(
                    id: 2, parent: 1, service: "db", name: "SELECT", start: 5, end: 15,
                    status: SpanStatus(code: .error, message: "timeout")),
            ])
        ).svg()
        try SVGValidator().validate(svg)
        #expect(svg.contains(">gateway</text>") && svg.contains(">db</text>"))  // legend
        #expect(svg.contains(">10 ms</text>"))  // ruler tick and duration label
        #expect(svg.contains("class=\"row err\""))  // error row marked
        #expect(svg.contains("error: timeout"))  // tooltip
        #expect(svg.components(separatedBy: "<g class=\"row").count - 1 == 2)
    }

    @Test func escapesSpanText() throws {
        let svg = WaterfallChart(
            trace: trace([
                SpanBuilder.span(id: 1, service: "<svc>", name: "<script>alert(1)</script>", start: 0, end: 1)
            ])
        ).svg()
        try SVGValidator().validate(svg)
        #expect(!svg.contains("<script>"))
        #expect(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    }

    @Test func twoThousandSpansStayValidAndIndentationIsCapped() throws {
        let spans = (1...2_000).map { (n: UInt64) -> Span in
            SpanBuilder.span(id: n, parent: n - 1, service: "s\(n % 9)", start: n, end: 5_000 - n)
        }
        let svg = WaterfallChart(trace: trace(spans)).svg()
        try SVGValidator().validate(svg)
        #expect(svg.components(separatedBy: "<g class=\"row").count - 1 == 2_000)
        #expect(!svg.contains("NaN"))
        // Rows are about 300 bytes each: the chart stays proportionate to the trace.
        #expect(svg.utf8.count < 2_000 * 450)
    }

    @Test func zeroDurationTraceStillDraws() throws {
        let svg = WaterfallChart(trace: trace([SpanBuilder.span(id: 1, start: 5, end: 5)])).svg()
        try SVGValidator().validate(svg)
    }
}
