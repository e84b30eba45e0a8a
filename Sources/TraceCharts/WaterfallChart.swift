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
        let height = rowsTop + Double(trace.spans.count) * layout.rowHeight + 8
        let start = trace.startTimeUnixNano
        let span = max(trace.durationNano, 1)
        let scale = chartWidth / Double(span)
        func x(_ time: UInt64) -> Double { chartLeft + Double(time &- start) * scale }

        var out = ""
        out.reserveCapacity(400 + trace.spans.count * 330)
        let title =
            "Waterfall of trace \(trace.traceID): \(trace.spans.count) spans, \(DurationFormat.string(nanoseconds: trace.durationNano))"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"waterfall\" role=\"img\" aria-label=\"\(Markup.escape(title))\""
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
            let tickX = x(start + tick)
            out += "<line x1=\"\(n(tickX))\" y1=\"\(n(rulerTop + 16))\" x2=\"\(n(tickX))\" y2=\"\(n(height - 4))\"/>"
            out += "<text x=\"\(n(tickX))\" y=\"\(n(rulerTop + 12))\">\(tick == 0 ? "0" : DurationFormat.string(nanoseconds: tick))</text>"
        }
        out += "</g>"

        // Rows.
        var sectionsOf: [Int: [CriticalPathSection]] = [:]
        for section in trace.criticalPath { sectionsOf[section.spanIndex, default: []].append(section) }
        for (index, spanValue) in trace.spans.enumerated() {
            let top = rowsTop + Double(index) * layout.rowHeight
            let indent = min(Double(trace.depth[index]) * layout.indent, layout.maximumIndent)
            let barStart = x(spanValue.startTimeUnixNano)
            let barWidth = max(Double(spanValue.durationNano) * scale, 1)
            let duration = DurationFormat.string(nanoseconds: spanValue.durationNano)
            let isError = spanValue.status.isError
            let shift = trace.clockSkewShiftNano[index]
            var tooltip =
                "\(spanValue.service): \(spanValue.name)\n\(duration) (self \(DurationFormat.string(nanoseconds: trace.selfTimeNano[index])))"
            if trace.criticalPathNano[index] > 0 {
                tooltip += "\non the critical path for \(DurationFormat.string(nanoseconds: trace.criticalPathNano[index]))"
            }
            if isError { tooltip += "\nerror" + (spanValue.status.message.isEmpty ? "" : ": " + spanValue.status.message) }
            if shift != 0 {
                tooltip += "\nshifted \(shift < 0 ? "-" : "+")\(DurationFormat.string(nanoseconds: shift.magnitude)) for clock skew"
            }
            if spanValue.parentRelation == .followsFrom { tooltip += "\nfollows from its parent (not awaited)" }
            var classes = "row"
            if isError { classes += " err" }
            if spanValue.parentRelation == .followsFrom { classes += " ff" }
            if shift != 0 { classes += " skew" }
            // Label width budget: about 6.2 px per character at the stylesheet's 11 px font.
            let labelCharacters = Int((layout.labelWidth - 6 - indent) / 6.2)
            let label = Markup.truncate("\(spanValue.service) \(spanValue.name)", to: max(labelCharacters, 4))
            out += "<g class=\"\(classes)\" id=\"w\(index)\">"
            out += "<title>\(Markup.escape(Markup.truncate(tooltip, to: 600)))</title>"
            out += "<text class=\"lbl\" x=\"\(n(4 + indent))\" y=\"\(n(top + 14))\">\(isError ? "⚠ " : "")\(Markup.escape(label))</text>"
            out +=
                "<rect class=\"\(palette.colorClass(spanValue.service))\" x=\"\(n(barStart))\" y=\"\(n(top + 4))\" width=\"\(n(barWidth))\" height=\"\(n(layout.rowHeight - 8))\"/>"
            // The critical path: a dark band through the stretches of the bar the trace waited on.
            for section in sectionsOf[index] ?? [] {
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
