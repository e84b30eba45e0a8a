import Foundation
import TestSupport
import Testing
import TraceAnalysis
import TraceAssembly
import TraceModel
import XMLValidation

@testable import TraceCharts

/// The chart of two critical paths side by side: valid SVG whatever the names, each drawn
/// operation in both bars, widths in proportion to the time.
struct ComparisonChartTests {
    static func trace(_ id: UInt64, slowName: String, slow: UInt64) -> Trace {
        let spans = [
            SpanBuilder.span(trace: id, id: 1, service: "web", name: "GET /", start: 0, end: 10 + slow, kind: .server),
            SpanBuilder.span(trace: id, id: 2, parent: 1, service: "db <&\"'>", name: slowName, start: 5, end: 5 + slow, kind: .client),
        ]
        return TraceAssembler().assemble(spans)[0]
    }

    @Test func validAndProportionedWhateverTheNames() throws {
        let name = "SELECT \"x\" <script>alert(1)</script> ]]> --"
        let comparison = TraceComparison(Self.trace(1, slowName: name, slow: 900), with: Self.trace(2, slowName: name, slow: 90))
        let svg = ComparisonChart(comparison, otherLabel: "Typical <request>").svg()
        try SVGValidator().validate(svg)
        #expect(!svg.contains("<script>") && svg.contains("&lt;script&gt;"))
        // The slow operation's segment in each bar: 900 ms against 90 ms, one scale.
        let widths = svg.components(separatedBy: "<rect class=\"c0\" ").dropFirst().prefix(2).compactMap { part -> Double? in
            guard let range = part.range(of: "width=\"") else { return nil }
            return Double(part[range.upperBound...].prefix { $0 != "\"" })
        }
        #expect(widths.count == 2)
        #expect(abs(widths[0] / widths[1] - 10) < 0.01)
        // The waterfall by operation: both operations, each in both traces (the other's outlined).
        #expect(svg.components(separatedBy: "<rect class=\"typ\"").count - 1 == 2)
        #expect(svg.contains(">web: GET /</text>"))
    }

    @Test func nothingToDrawStillValid() throws {
        let same = Self.trace(1, slowName: "q", slow: 0)
        try SVGValidator().validate(ComparisonChart(TraceComparison(same, with: same), otherLabel: "Typical request").svg())
    }
}
