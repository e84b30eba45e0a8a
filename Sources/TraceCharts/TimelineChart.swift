import Foundation
public import TraceAnalysis
import TraceModel

/// A series over time: requests a second, errors in percent of requests, and latency (p50, p95
/// and p99 on a log scale), one panel each on one time axis, as a full chart; or one of them as a
/// sparkline for a table row. The change point of each metric is shaded: solid where it is notable
/// (`ChangePoint.isNotable`), outlined where it is only the largest departure there is. A
/// baseline's series (an earlier run) is drawn dashed, by time elapsed since its first bucket.
public struct TimelineChart: Sendable {
    public enum Size: Sendable {
        /// 160 × 28, one metric, for a table cell.
        case row(ChangePoint.Metric)
        /// 1320 × 470 (scaled to its box), all three metrics.
        case full
    }

    let series: TimeSeries
    let changes: [ChangePoint]
    let baseline: TimeSeries?
    let size: Size
    let label: String
    let timeLabel: @Sendable (UInt64) -> String
    let timeZoneName: String

    /// - Parameters:
    ///   - changes: the change points of `series` (`ChangePoint.find(in:)`).
    ///   - label: what the series counts, for the title ("checkout-service").
    ///   - timeLabel: a time written "2024-01-15 14:30:00.123" (the chart shortens it).
    public init(
        series: TimeSeries, changes: [ChangePoint], baseline: TimeSeries? = nil, size: Size, label: String, timeZoneName: String,
        timeLabel: @escaping @Sendable (UInt64) -> String
    ) {
        self.series = series
        self.changes = changes
        self.baseline = baseline
        self.size = size
        self.label = label
        self.timeLabel = timeLabel
        self.timeZoneName = timeZoneName
    }

    static let width = 1320.0
    static let left = 64.0
    static let right = 12.0
    static let panelHeight = 110.0
    static let panelGap = 34.0
    static let top = 24.0
    static let bottom = 40.0

    /// A rectangle to draw one metric in.
    struct Panel {
        var x: Double
        var y: Double
        var width: Double
        var height: Double
    }

    public func svg() -> String {
        switch size {
        case .row(let metric):
            let panel = Panel(x: 1, y: 2, width: 158, height: 24)
            let title =
                "\(Markup.escape(label)): \(Self.name(metric)) over time, \(series.points.count) buckets of \(DurationFormat.string(nanoseconds: series.bucketNano))"
            return frame(class: "spark", width: 160, height: 28, title: title) + draw(metric, in: panel, labelled: false) + "</svg>"
        case .full:
            let height = Self.top + 3 * Self.panelHeight + 2 * Self.panelGap + Self.bottom
            let title =
                "\(Markup.escape(label)): requests, errors and latency over time in buckets of \(DurationFormat.string(nanoseconds: series.bucketNano))"
            var out = frame(class: "timeline", width: Self.width, height: height, title: title)
            let plotWidth = Self.width - Self.left - Self.right
            for (position, metric) in ChangePoint.Metric.allCases.enumerated() {
                let y = Self.top + Double(position) * (Self.panelHeight + Self.panelGap)
                out += draw(metric, in: Panel(x: Self.left, y: y, width: plotWidth, height: Self.panelHeight), labelled: true)
            }
            out += timeAxis(plotBottom: height - Self.bottom, plotWidth: plotWidth)
            if series.earlier > 0 || series.later > 0 {
                out +=
                    "<text class=\"note\" x=\"\(f(Self.width - Self.right))\" y=\"14\" text-anchor=\"end\">"
                    + "not drawn: \(series.earlier) requests before, \(series.later) after (far from the rest)</text>"
            }
            return out + "</svg>"
        }
    }

    static func name(_ metric: ChangePoint.Metric) -> String {
        switch metric {
        case .requests: "requests a second"
        case .errors: "errors (% of requests)"
        case .latency: "latency p50, p95, p99 (log scale)"
        }
    }

