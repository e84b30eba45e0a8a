import Mustache
public import TraceAssembly
import TraceCharts
import TraceModel

/// The page of one trace: facts, warnings, the waterfall, and the expandable span list.
public struct TracePage: Sendable {
    let trace: Trace
    /// The largest trace whose span list is drawn as expandable rows; above it, text.
    let expandableListLimit: Int
    /// How times are shown.
    public var time = TimeDisplay.utc
    /// The report's title, shown in the breadcrumbs.
    public var siteTitle = "Trace report"
    /// A page on its own (an incident attachment): no links to a site around it.
    public var standalone = false
    /// Why the trace got its page, for the header.
    public var reasons: [String] = []

    public init(trace: Trace, expandableListLimit: Int) {
        self.trace = trace
        self.expandableListLimit = expandableListLimit
    }

    /// The page's path inside the site.
    static func path(for traceID: TraceID) -> String { "traces/\(traceID).html" }

    /// Renders the page around an already validated waterfall SVG.
    public func render(waterfallSVG: String, graphSVG: String, templates: TemplateSet) -> String {
        let root = trace.root
        let palette = ServicePalette(services: trace.spans.map(\.service))
        // Above this many spans the list is plain text: a browser could not build the
        // expandable form quickly enough (see SpanTextListHTML).
        let largeList = trace.spans.count > expandableListLimit
        let context: [String: Any] = [
            "csp": templates.tracePagePolicy,
            "script": templates.traceScript,
            "css": templates.css,
            "traceID": trace.traceID.hex,
            "rootService": Markup.escape(root.service),
            "rootName": Markup.escape(root.name),
            "start": Markup.escape(time.string(unixNano: trace.startTimeUnixNano)),
            "timeZone": Markup.escape(time.name),
            "siteTitle": Markup.escape(siteTitle),
            "inSite": !standalone,
            "reasons": Markup.escape(reasons.joined(separator: ", ")),
            "hasReasons": !reasons.isEmpty,
            "duration": DurationFormat.string(nanoseconds: trace.durationNano),
            "spanCount": String(trace.spans.count),
            "serviceCount": String(trace.services.count),
            "maxDepth": String((trace.depth.max() ?? 0) + 1),
            "errorCount": String(trace.errorCount),
            "hasErrors": trace.errorCount > 0,
            "warnings": trace.warnings.map(Markup.escape),
            "hasWarnings": !trace.warnings.isEmpty,
            "waterfall": waterfallSVG,
            "graph": graphSVG,
            "slowestHops": TraceTablesHTML.largestSelfTime(trace),
            "spanDetails": largeList ? "" : SpanDetailsHTML(trace: trace, palette: palette, time: time).render(),
            "spanText": largeList ? SpanTextListHTML(trace: trace).render() : "",
            "largeList": largeList,
            "criticalPath": TraceTablesHTML.criticalPath(trace),
            "statistics": TraceTablesHTML.statistics(trace, linkServices: !standalone),
        ]
        return templates.trace.render(context)
    }
}
