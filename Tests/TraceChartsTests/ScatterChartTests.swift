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

    /// A chart whose times read as the index writes them ("2026-11-24 03:00:00.000").
    static func chart(_ points: [ScatterChart.Point]) -> ScatterChart {
        ScatterChart(points: points, timeZoneName: "UTC") { nanoseconds in
            let seconds = Int(nanoseconds / 1_000_000_000)
            let (hour, minute, second) = (seconds / 3_600 % 24, seconds / 60 % 60, seconds % 60)
            func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
            return "2026-11-\(two(24 + seconds / 86_400 % 5)) \(two(hour)):\(two(minute)):\(two(second)).000"
        }
    }

    /// The x of every dot, and the plot's ends (where its grid lines begin and end).
    static func dotXs(_ svg: String) -> [Double] {
        svg.components(separatedBy: "<rect class=\"dot").dropFirst().compactMap { piece in
            piece.components(separatedBy: "x=\"").dropFirst().first.flatMap { Double($0.prefix { $0 != "\"" }) }.map { $0 + 2 }
        }
    }

    @Test func farOutliersAreDrawnApartAndTheRestFillsThePlot() throws {
        // A night of 500 traces every minute, one dated 1970 and one lasting 2^64−1 ns.
        var points = (0..<500).map { index in
            ScatterChart.Point(
                startUnixNano: 1_795_478_400_000_000_000 + UInt64(index) * 60_000_000_000, durationNano: UInt64(1_000_000 + index * 7_919),
                failed: false, page: nil, label: "trace \(index)")
        }
        points.append(ScatterChart.Point(startUnixNano: 1_000, durationNano: 5_000_000, failed: true, page: nil, label: "1970"))
        points.append(
            ScatterChart.Point(startUnixNano: 1_795_478_400_000_000_000, durationNano: .max, failed: false, page: nil, label: "forever"))
        let svg = Self.chart(points).svg()
        try SVGValidator().validate(svg)
        #expect(svg.contains(">‹ 1</text>") && svg.contains(">1 longer</text>"))
        #expect(!svg.contains(" ›</text>") && !svg.contains("shorter</text>"))
        // The night spans the plot (from its left end, past the outlier strip, to its right end).
        let xs = Self.dotXs(svg).sorted()
        let plotLeft = ScatterChart.left + ScatterChart.strip
        let plotRight = ScatterChart.width - ScatterChart.right
        #expect(xs.first! < plotLeft)
        #expect(abs(xs[1] - plotLeft) < 1 && abs(xs.last! - plotRight) < 1)
        // Round durations on the axis: 1 ms to 10 ms, no line at the outlier's 584 years.
        #expect(svg.contains(">1 ms</text>") && !svg.contains(" y</text>"))
        // Without outliers, nothing is set apart.
        let plain = Self.chart(Array(points.prefix(500))).svg()
        #expect(!plain.contains("class=\"break\"") && !plain.contains("longer</text>"))
        // Axis titles.
        #expect(plain.contains(">Trace duration (log scale)</text>") && plain.contains(">Trace start (UTC)</text>"))
    }

    @Test func timeTicksFallOnRoundTimes() {
        let midnight: UInt64 = 1_795_478_400_000_000_000
        let hour: UInt64 = 3_600_000_000_000
        // Eight hours and a bit: a tick every hour... at most eight.
        let night = ScatterChart.timeTicks(first: midnight + 1, last: midnight + 8 * hour + 5)
        #expect(night.step == 2 * hour && night.ticks == [2, 4, 6, 8].map { midnight + $0 * hour })
        // Two minutes: every 30 seconds.
        let short = ScatterChart.timeTicks(first: midnight, last: midnight + 120_000_000_000)
        #expect(short.step == 30_000_000_000 && short.ticks.count == 5)
        // One instant: one tick, or none; never a trap, even at the end of time.
        #expect(ScatterChart.timeTicks(first: midnight, last: midnight).ticks == [midnight])
        #expect(ScatterChart.timeTicks(first: .max - 5, last: .max).ticks.isEmpty)
        #expect(ScatterChart.timeTicks(first: 0, last: .max).ticks.count <= 9)
    }

    @Test func theDensityGridSaysWhatItsShadesMean() throws {
        let svg = Self.chart(Self.points(4_000, pages: 0)).svg()
        #expect(svg.contains(">traces a cell:</text>") && svg.contains(">100+</text>"))
        #expect([1, 3, 4, 9, 10, 31, 32, 99, 100, 10_000].map(ScatterChart.shade) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
    }

    @Test func dotsLinkToPagesAndValidate() throws {
        let svg = Self.chart(Self.points(200, pages: 10)).svg()
        try SVGValidator().validate(svg)
        #expect(svg.components(separatedBy: "<rect class=\"dot").count - 1 == 200)
        #expect(svg.components(separatedBy: "<a href=\"traces/").count - 1 == 10)
        #expect(svg.contains("class=\"dot err\"") && svg.contains("trace &lt;3&gt;"))
    }

    @Test func manyTracesBecomeADensityGridThatStaysSmall() throws {
        // 5,883 of them failed; the 30 with a page are drawn first among the 1,000 failed dots.
        var points = Self.points(100_000, pages: 0)
        for index in stride(from: 49_997, to: 50_507, by: 17) { points[index].page = "traces/\(String(repeating: "0", count: 32)).html" }
        let svg = Self.chart(points).svg()
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