    private func frame(class name: String, width: Double, height: Double, title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"\(name)\" role=\"img\" aria-label=\"\(title)\" width=\"\(f(width))\" "
            + "height=\"\(f(height))\" viewBox=\"0 0 \(f(width)) \(f(height))\"><title>\(title)</title>"
    }

    private func f(_ value: Double) -> String { SVGNumber.format(value) }

    /// The values of `metric` per bucket of `series` (nil where a bucket has no value): for
    /// latency, a line for each of p50, p95 and p99, or p95 alone when not `allPercentiles`.
    private static func values(_ metric: ChangePoint.Metric, _ series: TimeSeries, allPercentiles: Bool) -> [[Double?]] {
        let seconds = Double(series.bucketNano) / 1e9
        switch metric {
        case .requests: return [series.points.map { Double($0.requests) / seconds }]
        case .errors: return [series.points.map { $0.requests == 0 ? nil : 100 * $0.errorRate }]
        case .latency:
            let percentiles: [KeyPath<TimeSeries.Point, UInt64>] = allPercentiles ? [\.p50Nano, \.p95Nano, \.p99Nano] : [\.p95Nano]
            return percentiles.map { path in
                series.points.map { $0.requests == 0 ? nil : log10(Double(max(1, $0[keyPath: path]))) }
            }
        }
    }

    /// One metric's lines, its change point and (when `labelled`) its scale and name.
    private func draw(_ metric: ChangePoint.Metric, in panel: Panel, labelled: Bool) -> String {
        let lines = Self.values(metric, series, allPercentiles: labelled)
        let baselineLines = baseline.map { Self.values(metric, $0, allPercentiles: labelled) } ?? []
        let all = (lines + baselineLines).flatMap { $0.compactMap { $0 } }
        var (low, high) = (metric == .latency ? (all.min() ?? 0) : 0, all.max() ?? 1)
        if metric == .latency { (low, high) = (low.rounded(.down), max(high.rounded(.up), low.rounded(.down) + 1)) }
        if high <= low { high = low + 1 }
        let count = max(1, series.points.count)
        func x(_ index: Double) -> Double { panel.x + index / Double(count) * panel.width }
        func y(_ value: Double) -> Double { panel.y + panel.height - (value - low) / (high - low) * panel.height }
        var out = "<g class=\"panel \(metric.rawValue)\">"
        if labelled {
            out +=
                "<text class=\"title\" x=\"4\" y=\"\(f(panel.y - 8))\">\(Self.name(metric).prefix(1).uppercased() + Self.name(metric).dropFirst())</text>"
            out += legend(metric, at: panel.y - 12)
            out += "<g class=\"axis\">"
            let ticks: [(Double, String)] =
                metric == .latency
                ? ScatterChart.durationTicks(logLow: low, logRange: high - low).map {
                    (log10(Double($0)), DurationFormat.string(nanoseconds: $0))
                }
                : [0, high / 2, high].map {
                    ($0, metric == .errors ? "\(DurationFormat.significant($0))%" : DurationFormat.significant($0))
                }
            for (value, text) in ticks {
                out += "<line x1=\"\(f(panel.x))\" y1=\"\(f(y(value)))\" x2=\"\(f(panel.x + panel.width))\" y2=\"\(f(y(value)))\"/>"
                out += "<text x=\"\(f(panel.x - 4))\" y=\"\(f(y(value) + 4))\" text-anchor=\"end\">\(text)</text>"
            }
            out += "</g>"
        }
        if let change = changes.first(where: { $0.metric == metric }) {
            let title = Markup.escape(change.sentence(in: series, time: timeLabel))
            out +=
                "<rect class=\"\(change.isNotable ? "cp" : "cp weak")\" x=\"\(f(x(Double(change.start))))\" y=\"\(f(panel.y))\" "
                + "width=\"\(f(x(Double(change.end)) - x(Double(change.start))))\" height=\"\(f(panel.height))\">"
                + "<title>\(change.isNotable ? "" : "largest departure, not notable: ")\(title)</title></rect>"
        }
        // The baseline, by time elapsed since its first bucket.
        if let baseline, let first = baseline.points.first?.startUnixNano {
            let span = Double(series.bucketNano) * Double(count)
            for (number, values) in baselineLines.enumerated() {
                let points = zip(baseline.points, values).map { point, value in
                    value.map {
                        (
                            x: panel.x + (Double(point.startUnixNano - first) + Double(baseline.bucketNano) / 2) / span * panel.width,
                            y: y($0)
                        )
                    }
                }
                out += path(points.map { $0.flatMap { $0.x <= panel.x + panel.width ? $0 : nil } }, class: "base l\(number)")
            }
        }
        for (number, values) in lines.enumerated() {
            out += path(
                values.enumerated().map { index, value in value.map { (x: x(Double(index) + 0.5), y: y($0)) } }, class: "l\(number)")
        }
        return out + "</g>"
    }

