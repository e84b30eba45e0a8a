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

    /// The chart's fixed measures, in px, against the stylesheet's 11 px font.
    private enum Metric {
        /// The width of one character of a label, on average.
        static let characterWidth = 6.2
        /// Between the labels and the time axis.
        static let chartGap = 10.0
        /// Right of the time axis: room for the duration label of a bar ending late.
        static let durationRoom = 70.0
        /// Around the legend, and left of a row's label.
        static let inset = 4.0
        /// A legend swatch's side, and where its name begins after it.
        static let swatch = 10.0
        static let swatchToName = 14.0
        /// Between legend entries.
        static let entryGap = 16.0
        /// A legend name's baseline below its swatch's top.
        static let nameBaseline = 9.0
        /// The critical path's swatch: a band this far below the entry's top, this high.
        static let bandSwatchTop = 3.0
        static let bandSwatchHeight = 4.0
        /// The longest service name the legend shows.
        static let legendNameLimit = 40
        /// Between the legend and the ruler.
        static let rulerGap = 6.0
        /// A ruler label's baseline, and where its grid line begins, below the ruler's top.
        static let tickLabelBaseline = 12.0
        static let gridTop = 16.0
        /// Below the last row.
        static let bottomMargin = 8.0
        /// A row's text baseline below its top; its bar's and critical path band's inset from its top and bottom.
        static let rowBaseline = 14.0
        static let barInset = 4.0
        static let bandInset = 8.0
        /// Kept clear at a label's right end; the fewest characters a label keeps.
        static let labelMargin = 6.0
        static let shortestLabel = 4
        /// The longest tooltip.
        static let tooltipLimit = 600
    }

    /// Where the chart's parts go, and how times map to x.
    private struct Geometry {
        let chartLeft: Double
        let chartWidth: Double
        let legend: (positions: [(x: Double, y: Double)], height: Double)
        let rulerTop: Double
        let rowsTop: Double
        let height: Double
        let start: UInt64
        /// Nanoseconds the axis spans (at least 1).
        let span: UInt64
        /// px per nanosecond.
        let scale: Double

        func x(_ time: UInt64) -> Double { chartLeft + Double(time &- start) * scale }
    }

    /// Where the rows begin, below the legend and the ruler.
    public var rowsTop: Double {
        legendLayout(trace.services + (trace.criticalPath.isEmpty ? [] : ["critical path"])).height + Metric.rulerGap + layout.rulerHeight
    }

    /// The chart as a standalone `<svg>` element.
    public func svg() -> String {
        let services = trace.services
        let rows = WaterfallRow.plan(trace, budget: layout.rowBudget)
        let chartLeft = layout.labelWidth + Metric.chartGap
        let chartWidth = layout.width - chartLeft - Metric.durationRoom
        let legend = legendLayout(services + (trace.criticalPath.isEmpty ? [] : ["critical path"]))
        let rulerTop = legend.height + Metric.rulerGap
        let rowsTop = rulerTop + layout.rulerHeight
        let span = max(trace.durationNano, 1)
        let geometry = Geometry(
            chartLeft: chartLeft, chartWidth: chartWidth, legend: legend, rulerTop: rulerTop, rowsTop: rowsTop,
            height: rowsTop + Double(rows.count) * layout.rowHeight + Metric.bottomMargin, start: trace.startTimeUnixNano, span: span,
            scale: chartWidth / Double(span))

        var out = ""
        out.reserveCapacity(400 + trace.spans.count * 330)
        let title =
            "Waterfall of trace \(trace.traceID): \(trace.spans.count) spans, \(DurationFormat.string(nanoseconds: trace.durationNano))"
        out +=
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"waterfall\" role=\"figure\" aria-label=\"\(Markup.escape(title))\" \(WaterfallContract.rowHeight)=\"\(n(layout.rowHeight))\" \(WaterfallContract.chartLeft)=\"\(n(chartLeft))\" \(WaterfallContract.chartWidth)=\"\(n(chartWidth))\" \(WaterfallContract.traceNanos)=\"\(span)\""
        out += " width=\"\(n(layout.width))\" height=\"\(n(geometry.height))\" viewBox=\"0 0 \(n(layout.width)) \(n(geometry.height))\">"
        out += "<title>\(Markup.escape(title))</title>"
        appendLegend(services, geometry, to: &out)
        appendRuler(geometry, to: &out)
        var sectionsOf: [Int: [CriticalPathSection]] = [:]
        for section in trace.criticalPath { sectionsOf[section.spanIndex, default: []].append(section) }
        for (rowNumber, row) in rows.enumerated() {
            appendRow(row, top: geometry.rowsTop + Double(rowNumber) * layout.rowHeight, geometry, sectionsOf, to: &out)
        }
        out += "</svg>"
        return out
    }

    /// One swatch and name per service, and the critical path's band.
    private func appendLegend(_ services: [String], _ geometry: Geometry, to out: inout String) {
        out += "<g class=\"legend\">"
        if !trace.criticalPath.isEmpty, let position = geometry.legend.positions.last {
            out +=
                "<rect class=\"cp\" x=\"\(n(position.x))\" y=\"\(n(position.y + Metric.bandSwatchTop))\" width=\"\(n(Metric.swatch))\" height=\"\(n(Metric.bandSwatchHeight))\"/>"
            out +=
                "<text x=\"\(n(position.x + Metric.swatchToName))\" y=\"\(n(position.y + Metric.nameBaseline))\">critical path</text>"
        }
        for (service, position) in zip(services, geometry.legend.positions) {
            out +=
                "<rect class=\"\(palette.colorClass(service))\" x=\"\(n(position.x))\" y=\"\(n(position.y))\" width=\"\(n(Metric.swatch))\" height=\"\(n(Metric.swatch))\"/>"
            out +=
                "<text x=\"\(n(position.x + Metric.swatchToName))\" y=\"\(n(position.y + Metric.nameBaseline))\">\(Markup.escape(Markup.truncate(service, to: Metric.legendNameLimit)))</text>"
        }
        out += "</g>"
    }

    /// A tick and a label per step, with a faint grid line through the rows.
    private func appendRuler(_ geometry: Geometry, to out: inout String) {
        out += "<g class=\"ruler\">"
        for tick in TimeAxis(span: geometry.span).ticks {
            let tickX = geometry.x(geometry.start.saturatingAdding(tick))
            out +=
                "<line x1=\"\(n(tickX))\" y1=\"\(n(geometry.rulerTop + Metric.gridTop))\" x2=\"\(n(tickX))\" y2=\"\(n(geometry.height - Metric.inset))\"/>"
            out +=
                "<text x=\"\(n(tickX))\" y=\"\(n(geometry.rulerTop + Metric.tickLabelBaseline))\">\(tick == 0 ? "0" : DurationFormat.string(nanoseconds: tick))</text>"
        }
        out += "</g>"
    }

    /// One row: a span, or siblings summarised together; its label, bar, critical path band,
    /// duration and tooltip.
    @inline(__always)
    private func appendRow(
        _ row: WaterfallRow, top: Double, _ geometry: Geometry, _ sectionsOf: [Int: [CriticalPathSection]], to out: inout String
    ) {
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
        let barStart = geometry.x(rowStart)
        let barWidth = max(Double(rowEnd - rowStart) * geometry.scale, 1)
        let errors = members.count { self.trace.spans[$0].status.isError }
        let isGroup = members.count > 1
        let totalNano = members.lazy.map { self.trace.spans[$0].durationNano }.saturatingSum()
        let duration =
            isGroup ? DurationFormat.string(nanoseconds: totalNano) + " total" : DurationFormat.string(nanoseconds: first.durationNano)
        var (tooltip, classes) =
            isGroup
            ? groupTooltip(members, first: first, duration: duration, width: rowEnd - rowStart, errors: errors)
            : spanTooltip(members[0], span: first, duration: duration, isError: errors > 0)
        if errors > 0 { classes += " err" }
        if hidden > 0 { tooltip += "\n\(hidden) spans below are not drawn (see the span list)" }
        let suffix = hidden > 0 ? " ▸ +\(hidden)" : ""
        let labelCharacters = Int((layout.labelWidth - Metric.labelMargin - indent) / Metric.characterWidth) - suffix.count
        let name = isGroup ? "\(members.count) × \(first.service) \(first.name)" : "\(first.service) \(first.name)"
        let label = Markup.truncate(name, to: max(labelCharacters, Metric.shortestLabel)) + suffix
        out +=
            "<g class=\"\(classes)\" id=\"w\(members[0])\" \(WaterfallContract.depth)=\"\(trace.depth[members[0]])\" \(WaterfallContract.spanID)=\"\(first.spanID)\">"
        out += "<title>\(Markup.escape(Markup.truncate(tooltip, to: Metric.tooltipLimit)))</title>"
        out +=
            "<text class=\"lbl\" x=\"\(n(Metric.inset + indent))\" y=\"\(n(top + Metric.rowBaseline))\">\(errors > 0 ? "⚠ " : "")\(Markup.escape(label))</text>"
        out +=
            "<rect class=\"\(palette.colorClass(first.service))\" x=\"\(n(barStart))\" y=\"\(n(top + Metric.barInset))\" width=\"\(n(barWidth))\" height=\"\(n(layout.rowHeight - 2 * Metric.barInset))\"/>"
        // The critical path: a dark band through the stretches of the bar the trace waited on.
        for section in members.flatMap({ sectionsOf[$0] ?? [] }) {
            let sectionStart = geometry.x(section.startTimeUnixNano)
            let sectionWidth = max(Double(section.durationNano) * geometry.scale, 1)
            out +=
                "<rect class=\"cp\" x=\"\(n(sectionStart))\" y=\"\(n(top + Metric.bandInset))\" width=\"\(n(sectionWidth))\" height=\"\(n(layout.rowHeight - 2 * Metric.bandInset))\"/>"
        }
        out +=
            "<text class=\"dur\" x=\"\(n(barStart + barWidth + Metric.inset))\" y=\"\(n(top + Metric.rowBaseline))\">\(duration)</text>"
        out += "</g>"
    }

    /// The tooltip and row classes of siblings summarised in one row (`first` the first of them).
    @inline(__always)
    private func groupTooltip(_ members: [Int], first: Span, duration: String, width: UInt64, errors: Int) -> (String, String) {
        var tooltip =
            "\(members.count) × \(first.service): \(first.name)\n\(duration), from the first start to the last end "
            + DurationFormat.string(nanoseconds: width)
        if errors > 0 { tooltip += "\n\(errors) with errors" }
        return (tooltip, "row sum")
    }

    /// The tooltip and row classes of the row of `span`, at `index` of the trace.
    @inline(__always)
    private func spanTooltip(_ index: Int, span: Span, duration: String, isError: Bool) -> (String, String) {
        let shift = trace.clockSkewShiftNano[index]
        var classes = "row"
        var tooltip = "\(span.service): \(span.name)\n\(duration) (self \(DurationFormat.string(nanoseconds: trace.selfTimeNano[index])))"
        if trace.criticalPathNano[index] > 0 {
            tooltip += "\non the critical path for \(DurationFormat.string(nanoseconds: trace.criticalPathNano[index]))"
        }
        if isError { tooltip += "\nerror" + (span.status.message.isEmpty ? "" : ": " + span.status.message) }
        if shift != 0 {
            tooltip += "\nshifted \(shift < 0 ? "-" : "+")\(DurationFormat.string(nanoseconds: shift.magnitude)) for clock skew"
            classes += " skew"
        }
        if span.parentRelation == .followsFrom {
            tooltip += "\nfollows from its parent (not awaited)"
            classes += " ff"
        }
        return (tooltip, classes)
    }

    /// Positions of the legend entries, wrapped to the chart width, and the legend's height.
    private func legendLayout(_ services: [String]) -> (positions: [(x: Double, y: Double)], height: Double) {
        var positions: [(x: Double, y: Double)] = []
        var x = Metric.inset
        var y = Metric.inset
        for service in services {
            let width = Metric.swatchToName + Double(min(service.count, Metric.legendNameLimit)) * Metric.characterWidth + Metric.entryGap
            if x + width > layout.width, x > Metric.inset {
                x = Metric.inset
                y += layout.legendRowHeight
            }
            positions.append((x, y))
            x += width
        }
        return (positions, y + layout.legendRowHeight)
    }

    private func n(_ value: Double) -> String { SVGNumber.format(value) }
}
