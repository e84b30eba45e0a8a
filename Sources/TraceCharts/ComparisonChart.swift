public import TraceAnalysis
import TraceModel

/// Two traces side by side. Above, their critical paths on one time axis: one bar each, made of the
/// time each operation spent on the path, the operations that gained most drawn first in the same
/// colour in both bars, the rest in grey; the segment that grew is the one that reads longer.
/// Below, a waterfall by operation: for each of those operations and the others that took most
/// time, when its spans ran in this trace (coloured) and in the other (grey, under it), on one axis.
public struct ComparisonChart: Sendable {
    /// Operations drawn apart; the others are summed.
    public static let operationLimit = 7
    static let width: Double = 900
    static let labelWidth: Double = 170
    static let barHeight: Double = 22
    /// Rows of the waterfall by operation.
    public static let waterfallRows = 12
    static let rowHeight: Double = 24

    let comparison: TraceComparison
    let otherLabel: String

    /// - Parameter otherLabel: how the other trace is named beside its bar ("typical request").
    public init(_ comparison: TraceComparison, otherLabel: String) {
        self.comparison = comparison
        self.otherLabel = otherLabel
    }

    public func svg() -> String {
        let drawn = Array(comparison.explaining.prefix(Self.operationLimit))
        let totals = (
            comparison.rows.lazy.map(\.traceNano).saturatingSum(), comparison.rows.lazy.map(\.otherNano).saturatingSum()
        )
        let scale = max(1, max(totals.0, totals.1))
        // Room after the longer bar for its total.
        let plot = Self.width - Self.labelWidth - 70
        let legendTop = 2 * (Self.barHeight + 8) + 24
        let legendRows = (drawn.count + 1 + 1) / 2
        let waterfallTop = legendTop + Double(legendRows) * 18 + 14
        let rows = waterfallRows(drawn: drawn)
        let height = waterfallTop + 18 + Double(rows.count) * Self.rowHeight + 4
        let title =
            "Time on the critical path by operation: this trace \(DurationFormat.string(nanoseconds: totals.0)), \(Markup.escape(otherLabel)) \(DurationFormat.string(nanoseconds: totals.1))"
        var out =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"cmpchart\" role=\"img\" aria-label=\"\(title)\" "
            + "width=\"\(SVGNumber.format(Self.width))\" height=\"\(SVGNumber.format(height))\" viewBox=\"0 0 \(SVGNumber.format(Self.width)) \(SVGNumber.format(height))\">"
        out += "<title>\(title)</title>"
        for (position, side) in [(0, "This trace"), (1, Markup.escape(otherLabel))] {
            let y = 8 + Double(position) * (Self.barHeight + 8)
            let total = position == 0 ? totals.0 : totals.1
            out += "<text x=\"0\" y=\"\(SVGNumber.format(y + 15))\">\(side)</text>"
            var x = Self.labelWidth
            for (colour, row) in drawn.enumerated() {
                let value = position == 0 ? row.traceNano : row.otherNano
                out += segment(x: x, y: y, value: value, scale: scale, plot: plot, className: "c\(colour)", row: row)
                x += Double(value) / Double(scale) * plot
            }
            let rest = total.saturatingSubtracting(drawn.lazy.map { position == 0 ? $0.traceNano : $0.otherNano }.saturatingSum())
            if rest > 0 {
                let width = Double(rest) / Double(scale) * plot
                out +=
                    "<rect class=\"rest\" x=\"\(SVGNumber.format(x))\" y=\"\(SVGNumber.format(y))\" width=\"\(SVGNumber.format(width))\" height=\"\(SVGNumber.format(Self.barHeight))\">"
                    + "<title>other operations: \(DurationFormat.string(nanoseconds: rest))</title></rect>"
                x += width
            }
            out +=
                "<text class=\"total\" x=\"\(SVGNumber.format(x + 6))\" y=\"\(SVGNumber.format(y + 15))\">\(DurationFormat.string(nanoseconds: total))</text>"
        }
        out += "<g class=\"legend\">"
        let entries =
            drawn.enumerated().map { ("c\($0.offset)", "\($0.element.service): \($0.element.operation)") } + [("rest", "other operations")]
        for (position, entry) in entries.enumerated() {
            let x = position % 2 == 0 ? 0 : Self.width / 2
            let y = legendTop + Double(position / 2) * 18
            out +=
                "<rect class=\"\(entry.0)\" x=\"\(SVGNumber.format(x))\" y=\"\(SVGNumber.format(y - 10))\" width=\"11\" height=\"11\"/>"
                + "<text x=\"\(SVGNumber.format(x + 16))\" y=\"\(SVGNumber.format(y))\">\(Markup.escape(Markup.truncate(entry.1, to: 70)))</text>"
        }
        out += "</g>"
        return out + waterfall(rows, drawn: drawn.count, top: waterfallTop) + "</svg>"
    }