    /// What the lines of a panel are, at its top right: the percentiles, and the baseline's dashes.
    private func legend(_ metric: ChangePoint.Metric, at y: Double) -> String {
        var entries = metric == .latency ? [("l0", "p50"), ("l1", "p95"), ("l2", "p99")] : []
        if baseline != nil { entries.append(("base l\(metric == .latency ? 1 : 0)", "baseline")) }
        var x = Self.width - Self.right - Double(entries.count) * 80
        var out = ""
        for (name, text) in entries {
            out += "<path class=\"\(name)\" d=\"M \(f(x)) \(f(y)) L \(f(x + 18)) \(f(y))\"/>"
            out += "<text x=\"\(f(x + 22))\" y=\"\(f(y + 4))\">\(text)</text>"
            x += 80
        }
        return out
    }

    /// A line through `points`, broken where a point is missing; a point with no neighbour is a
    /// dash 2 px wide (a lone bucket with requests would otherwise draw nothing).
    private func path(_ points: [(x: Double, y: Double)?], class name: String) -> String {
        var d = ""
        var drawing = false
        for (index, point) in points.enumerated() {
            guard let point else {
                drawing = false
                continue
            }
            if !drawing, index + 1 == points.count || points[index + 1] == nil {
                d += "\(d.isEmpty ? "M" : " M") \(f(point.x - 1)) \(f(point.y)) L \(f(point.x + 1)) \(f(point.y))"
                continue
            }
            d += "\(drawing ? " L" : (d.isEmpty ? "M" : " M")) \(f(point.x)) \(f(point.y))"
            drawing = true
        }
        return d.isEmpty ? "" : "<path class=\"\(name)\" d=\"\(d)\"/>"
    }

    /// Ticks at round times, with the date where it changes, and the axis' title.
    private func timeAxis(plotBottom: Double, plotWidth: Double) -> String {
        guard let first = series.points.first?.startUnixNano, let last = series.points.last?.startUnixNano else { return "" }
        let end = last.saturatingAdding(series.bucketNano)
        let span = Double(end - first)
        var out = "<g class=\"axis\">"
        for (tick, label) in ScatterChart.labelledTimeTicks(first: first, last: end, timeLabel: timeLabel) {
            let position = Self.left + Double(tick - first) / max(span, 1) * plotWidth
            out += "<line x1=\"\(f(position))\" y1=\"\(f(plotBottom))\" x2=\"\(f(position))\" y2=\"\(f(plotBottom + 4))\"/>"
            let anchor = position - Self.left < 80 ? "start" : Self.left + plotWidth - position < 80 ? "end" : "middle"
            out += "<text x=\"\(f(position))\" y=\"\(f(plotBottom + 16))\" text-anchor=\"\(anchor)\">\(Markup.escape(label))</text>"
        }
        out +=
            "<text class=\"title\" x=\"\(f(Self.left + plotWidth / 2))\" y=\"\(f(plotBottom + 34))\" text-anchor=\"middle\">"
            + "Time (\(Markup.escape(timeZoneName)))</text>"
        return out + "</g>"
    }
}
