public import TraceAssembly
import TraceModel

/// The waterfall of one trace as SVG: a legend of services, a time ruler, then one row per span
/// (indented by depth) with a bar from its start to its end, its duration, and a tooltip.
///
/// Colours come from the page stylesheet through classes (`c0`…`c15`, `err`), which keeps rows
/// small; every piece of span text is escaped.
public struct WaterfallChart: Sendable {
    public struct Layout: Sendable {
        public var width = 1200.0
        public var labelWidth = 380.0
        public var rowHeight = 20.0
        public var indent = 12.0
        public var maximumIndent = 180.0
        public var legendRowHeight = 18.0
        public var rulerHeight = 26.0
        /// Above this many spans, rows are summarised (see `WaterfallRow.plan`).
        public var rowBudget = Self.defaultRowBudget
        /// `rowBudget` unless `--row-budget` says otherwise.
        public static let defaultRowBudget = 2_000
        public init() {}
    }

    public let trace: Trace
    public let layout: Layout
    public let palette: ServicePalette

    public init(trace: Trace, layout: Layout = Layout()) {
        self.trace = trace
        self.layout = layout
        self.palette = ServicePalette(services: trace.spans.map(\.service))
    }

    /// The chart as a standalone `<svg>` element.
    public func svg() -> String {
        let services = trace.services
        let chartLeft = layout.labelWidth + 10
        let chartWidth = layout.width - chartLeft - 70  // room for the duration label of a bar ending late
        let legend = legendLayout(services + (trace.criticalPath.isEmpty ? [] : ["critical path"]))
        let rulerTop = legend.height + 6
        let rowsTop = rulerTop + layout.rulerHeight
        let rows = WaterfallRow.plan(trace, budget: layout.rowBudget)
        let height = rowsTop + Double(rows.count) * layout.rowHeight + 8
        let start = trace.startTimeUnixNano
        let span = max(trace.durationNano, 1)
        let scale = chartWidth / Double(span)
        func x(_ time: UInt64) -> Double { chartLeft + Double(time &- start) * scale }

        var out = ""
        out.reserveCapacity(400 + trace.spans.count * 330)
        let title =
            "Waterfall of trace \(trace.traceID): \(trace.spans.count) spans, \(DurationFormat.string(nanoseconds: trace.durationNano))"
        out +=
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"waterfall\" role=\"figure\" aria-label=\"\(Markup.escape(title))\" \(WaterfallContract.rowHeight)=\"\(n(layout.rowHeight))\" \(WaterfallContract.chartLeft)=\"\(n(chartLeft))\" \(WaterfallContract.chartWidth)=\"\(n(chartWidth))\" \(WaterfallContract.traceNanos)=\"\(span)\""
        out += " width=\"\(n(layout.width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(layout.width)) \(n(height))\">"
        out += "<title>\(Markup.escape(title))</title>"

        // Legend: one swatch and name per service.
        out += "<g class=\"legend\">"
        if !trace.criticalPath.isEmpty, let position = legend.positions.last {
            out += "<rect class=\"cp\" x=\"\(n(position.x))\" y=\"\(n(position.y + 3))\" width=\"10\" height=\"4\"/>"
            out += "<text x=\"\(n(position.x + 14))\" y=\"\(n(position.y + 9))\">critical path</text>"
        }
        for (service, position) in zip(services, legend.positions) {
            out +=
                "<rect class=\"\(palette.colorClass(service))\" x=\"\(n(position.x))\" y=\"\(n(position.y))\" width=\"10\" height=\"10\"/>"
            out += "<text x=\"\(n(position.x + 14))\" y=\"\(n(position.y + 9))\">\(Markup.escape(Markup.truncate(service, to: 40)))</text>"
        }
        out += "</g>"

        // Ruler: a tick and a label per step, with a faint grid line through the rows.
        out += "<g class=\"ruler\">"
        for tick in TimeAxis(span: span).ticks {
            let tickX = x(start.saturatingAdding(tick))
            out += "<line x1=\"\(n(tickX))\" y1=\"\(n(rulerTop + 16))\" x2=\"\(n(tickX))\" y2=\"\(n(height - 4))\"/>"
            out += "<text x=\"\(n(tickX))\" y=\"\(n(rulerTop + 12))\">\(tick == 0 ? "0" : DurationFormat.string(nanoseconds: tick))</text>"
        }
        out += "</g>"

        // Rows.
        var sectionsOf: [Int: [CriticalPathSection]] = [:]
        for section in trace.criticalPath { sectionsOf[section.spanIndex, default: []].append(section) }
        for (rowNumber, row) in rows.enumerated() {
            let top = rowsTop + Double(rowNumber) * layout.rowHeight
            let members: [Int]
            let hidden: Int
            switch row {
            case .span(let index, let hiddenDescendants): (members, hidden) = ([index], hiddenDescendants)
            case .group(let indices, let hiddenDescendants): (members, hidden) = (indices, hiddenDescendants)
            }
            let first = trace.spans[members[0]]
            let rowStart = members.lazy.map { self.trace.spans[$0].startTimeUnixNano }.min()!
            let rowEnd = members.lazy.map { max(self.trace.spans[$0].endTimeUnixNano, self.trace.spans[$0].startTimeUnixNano) }.max()!
            let indent = min(Double(trace.depth[members[0]]) * layout.indent, layout.maximumIndent)
            let barStart = x(rowStart)
            let barWidth = max(Double(rowEnd - rowStart) * scale, 1)
            let errors = members.count { self.trace.spans[$0].status.isError }
            let isGroup = members.count > 1
            let totalNano = members.lazy.map { self.trace.spans[$0].durationNano }.saturatingSum()
            let duration =
                isGroup ? DurationFormat.string(nanoseconds: totalNano) + " total" : DurationFormat.string(nanoseconds: first.durationNano)
            var tooltip: String
            var classes = isGroup ? "row sum" : "row"
            if isGroup {
                tooltip =
                    "\(members.count) × \(first.service): \(first.name)\n\(duration), from the first start to the last end "
                    + DurationFormat.string(nanoseconds: rowEnd - rowStart)
                if errors > 0 { tooltip += "\n\(errors) with errors" }
            } else {
                let index = members[0]
                let shift = trace.clockSkewShiftNano[index]
                tooltip =
                    "\(first.service): \(first.name)\n\(duration) (self \(DurationFormat.string(nanoseconds: trace.selfTimeNano[index])))"
                if trace.criticalPathNano[index] > 0 {
                    tooltip += "\non the critical path for \(DurationFormat.string(nanoseconds: trace.criticalPathNano[index]))"
                }
                if errors > 0 { tooltip += "\nerror" + (first.status.message.isEmpty ? "" : ": " + first.status.message) }
                if shift != 0 {
                    tooltip += "\nshifted \(shift < 0 ? "-" : "+")\(DurationFormat.string(nanoseconds: shift.magnitude)) for clock skew"
                    classes += " skew"
                }
                if first.parentRelation == .followsFrom {
                    tooltip += "\nfollows from its parent (not awaited)"
                    classes += " ff"
                }
            }
            if errors > 0 { classes += " err" }
            if hidden > 0 { tooltip += "\n\(hidden) spans below are not drawn (see the span list)" }
            // Label width budget: about 6.2 px per character at the stylesheet's 11 px font.
            let suffix = hidden > 0 ? " ▸ +\(hidden)" : ""
            let labelCharacters = Int((layout.labelWidth - 6 - indent) / 6.2) - suffix.count
            let name = isGroup ? "\(members.count) × \(first.service) \(first.name)" : "\(first.service) \(first.name)"
            let label = Markup.truncate(name, to: max(labelCharacters, 4)) + suffix
            out +=
                "<g class=\"\(classes)\" id=\"w\(members[0])\" \(WaterfallContract.depth)=\"\(trace.depth[members[0]])\" \(WaterfallContract.spanID)=\"\(first.spanID)\">"
            out += "<title>\(Markup.escape(Markup.truncate(tooltip, to: 600)))</title>"
            out += "<text class=\"lbl\" x=\"\(n(4 + indent))\" y=\"\(n(top + 14))\">\(errors > 0 ? "⚠ " : "")\(Markup.escape(label))</text>"
            out +=
                "<rect class=\"\(palette.colorClass(first.service))\" x=\"\(n(barStart))\" y=\"\(n(top + 4))\" width=\"\(n(barWidth))\" height=\"\(n(layout.rowHeight - 8))\"/>"
            // The critical path: a dark band through the stretches of the bar the trace waited on.
            for section in members.flatMap({ sectionsOf[$0] ?? [] }) {
                let sectionStart = x(section.startTimeUnixNano)
                let sectionWidth = max(Double(section.durationNano) * scale, 1)
                out +=
                    "<rect class=\"cp\" x=\"\(n(sectionStart))\" y=\"\(n(top + 8))\" width=\"\(n(sectionWidth))\" height=\"\(n(layout.rowHeight - 16))\"/>"
            }
            out += "<text class=\"dur\" x=\"\(n(barStart + barWidth + 4))\" y=\"\(n(top + 14))\">\(duration)</text>"
            out += "</g>"
        }
        out += "</svg>"
        return out
    }

    /// Positions of the legend entries, wrapped to the chart width, and the legend's height.
    private func legendLayout(_ services: [String]) -> (positions: [(x: Double, y: Double)], height: Double) {
        var positions: [(x: Double, y: Double)] = []
        var x = 4.0
        var y = 4.0
        for service in services {
            let width = 14 + Double(min(service.count, 40)) * 6.2 + 16
            if x + width > layout.width, x > 4 {
                x = 4
                y += layout.legendRowHeight
            }
            positions.append((x, y))
            x += width
        }
        return (positions, y + layout.legendRowHeight)
    }

    private func n(_ value: Double) -> String { SVGNumber.format(value) }
}
