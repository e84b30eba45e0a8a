import Foundation
import Mustache
public import TraceAnalysis
public import TraceAssembly
import TraceCharts
public import TraceModel

/// The page of one trace: facts, warnings, the waterfall, and the expandable span list.
public struct TracePage: Sendable {
    let trace: Trace
    /// The largest trace whose span list is drawn as expandable rows; above it, text.
    let expandableListLimit: Int
    /// How times are shown.
    public var time = TimeDisplay.utc
    /// The report's title, shown in the breadcrumbs.
    public var siteTitle = ReportBuilder.defaultTitle
    /// A page on its own (an incident attachment): no links to a site around it.
    public var standalone = false
    /// Why the trace got its page, for the header.
    public var reasons: [String] {
        get { if case .known(let list) = reasonsShown { list } else { [] } }
        set { reasonsShown = .known(newValue) }
    }
    /// The section comparing the trace with another (the typical request of its entry point),
    /// its chart validated (`ReportBuilder.comparisonHTML`); empty for none.
    public var comparisonHTML = ""
    /// Instead of a comparison, a mark holding the trace's profile, for `fillingComparison` to
    /// replace once the typical request is known: the `build` stage draws pages before `merge`
    /// knows it.
    public var comparisonPlaceholder = false
    /// Why the trace got its page, or a mark to be replaced with the reasons later.
    public var reasonsShown = Reasons.known([])

    /// What a page's header says of why it was made.
    public enum Reasons: Sendable, Equatable {
        case known([String])
        /// `placeholder`, for `filling(_:reasons:)` to replace once the reasons are known: the
        /// `build` stage draws pages before `merge` has chosen them. Every text from the input is
        /// escaped, so the mark, which begins with "<", can only come from here (or a template).
        case placeholder
    }

    /// The mark a page drawn with `Reasons.placeholder` holds.
    public static let placeholder = "<!--tracereport:reasons-->"

    /// The start of the mark a page drawn with `comparisonPlaceholder` holds; the trace's profile
    /// (JSON, its "-" written "\u002d" so that no "--" ends the comment early) and "-->" follow.
    static let comparisonMark = "<!--tracereport:comparison "

    /// The mark holding `profile`.
    static func comparisonMark(holding profile: TraceProfile) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = (try? encoder.encode(profile)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return comparisonMark + json.replacingOccurrences(of: "-", with: "\\u002d") + "-->"
    }

    /// The profile in `page`'s comparison mark, and where the mark is; nil when it holds none
    /// (or one that does not decode).
    public static func comparisonProfile(in page: String) -> (profile: TraceProfile, range: Range<String.Index>)? {
        guard let start = page.range(of: comparisonMark), let end = page.range(of: "-->", range: start.upperBound..<page.endIndex)
        else { return nil }
        let json = page[start.upperBound..<end.lowerBound]
        guard let profile = try? JSONDecoder().decode(TraceProfile.self, from: Data(json.utf8)) else { return nil }
        return (profile, start.lowerBound..<end.upperBound)
    }

    /// `page` with the placeholders replaced by `reasons` and by what `comparison` makes of the
    /// profile of its trace; nil when it holds no placeholder.
    public static func filling<Failure: Error>(
        _ page: String, reasons: [String], comparison: (TraceProfile) throws(Failure) -> String
    ) throws(Failure) -> String? {
        guard let found = comparisonProfile(in: page) else { return nil }
        var filled = page
        filled.replaceSubrange(found.range, with: try comparison(found.profile))
        guard let range = filled.range(of: placeholder) else { return nil }
        return filled.replacingCharacters(in: range, with: Markup.escape(reasons.joined(separator: ", ")))
    }

    public init(trace: Trace, expandableListLimit: Int) {
        self.trace = trace
        self.expandableListLimit = expandableListLimit
    }

    /// The page's path inside the site.
    public static func path(for traceID: TraceID) -> String { "traces/\(traceID).html" }

    /// The template's values (all already escaped for HTML) and the booleans its sections test;
    /// `warnings` is the one list.
    static let valueNames = [
        "csp", "script", "css", "traceID", "rootService", "rootName", "start", "timeZone", "siteTitle", "reasons", "duration",
        "spanCount", "serviceCount", "maxDepth", "errorCount", "waterfall", "graph", "slowestHops", "spanDetails", "spanText",
        "criticalPath", "statistics", "failure", "waterfallData", "rowBudget", "failureTable", "comparison",
    ]
    static let switchNames = ["inSite", "hasReasons", "hasErrors", "hasWarnings", "largeList"]

    /// Renders the page around an already validated waterfall SVG.
    public func render(waterfallSVG: String, graphSVG: String, templates: TemplateSet) -> String {
        render(waterfallSVG: waterfallSVG, graphSVG: graphSVG, templates: templates, plan: templates.tracePlan)
    }

    /// Renders with `plan` when given and the trace has no warnings (the template's one list),
    /// otherwise with Mustache.
    func render(waterfallSVG: String, graphSVG: String, templates: TemplateSet, plan: TemplatePlan?) -> String {
        let root = trace.root
        let palette = ServicePalette(services: trace.spans.map(\.service))
        // Above this many spans the list is plain text: a browser could not build the
        // expandable form quickly enough (see SpanTextListHTML).
        let largeList = trace.spans.count > expandableListLimit
        let tables = TraceTables(trace: trace, templates: templates)
        // In the order of `valueNames`.
        let values = [
            templates.tracePagePolicy,
            templates.traceScript,
            templates.css,
            trace.traceID.hex,
            Markup.escape(root.service),
            Markup.escape(root.name),
            Markup.escape(time.string(unixNano: trace.startTimeUnixNano)),
            Markup.escape(time.name),
            Markup.escape(siteTitle),
            reasonsShown == .placeholder ? Self.placeholder : Markup.escape(reasons.joined(separator: ", ")),
            DurationFormat.string(nanoseconds: trace.durationNano),
            String(trace.spans.count),
            String(trace.services.count),
            String((trace.depth.max() ?? 0) + 1),
            String(trace.errorCount),
            waterfallSVG,
            graphSVG,
            tables.largestSelfTime(),
            largeList ? "" : SpanDetailsHTML(trace: trace, palette: palette, time: time).render(),
            largeList ? SpanTextListHTML(trace: trace).render() : "",
            tables.criticalPath(),
            tables.statistics(linkServices: !standalone),
            FailureSummaryHTML.render(trace),
            largeList ? WaterfallData(trace: trace).json(rowsTop: WaterfallChart(trace: trace).rowsTop, palette: palette) : "",
            String(expandableListLimit),
            FailureSummaryHTML.table(trace),
            comparisonPlaceholder ? Self.comparisonMark(holding: TraceProfile(trace)) : comparisonHTML,
        ]
        // In the order of `switchNames`.
        let switches = [!standalone, reasonsShown != .known([]), trace.errorCount > 0, !trace.warnings.isEmpty, largeList]
        if let plan, trace.warnings.isEmpty { return plan.render(values: values, switches: switches) }
        var context: [String: Any] = ["warnings": trace.warnings.map(Markup.escape)]
        for (name, value) in zip(Self.valueNames, values) { context[name] = value }
        for (name, on) in zip(Self.switchNames, switches) { context[name] = on }
        return templates.trace.render(context)
    }
}
