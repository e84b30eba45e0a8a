import Foundation
public import TraceModel

/// How durations spread: bars over log-spaced duration ranges, failed calls stacked in red, a
/// tooltip on every bar. Two sizes: a sparkline for a table row (no axes) and a full chart with
/// its range, what its axis is and its tallest bar written out.
public struct HistogramChart: Sendable {
    /// The calls whose duration falls in `lower..<upper`.
    public struct Bar: Sendable, Equatable {
        public var lower: UInt64
        public var upper: UInt64
        public var count: Int
        public var failed: Int

        public init(lower: UInt64, upper: UInt64, count: Int, failed: Int = 0) {
            self.lower = lower
            self.upper = upper
            self.count = count
            self.failed = failed
        }
    }

    public enum Size: Sendable {
        /// 180 × 28, for a table cell.
        case row
        /// 640 × 150, with labels.
        case full
    }

    let bars: [Bar]
    let size: Size
    let label: String

    /// - Parameter label: what is counted, for the chart's title ("traces of checkout: POST /cart").
    public init(bars: [Bar], size: Size, label: String) {
        self.bars = bars
        self.size = size
        self.label = label
    }

    /// Counts `durations` (with whether each failed) into the ranges of `edges`.
    public static func bars(_ durations: some Sequence<(UInt64, Bool)>, edges: HistogramEdges) -> [Bar] {
        var bars = zip(edges.edges, edges.edges.dropFirst()).map { Bar(lower: $0, upper: $1, count: 0) }
        for (duration, failed) in durations {
            let range = edges.range(of: duration)
            bars[range].count += 1
            if failed { bars[range].failed += 1 }
        }
        return bars
    }

    public func svg() -> String {
        let (width, height, top, bottom): (Double, Double, Double, Double) =
            switch size {
            case .row: (180, 28, 2, 0)
            case .full: (640, 150, 16, 18)
            }
        let total = bars.lazy.map(\.count).saturatingSum()
        let tallest = max(1, bars.map(\.count).max() ?? 1)
        let title = "\(Markup.escape(label)): \(total) in \(bars.count) duration ranges"
        var out =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"histogram\" role=\"img\" aria-label=\"\(title)\" "
            + "width=\"\(SVGNumber.format(width))\" height=\"\(SVGNumber.format(height))\" viewBox=\"0 0 \(SVGNumber.format(width)) \(SVGNumber.format(height))\">"
        out += "<title>\(title)</title>"
        let plot = height - top - bottom
        let barWidth = width / Double(max(1, bars.count))
        for (position, bar) in bars.enumerated() where bar.count > 0 {
            // Square-root heights keep a lone slow call visible beside a thousand fast ones.
            let barHeight = max(1, (Double(bar.count) / Double(tallest)).squareRoot() * plot)
            let failedHeight = bar.failed == 0 ? 0 : max(1, barHeight * Double(bar.failed) / Double(bar.count))
            let x = Double(position) * barWidth
            let range = "\(DurationFormat.string(nanoseconds: bar.lower))–\(DurationFormat.string(nanoseconds: bar.upper))"
            // The tooltip sits on the whole bar; the failed part is drawn over it.
            out +=
                "<rect class=\"bar\" x=\"\(SVGNumber.format(x + 0.5))\" y=\"\(SVGNumber.format(top + plot - barHeight))\" "
                + "width=\"\(SVGNumber.format(max(0.5, barWidth - 1)))\" height=\"\(SVGNumber.format(barHeight))\">"
                + "<title>\(bar.count) in \(range)\(bar.failed > 0 ? ", \(bar.failed) failed" : "")</title></rect>"
            if failedHeight > 0 {
                out +=
                    "<rect class=\"bar err\" x=\"\(SVGNumber.format(x + 0.5))\" y=\"\(SVGNumber.format(top + plot - failedHeight))\" "
                    + "width=\"\(SVGNumber.format(max(0.5, barWidth - 1)))\" height=\"\(SVGNumber.format(failedHeight))\"/>"
            }
        }
        if size == .full, let first = bars.first, let last = bars.last {
            out +=
                "<g class=\"axis\"><text x=\"0\" y=\"\(SVGNumber.format(height - 4))\">\(DurationFormat.string(nanoseconds: first.lower))</text>"
            out +=
                "<text x=\"\(SVGNumber.format(width))\" y=\"\(SVGNumber.format(height - 4))\" text-anchor=\"end\">\(DurationFormat.string(nanoseconds: last.upper))</text>"
            out +=
                "<text x=\"\(SVGNumber.format(width / 2))\" y=\"\(SVGNumber.format(height - 4))\" text-anchor=\"middle\">duration (log scale)</text>"
            out += "<text x=\"0\" y=\"11\">tallest bar: \(tallest)</text></g>"
        }
        return out + "</svg>"
    }
}
