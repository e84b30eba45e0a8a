public import TraceAnalysis
import TraceModel

/// Two traces' critical paths side by side on one time axis: one bar each, made of the time each
/// operation spent on the path, the operations that gained most drawn first in the same colour in
/// both bars, the rest in grey; the segment that grew is the one that reads longer.
public struct ComparisonChart: Sendable {
    /// Operations drawn apart; the others are summed.
    public static let operationLimit = 7
    static let width: Double = 900
    static let labelWidth: Double = 170
    static let barHeight: Double = 22

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
        let height = legendTop + Double(legendRows) * 18 + 4
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
        return out + "</g></svg>"
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
