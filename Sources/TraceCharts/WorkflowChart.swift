import Foundation
import TraceModel

/// The traces of one workflow on one time axis: a bar per trace (its root operation beside it),
/// and each join an arrow from when the earlier trace handed over (the producer span's end) to
/// when the later one took over, labelled with the time in between (the queue time).
public struct WorkflowChart: Sendable {
    /// One trace.
    public struct Row: Sendable {
        public var label: String
        public var startUnixNano: UInt64
        public var endUnixNano: UInt64
        public var failed: Bool

        public init(label: String, startUnixNano: UInt64, endUnixNano: UInt64, failed: Bool) {
            (self.label, self.startUnixNano, self.endUnixNano, self.failed) = (label, startUnixNano, endUnixNano, failed)
        }
    }

    /// One join, between rows (by index).
    public struct Arrow: Sendable {
        public var from: Int
        public var to: Int
        public var sentUnixNano: UInt64?
        public var receivedUnixNano: UInt64
        public var label: String

        public init(from: Int, to: Int, sentUnixNano: UInt64?, receivedUnixNano: UInt64, label: String) {
            (self.from, self.to, self.sentUnixNano, self.receivedUnixNano, self.label) = (from, to, sentUnixNano, receivedUnixNano, label)
        }
    }

    let rows: [Row]
    let arrows: [Arrow]

    public init(rows: [Row], arrows: [Arrow]) {
        self.rows = rows
        self.arrows = arrows
    }

    static let width = 1100.0
    static let labelWidth = 300.0
    static let rowHeight = 26.0
    static let top = 22.0

    public func svg() -> String {
        let first = rows.map(\.startUnixNano).min() ?? 0
        let last = max(rows.map(\.endUnixNano).max() ?? first, first)
        let span = Double(max(last - first, 1))
        let plotLeft = Self.labelWidth
        let plotWidth = Self.width - Self.labelWidth - 12
        func x(_ time: UInt64) -> Double { plotLeft + Double(time.saturatingSubtracting(first)) / span * plotWidth }
        func f(_ value: Double) -> String { SVGNumber.format(value) }
        let height = Self.top + Double(rows.count) * Self.rowHeight + 10
        let title = "\(rows.count) traces over \(DurationFormat.string(nanoseconds: last - first))"
        var out =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"workflow\" role=\"img\" aria-label=\"\(title)\" width=\"\(f(Self.width))\" "
            + "height=\"\(f(height))\" viewBox=\"0 0 \(f(Self.width)) \(f(height))\"><title>\(title)</title>"
        out += "<g class=\"axis\">"
        for tick in TimeAxis(span: last - first, target: 6).ticks {
            let position = x(first.saturatingAdding(tick))
            out += "<line x1=\"\(f(position))\" y1=\"\(f(Self.top - 4))\" x2=\"\(f(position))\" y2=\"\(f(height - 6))\"/>"
            out +=
                "<text x=\"\(f(position))\" y=\"\(f(Self.top - 8))\" text-anchor=\"middle\">+\(DurationFormat.string(nanoseconds: tick))</text>"
        }
        out += "</g>"
        for (index, row) in rows.enumerated() {
            let y = Self.top + Double(index) * Self.rowHeight
            let label = Markup.escape(Markup.truncate(row.label, to: 44))
            out += "<text class=\"lbl\" x=\"4\" y=\"\(f(y + 16))\">\(label)</text>"
            let (left, right) = (x(row.startUnixNano), x(row.endUnixNano))
            out +=
                "<rect class=\"\(row.failed ? "bar err" : "bar")\" x=\"\(f(left))\" y=\"\(f(y + 5))\" width=\"\(f(max(1, right - left)))\" "
                + "height=\"14\"><title>\(Markup.escape(row.label)): \(DurationFormat.string(nanoseconds: row.endUnixNano.saturatingSubtracting(row.startUnixNano)))</title></rect>"
        }
        for arrow in arrows where rows.indices.contains(arrow.from) && rows.indices.contains(arrow.to) {
            let fromY = Self.top + Double(arrow.from) * Self.rowHeight + 19
            let toY = Self.top + Double(arrow.to) * Self.rowHeight + 5
            let fromX = x(arrow.sentUnixNano ?? rows[arrow.from].endUnixNano)
            let toX = x(arrow.receivedUnixNano)
            out += "<g class=\"join\"><title>\(Markup.escape(arrow.label))</title>"
            out += "<path d=\"M \(f(fromX)) \(f(fromY)) L \(f(toX)) \(f(toY))\"/>"
            out += "<path class=\"head\" d=\"M \(f(toX)) \(f(toY)) L \(f(toX - 3)) \(f(toY - 6)) L \(f(toX + 3)) \(f(toY - 6)) Z\"/>"
            out += "<text x=\"\(f((fromX + toX) / 2 + 4))\" y=\"\(f((fromY + toY) / 2 + 4))\">\(Markup.escape(arrow.label))</text></g>"
        }
        return out + "</svg>"
    }
}
