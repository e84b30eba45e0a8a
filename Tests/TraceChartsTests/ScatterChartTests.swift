import Foundation
import Testing
import XMLValidation

@testable import TraceCharts

/// The index's duration-over-time plot.
struct ScatterChartTests {
    static func points(_ count: Int, pages: Int) -> [ScatterChart.Point] {
        (0..<count).map { index in
            ScatterChart.Point(
                startUnixNano: 1_795_478_400_000_000_000 + UInt64(index) * 1_000_000,
                durationNano: UInt64(1_000 + index * 997 % 50_000_000),
                failed: index % 17 == 0, page: index < pages ? "traces/\(String(repeating: "0", count: 31))\(index % 10).html" : nil,
                label: "trace <\(index)>")
        }
    }

    @Test func dotsLinkToPagesAndValidate() throws {
        let svg = ScatterChart(points: Self.points(200, pages: 10), firstLabel: "start", lastLabel: "end").svg()
        try SVGValidator().validate(svg)
        #expect(svg.components(separatedBy: "<rect class=\"dot").count - 1 == 200)
        #expect(svg.components(separatedBy: "<a href=\"traces/").count - 1 == 10)
        #expect(svg.contains("class=\"dot err\"") && svg.contains("trace &lt;3&gt;"))
    }

    @Test func manyTracesBecomeADensityGridThatStaysSmall() throws {
        // 5,883 of them failed; the 30 with a page are drawn first among the 1,000 failed dots.
        var points = Self.points(100_000, pages: 0)
        for index in stride(from: 49_997, to: 50_507, by: 17) { points[index].page = "traces/\(String(repeating: "0", count: 32)).html" }
        let svg = ScatterChart(points: points, firstLabel: "a", lastLabel: "b").svg()
        try SVGValidator().validate(svg)
        #expect(svg.contains("<g class=\"density\">"))
        #expect(svg.components(separatedBy: "<rect class=\"dot err\"").count - 1 == ScatterChart.maximumFailedDots)
        #expect(svg.components(separatedBy: "<a href=").count - 1 == 30)
        #expect(svg.utf8.count < 700_000)
    }

    @Test func theGrammarRefusesLinksOutOfTheSite() {
        for href in ["javascript:alert(1)", "https://example.com/", "../traces/0.html", "traces/x.html"] {
            let svg =
                #"<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1" viewBox="0 0 1 1"><a href=""# + href
                + #""><rect x="0" y="0" width="1" height="1"/></a></svg>"#
            #expect(throws: SVGValidationError.self) { try SVGValidator().validate(svg) }
        }
    }
}

/// The duration axis is labelled at round durations, within the plot, whatever the range.
struct ScatterAxisTests {
    @Test func ticksAreRoundAndInsideTheRange() {
        // 1 ms to 3.16 s: powers of ten only.
        #expect(ScatterChart.durationTicks(logLow: 6, logRange: 3.5) == [1_000_000, 10_000_000, 100_000_000, 1_000_000_000])
        // 22 ms to 2.33 s: two decades, with 2× and 5×.
        let narrow = ScatterChart.durationTicks(logLow: log10(22e6), logRange: log10(2.33e9) - log10(22e6))
        #expect(narrow == [50_000_000, 100_000_000, 200_000_000, 500_000_000, 1_000_000_000, 2_000_000_000])
        // 1 ns to 2^64−1 ns: at most seven lines, none past the largest duration.
        let wide = ScatterChart.durationTicks(logLow: 0, logRange: log10(Double(UInt64.max)))
        #expect(wide.count <= 7 && wide.first == 1 && wide.allSatisfy { $0 <= UInt64.max })
        // One duration only (the axis is one decade tall): still some lines.
        #expect(!ScatterChart.durationTicks(logLow: 7, logRange: 1).isEmpty)
    }
}