    /// The operations drawn apart, then the others that spent most time on either critical path,
    /// in the order they started in this trace (then in the other).
    private func waterfallRows(drawn: [TraceComparison.Row]) -> [(row: TraceComparison.Row, colour: String)] {
        var chosen = drawn.enumerated().map { (row: $0.element, colour: "c\($0.offset)") }
        let others = comparison.rows.filter { row in !drawn.contains { $0.service == row.service && $0.operation == row.operation } }
            .sorted {
                (max($1.traceNano, $1.otherNano), $0.service, $0.operation) < (max($0.traceNano, $0.otherNano), $1.service, $1.operation)
            }
        chosen += others.prefix(max(0, Self.waterfallRows - chosen.count)).map { (row: $0, colour: "rest") }
        return chosen.sorted {
            (($0.row.traceWindow ?? $0.row.otherWindow)?.lowerBound ?? 0, $0.row.service, $0.row.operation) < (
                ($1.row.traceWindow ?? $1.row.otherWindow)?.lowerBound ?? 0, $1.row.service, $1.row.operation
            )
        }
    }

    /// When each of `rows` ran in both traces, from `top`.
    private func waterfall(_ rows: [(row: TraceComparison.Row, colour: String)], drawn: Int, top: Double) -> String {
        let end = max(1, rows.map { max($0.row.traceWindow?.upperBound ?? 0, $0.row.otherWindow?.upperBound ?? 0) }.max() ?? 1)
        let plot = Self.width - Self.labelWidth - 70
        func x(_ offset: UInt64) -> Double { Self.labelWidth + Double(offset) / Double(end) * plot }
        var out =
            "<g class=\"when\"><text class=\"total\" x=\"0\" y=\"\(SVGNumber.format(top + 10))\">When each operation ran: this trace, then \(Markup.escape(otherLabel.lowercased())) below it (0 to \(DurationFormat.string(nanoseconds: end)))</text>"
        for (position, entry) in rows.enumerated() {
            let y = top + 18 + Double(position) * Self.rowHeight
            let name = "\(entry.row.service): \(entry.row.operation)"
            out += "<text x=\"0\" y=\"\(SVGNumber.format(y + 13))\">\(Markup.escape(Markup.truncate(name, to: 26)))</text>"
            for (side, window) in [(0, entry.row.traceWindow), (1, entry.row.otherWindow)] {
                guard let window else { continue }
                let left = x(window.lowerBound)
                let width = max(1, x(window.upperBound) - left)
                let label = side == 0 ? "this trace" : Markup.escape(otherLabel.lowercased())
                out +=
                    "<rect class=\"\(side == 0 ? entry.colour : "typ")\" x=\"\(SVGNumber.format(left))\" y=\"\(SVGNumber.format(y + (side == 0 ? 2 : 12)))\" "
                    + "width=\"\(SVGNumber.format(width))\" height=\"\(side == 0 ? "9" : "6")\"><title>\(Markup.escape(name)) in \(label): "
                    + "\(DurationFormat.offset(of: window.lowerBound, from: 0)) to \(DurationFormat.offset(of: window.upperBound, from: 0))</title></rect>"
            }
        }
        return out + "</g>"
    }

    private func segment(
        x: Double, y: Double, value: UInt64, scale: UInt64, plot: Double, className: String, row: TraceComparison.Row
    ) -> String {
        guard value > 0 else { return "" }
        let width = Double(value) / Double(scale) * plot
        return
            "<rect class=\"\(className)\" x=\"\(SVGNumber.format(x))\" y=\"\(SVGNumber.format(y))\" width=\"\(SVGNumber.format(width))\" height=\"\(SVGNumber.format(Self.barHeight))\">"
            + "<title>\(Markup.escape(row.service)): \(Markup.escape(row.operation)): \(DurationFormat.string(nanoseconds: value)) on the critical path "
            + "(this trace \(DurationFormat.string(nanoseconds: row.traceNano)), \(Markup.escape(otherLabel)) \(DurationFormat.string(nanoseconds: row.otherNano)))</title></rect>"
    }
}
