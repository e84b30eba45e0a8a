import Foundation
import TraceModel

/// Trace duration against start time, as Jaeger's search page draws it: one dot a trace, failed
/// traces marked, durations on a log scale. A dot whose trace has a page links to it; every dot
/// has a tooltip. Above `maximumDots` traces, the dots give way to a density grid (plus up to
/// 1,000 failed traces), so that a night of 100,000 traces stays a small picture.
public struct ScatterChart: Sendable {
    /// One trace.
    public struct Point: Sendable {
        public var startUnixNano: UInt64
        public var durationNano: UInt64
        public var failed: Bool
        /// The trace page, relative to the chart's page ("traces/<id>.html"), or nil.
        public var page: String?
        /// The tooltip text.
        public var label: String

        public init(startUnixNano: UInt64, durationNano: UInt64, failed: Bool, page: String?, label: String) {
            self.startUnixNano = startUnixNano
            self.durationNano = durationNano
            self.failed = failed
            self.page = page
            self.label = label
        }
    }

    public static let maximumDots = 3_000
    /// Above `maximumDots`, at most this many failed traces are drawn as dots.
    public static let maximumFailedDots = 1_000
    /// The density grid's cells: about 8 × 6 pixels each.
    static let densityColumns = 100
    static let densityRows = 30
    static let width = 900.0
    static let height = 220.0
    static let left = 60.0
    static let bottom = 24.0

    let points: [Point]
    let firstLabel: String
    let lastLabel: String

    /// - Parameters:
    ///   - firstLabel, lastLabel: how the earliest and latest start are written under the axis.
    public init(points: [Point], firstLabel: String, lastLabel: String) {
        self.points = points
        self.firstLabel = firstLabel
        self.lastLabel = lastLabel
    }

    /// The durations that get a grid line on the log axis from 10^`logLow` to
    /// 10^(`logLow` + `logRange`) nanoseconds: round ones (1 ms, 10 ms, 100 ms…), with 2 and 5
    /// times them where fewer than three powers of ten fall inside, at most seven, the shortest
    /// first.
    static func durationTicks(logLow: Double, logRange: Double) -> [UInt64] {
        let (low, high) = (logLow - 1e-9, logLow + logRange + 1e-9)
        let decades = Int(max(0, low.rounded(.down)))...Int(min(19, high.rounded(.up)))
        func inside(_ multiples: [Double]) -> [UInt64] {
            decades.flatMap { decade in multiples.map { $0 * pow(10, Double(decade)) } }
                .filter { $0 < 1.8e19 && log10($0) >= low && log10($0) <= high }
                .map { UInt64($0) }
        }
        var ticks = inside([1])
        if ticks.count < 3 { ticks = inside([1, 2, 5]) }
        // Every second, third… power where the range spans more than seven decades.
        let step = (ticks.count + 6) / 7
        return stride(from: 0, to: ticks.count, by: max(step, 1)).map { ticks[$0] }
    }

    public func svg() -> String {
        let plotWidth = Self.width - Self.left - 10
        let plotHeight = Self.height - Self.bottom - 10
        let first = points.map(\.startUnixNano).min() ?? 0
        let last = points.map(\.startUnixNano).max() ?? 0
        let shortest = max(1, points.map(\.durationNano).min() ?? 1)
        let longest = points.map(\.durationNano).max() ?? 1
        let span = Double(max(1, last - first))
        // At least one decade tall, whatever the durations (all of them 2^64−1 ns, say).
        let logLow = log10(Double(shortest))
        let logRange = max(1, log10(Double(longest)) - logLow)
        func x(_ start: UInt64) -> Double { Self.left + Double(start - first) / span * plotWidth }
        func y(_ duration: UInt64) -> Double {
            10 + plotHeight - (log10(Double(max(duration, shortest))) - logLow) / logRange * plotHeight
        }
        var out =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"scatter\" role=\"figure\" aria-label=\"Trace duration over time: \(points.count) traces\" "
            + "width=\"\(SVGNumber.format(Self.width))\" height=\"\(SVGNumber.format(Self.height))\" viewBox=\"0 0 \(SVGNumber.format(Self.width)) \(SVGNumber.format(Self.height))\">"
        out += "<title>Trace duration over time: \(points.count) traces</title><g class=\"axis\">"
        for duration in Self.durationTicks(logLow: logLow, logRange: logRange) {
            let position = y(duration)
            out +=
                "<line x1=\"\(SVGNumber.format(Self.left))\" y1=\"\(SVGNumber.format(position))\" x2=\"\(SVGNumber.format(Self.width - 10))\" y2=\"\(SVGNumber.format(position))\"/>"
            out +=
                "<text x=\"\(SVGNumber.format(Self.left - 4))\" y=\"\(SVGNumber.format(position + 4))\" text-anchor=\"end\">\(DurationFormat.string(nanoseconds: duration))</text>"
        }
        let axisY = Self.height - 6
        out += "<text x=\"\(SVGNumber.format(Self.left))\" y=\"\(SVGNumber.format(axisY))\">\(Markup.escape(firstLabel))</text>"
        out +=
            "<text x=\"\(SVGNumber.format(Self.width - 10))\" y=\"\(SVGNumber.format(axisY))\" text-anchor=\"end\">\(Markup.escape(lastLabel))</text></g>"
        if points.count <= Self.maximumDots {
            for point in points { out += dot(point, x: x(point.startUnixNano), y: y(point.durationNano)) }
        } else {
            // Density: columns × rows cells, shaded by how many traces fall in each (log steps).
            let (columns, rows) = (Self.densityColumns, Self.densityRows)
            var counts: [Int: Int] = [:]
            for point in points {
                let column = min(columns - 1, Int((x(point.startUnixNano) - Self.left) / plotWidth * Double(columns)))
                let row = min(rows - 1, max(0, Int((y(point.durationNano) - 10) / plotHeight * Double(rows))))
                counts[row * columns + column, default: 0] += 1
            }
            out += "<g class=\"density\">"
            for (cell, count) in counts.sorted(by: { $0.key < $1.key }) {
                let shade = min(5, 1 + Int(log10(Double(count)) * 2))
                let cellX = Self.left + Double(cell % columns) * plotWidth / Double(columns)
                let cellY = 10 + Double(cell / columns) * plotHeight / Double(rows)
                out += "<rect class=\"d\(shade)\" x=\"\(SVGNumber.format(cellX))\" y=\"\(SVGNumber.format(cellY))\" "
                out +=
                    "width=\"\(SVGNumber.format(plotWidth / Double(columns)))\" height=\"\(SVGNumber.format(plotHeight / Double(rows)))\"><title>\(count) traces</title></rect>"
            }
            out += "</g>"
            // Failed traces stay dots on top of the grid: those with a page first, at most 1,000.
            let failed = points.filter(\.failed)
            for point in (failed.filter { $0.page != nil } + failed.filter { $0.page == nil }).prefix(Self.maximumFailedDots) {
                out += dot(point, x: x(point.startUnixNano), y: y(point.durationNano))
            }
        }
        return out + "</svg>"
    }

    private func dot(_ point: Point, x: Double, y: Double) -> String {
        let rect =
            "<rect class=\"\(point.failed ? "dot err" : "dot")\" x=\"\(SVGNumber.format(x - 2))\" y=\"\(SVGNumber.format(y - 2))\" width=\"4\" height=\"4\">"
            + "<title>\(Markup.escape(point.label))</title></rect>"
        guard let page = point.page else { return rect }
        return "<a href=\"\(page)\">\(rect)</a>"
    }
}
