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
    /// The density grid's cells: about 12 × 6 pixels each.
    static let densityColumns = 100
    static let densityRows = 30
    /// Drawn at this size and scaled to the width of its box (no narrower than 900 px).
    static let width = 1320.0
    static let height = 250.0
    static let left = 64.0
    static let right = 12.0
    static let top = 24.0
    static let bottom = 40.0
    /// The strip beside the plot where outliers are drawn apart.
    static let strip = 26.0

    let points: [Point]
    let timeLabel: @Sendable (UInt64) -> String
    let timeZoneName: String

    /// - Parameters:
    ///   - timeLabel: a start time written "2024-01-15 14:30:00.123" (the chart shortens it).
    ///   - timeZoneName: the zone `timeLabel` writes in, for the axis title.
    public init(points: [Point], timeZoneName: String, timeLabel: @escaping @Sendable (UInt64) -> String) {
        self.points = points
        self.timeLabel = timeLabel
        self.timeZoneName = timeZoneName
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

    /// Round steps of the time axis, in nanoseconds: milliseconds to a year.
    static let timeSteps: [UInt64] = {
        let (millisecond, second, minute, hour, day): (UInt64, UInt64, UInt64, UInt64, UInt64) =
            (1_000_000, 1_000_000_000, 60_000_000_000, 3_600_000_000_000, 86_400_000_000_000)
        return [1, 2, 5, 10, 20, 50, 100, 200, 500].map { $0 * millisecond } + [1, 2, 5, 10, 15, 30].map { $0 * second }
            + [1, 2, 5, 10, 15, 30].map { $0 * minute } + [1, 2, 3, 6, 12].map { $0 * hour } + [1, 2, 7, 14, 30, 91, 365].map { $0 * day }
    }()

    /// The times from `first` to `last` that get a tick: multiples of the smallest round step
    /// that gives at most eight, and that step.
    static func timeTicks(first: UInt64, last: UInt64) -> (ticks: [UInt64], step: UInt64) {
        let range = last >= first ? last - first : 0
        let step = timeSteps.first { range / $0 < 8 } ?? timeSteps[timeSteps.count - 1]
        let remainder = first % step
        let (start, overflow) = first.addingReportingOverflow(remainder == 0 ? 0 : step - remainder)
        guard !overflow, start <= last else { return ([], step) }
        return (Array(stride(from: start, through: last, by: Int(step)).prefix(9)), step)
    }

    /// `timeTicks(first:last:)` with their labels: the time of day, to the precision the step
    /// needs, with the date where it changes (and at the first tick); dates alone for steps of days.
    static func labelledTimeTicks(first: UInt64, last: UInt64, timeLabel: (UInt64) -> String) -> [(time: UInt64, label: String)] {
        let (ticks, step) = timeTicks(first: first, last: last)
        var shownDate = ""
        return ticks.map { tick in
            let full = timeLabel(tick)
            let date = String(full.prefix(10))
            let clock = String(full.dropFirst(11).prefix(step < 1_000_000_000 ? 12 : step < 60_000_000_000 ? 8 : 5))
            let label = step >= 86_400_000_000_000 ? date : date != shownDate ? "\(date) \(clock)" : clock
            shownDate = date
            return (tick, label)
        }
    }

    public func svg() -> String {
        guard !points.isEmpty else { return frame(title: "Trace duration over time: no traces") + "</svg>" }
        // What the axes cover: the bulk of the traces; far outliers go to strips beside the plot.
        let starts = points.map(\.startUnixNano).sorted()
        let logDurations = points.map { log10(Double(max(1, $0.durationNano))) }.sorted()
        let timeFence = OutlierFence.keptRange(starts.map { Double($0) }, least: 60e9)
        let keptStarts = starts.filter { timeFence.contains(Double($0)) }
        let (first, last) = (keptStarts.first ?? starts[0], keptStarts.last ?? starts[0])
        let logFence = OutlierFence.keptRange(logDurations, least: 1)
        let logKept = logDurations.filter { logFence.contains($0) }
        let logLow = logKept.first ?? logDurations[0]
        // At least one decade tall, whatever the durations (all of them 2^64−1 ns, say).
        let logRange = max(1, (logKept.last ?? logLow) - logLow)
        let earlier = starts.count { $0 < first }
        let later = starts.count { $0 > last }
        let longer = logDurations.count { $0 > logLow + logRange }
        let shorter = logDurations.count { $0 < logLow }
        let plotLeft = Self.left + (earlier > 0 ? Self.strip : 0)
        let plotRight = Self.width - Self.right - (later > 0 ? Self.strip : 0)
        let plotTop = Self.top + (longer > 0 ? Self.strip : 0)
        let plotBottom = Self.height - Self.bottom - (shorter > 0 ? Self.strip : 0)
        let (plotWidth, plotHeight) = (plotRight - plotLeft, plotBottom - plotTop)
        let span = Double(max(1, last - first))
        func x(_ start: UInt64) -> Double {
            start < first
                ? plotLeft - Self.strip / 2
                : start > last ? plotRight + Self.strip / 2 : plotLeft + Double(start - first) / span * plotWidth
        }
        func y(_ duration: UInt64) -> Double {
            let logDuration = log10(Double(max(1, duration)))
            if logDuration > logLow + logRange { return plotTop - Self.strip / 2 }
            if logDuration < logLow { return plotBottom + Self.strip / 2 }
            return plotBottom - (logDuration - logLow) / logRange * plotHeight
        }
        func f(_ value: Double) -> String { SVGNumber.format(value) }

        var out = frame(title: "Trace duration over time: \(points.count) traces") + "<g class=\"axis\">"
        for duration in Self.durationTicks(logLow: logLow, logRange: logRange) {
            let position = y(duration)
            out += "<line x1=\"\(f(plotLeft))\" y1=\"\(f(position))\" x2=\"\(f(plotRight))\" y2=\"\(f(position))\"/>"
            out +=
                "<text x=\"\(f(Self.left - 4))\" y=\"\(f(position + 4))\" text-anchor=\"end\">\(DurationFormat.string(nanoseconds: duration))</text>"
        }
        for (tick, label) in Self.labelledTimeTicks(first: first, last: last, timeLabel: timeLabel) {
            let position = x(tick)
            out += "<line x1=\"\(f(position))\" y1=\"\(f(plotBottom))\" x2=\"\(f(position))\" y2=\"\(f(plotBottom + 4))\"/>"
            // Labels near an end of the axis run inwards from their tick.
            let anchor = position - plotLeft < 80 ? "start" : plotRight - position < 80 ? "end" : "middle"
            out +=
                "<text x=\"\(f(position))\" y=\"\(f(Self.height - Self.bottom + 14))\" text-anchor=\"\(anchor)\">\(Markup.escape(label))</text>"
        }
        out += "<text class=\"title\" x=\"4\" y=\"14\">Trace duration (log scale)</text>"
        out +=
            "<text class=\"title\" x=\"\(f((plotLeft + plotRight) / 2))\" y=\"\(f(Self.height - 6))\" text-anchor=\"middle\">"
            + "Trace start (\(Markup.escape(timeZoneName)))</text>"
        // Outliers, drawn apart beyond a break in their axis and counted.
        if earlier > 0 {
            out += brokenAxis(x: plotLeft - 2, y: plotBottom, vertical: false)
            out +=
                "<text x=\"\(f(plotLeft - Self.strip / 2))\" y=\"\(f(Self.height - Self.bottom + 14))\" text-anchor=\"middle\">‹ \(earlier)</text>"
        }
        if later > 0 {
            out += brokenAxis(x: plotRight + 2, y: plotBottom, vertical: false)
            out +=
                "<text x=\"\(f(plotRight + Self.strip / 2))\" y=\"\(f(Self.height - Self.bottom + 14))\" text-anchor=\"middle\">\(later) ›</text>"
        }
        if longer > 0 {
            out += brokenAxis(x: plotLeft, y: plotTop - 2, vertical: true)
            out += "<text x=\"\(f(Self.left - 4))\" y=\"\(f(plotTop - Self.strip / 2 + 4))\" text-anchor=\"end\">\(longer) longer</text>"
        }
        if shorter > 0 {
            out += brokenAxis(x: plotLeft, y: plotBottom + 2, vertical: true)
            out +=
                "<text x=\"\(f(Self.left - 4))\" y=\"\(f(plotBottom + Self.strip / 2 + 4))\" text-anchor=\"end\">\(shorter) shorter</text>"
        }
        out += "</g>"
        if points.count <= Self.maximumDots {
            for point in points { out += dot(point, x: x(point.startUnixNano), y: y(point.durationNano)) }
        } else {
            // Density: columns × rows cells of the plot, shaded by how many traces fall in each
            // (log steps, in the legend); outliers are dots in their strips.
            let (columns, rows) = (Self.densityColumns, Self.densityRows)
            var counts: [Int: Int] = [:]
            var outliers: [Point] = []
            for point in points {
                let (pointX, pointY) = (x(point.startUnixNano), y(point.durationNano))
                guard pointX >= plotLeft, pointX <= plotRight, pointY >= plotTop, pointY <= plotBottom else {
                    outliers.append(point)
                    continue
                }
                let column = min(columns - 1, Int((pointX - plotLeft) / plotWidth * Double(columns)))
                let row = min(rows - 1, max(0, Int((pointY - plotTop) / plotHeight * Double(rows))))
                counts[row * columns + column, default: 0] += 1
            }
            out += "<g class=\"density\">"
            for (cell, count) in counts.sorted(by: { $0.key < $1.key }) {
                let cellX = plotLeft + Double(cell % columns) * plotWidth / Double(columns)
                let cellY = plotTop + Double(cell / columns) * plotHeight / Double(rows)
                out += "<rect class=\"d\(Self.shade(count))\" x=\"\(f(cellX))\" y=\"\(f(cellY))\" "
                out +=
                    "width=\"\(f(plotWidth / Double(columns)))\" height=\"\(f(plotHeight / Double(rows)))\"><title>\(count) traces</title></rect>"
            }
            out += densityLegend() + "</g>"
            // Failed traces stay dots on top of the grid: those with a page first, at most 1,000.
            let failed = points.filter(\.failed)
            for point in (failed.filter { $0.page != nil } + failed.filter { $0.page == nil }).prefix(Self.maximumFailedDots) {
                out += dot(point, x: x(point.startUnixNano), y: y(point.durationNano))
            }
            for point in outliers.filter({ !$0.failed }).prefix(Self.maximumFailedDots) {
                out += dot(point, x: x(point.startUnixNano), y: y(point.durationNano))
            }
        }
        return out + "</svg>"
    }

    /// The chart's opening: its size, role and title.
    private func frame(title: String) -> String {
        let (width, height) = (SVGNumber.format(Self.width), SVGNumber.format(Self.height))
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"scatter\" role=\"figure\" aria-label=\"\(title)\" "
            + "width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\"><title>\(title)</title>"
    }

    /// A density cell's shade, 1 to 5, from how many traces it holds: 1–3, 4–9, 10–31, 32–99, 100 or more.
    static func shade(_ count: Int) -> Int { min(5, 1 + Int(log10(Double(max(1, count))) * 2)) }

    /// What the shades of the density grid mean, at the top right.
    private func densityLegend() -> String {
        let entries = ["1–3", "4–9", "10–31", "32–99", "100+"]
        var x = Self.width - Self.right - 330
        var out = "<text class=\"title\" x=\"\(SVGNumber.format(x))\" y=\"14\">traces a cell:</text>"
        x += 84
        for (shade, label) in entries.enumerated() {
            out += "<rect class=\"d\(shade + 1)\" x=\"\(SVGNumber.format(x))\" y=\"5\" width=\"12\" height=\"11\"/>"
            out += "<text x=\"\(SVGNumber.format(x + 15))\" y=\"14\">\(label)</text>"
            x += 22 + Double(label.count) * 7
        }
        return out
    }

    /// Two short slanted strokes across an axis where values beyond it are drawn apart.
    private func brokenAxis(x: Double, y: Double, vertical: Bool) -> String {
        let (dx, dy) = vertical ? (6.0, 3.0) : (3.0, 6.0)
        let (ax, ay) = vertical ? (0.0, 3.0) : (3.0, 0.0)
        func f(_ value: Double) -> String { SVGNumber.format(value) }
        return "<path class=\"break\" d=\"M \(f(x - dx - ax)) \(f(y + dy - ay)) L \(f(x + dx - ax)) \(f(y - dy - ay)) "
            + "M \(f(x - dx + ax)) \(f(y + dy + ay)) L \(f(x + dx + ax)) \(f(y - dy + ay))\"/>"
    }

    private func dot(_ point: Point, x: Double, y: Double) -> String {
        let rect =
            "<rect class=\"\(point.failed ? "dot err" : "dot")\" x=\"\(SVGNumber.format(x - 2))\" y=\"\(SVGNumber.format(y - 2))\" width=\"4\" height=\"4\">"
            + "<title>\(Markup.escape(point.label))</title></rect>"
        guard let page = point.page else { return rect }
        return "<a href=\"\(page)\">\(rect)</a>"
    }
}
