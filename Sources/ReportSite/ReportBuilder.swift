import Dispatch
public import Foundation
import Synchronization
public import TraceAnalysis
public import TraceAssembly
import TraceCharts
public import TraceModel
public import XMLValidation

/// Writes a report site: `index.html`, one page per selected trace under `traces/`, the services
/// pages, the instrumentation health page, the complete trace list (`all-traces-<n>.html`) and
/// `summary.json`.
///
/// Every chart is validated against the project's SVG grammar before its page is written; a
/// chart that fails is a bug, and nothing is published. The site appears at the destination in
/// one rename, and the same input always gives byte-identical files.
public struct ReportBuilder: Sendable {
    /// One input file, for the index page.
    public struct Input: Sendable {
        public var path: String
        public var byteCount: Int
        public var spanCount: Int
        /// How it was read, e.g. "Zipkin v2 JSON, gzip".
        public var format: String
        /// Why it was skipped, if it was.
        public var problem: String?
        /// The records that were dropped or repaired while reading it.
        public var issues: RecordIssues

        public init(
            path: String, byteCount: Int, spanCount: Int, format: String, problem: String? = nil, issues: RecordIssues = RecordIssues()
        ) {
            self.path = path
            self.byteCount = byteCount
            self.spanCount = spanCount
            self.format = format
            self.problem = problem
            self.issues = issues
        }

        /// The line `summary.json` warns with about this input, if any: why it was skipped, or
        /// what was dropped or repaired reading it.
        public var warning: String? {
            if let problem { return "\(path): skipped: \(problem)" }
            return issues.summary.map { "\(path): \($0) (health: dropped-records, repaired-values)" }
        }
    }

    let templates: TemplateSet
    let validator: any SVGValidating
    let rowBudget: Int

    /// - Parameters:
    ///   - templates: the templates to render with.
    ///   - validator: the chart validator (default: the project's SVG grammar).
    ///   - rowBudget: above this many spans a trace page summarises its waterfall and lists its
    ///     spans as text (default 2,000).
    public init(templates: TemplateSet, validator: any SVGValidating = SVGValidator(), rowBudget: Int = ReportBuilder.defaultRowBudget) {
        self.templates = templates
        self.validator = validator
        self.rowBudget = max(rowBudget, 1)
    }

    /// A report's title unless `--title` says otherwise.
    public static let defaultTitle = "Trace report"
    /// Above this many spans a trace page summarises its waterfall, unless `--row-budget` says otherwise.
    public static let defaultRowBudget = WaterfallChart.Layout.defaultRowBudget

    /// What a site holds beyond the traces themselves.
    public struct Options: Sendable {
        /// The name on every page and in `summary.json`.
        public var title = ReportBuilder.defaultTitle
        /// Which traces get a page.
        public var selection = TraceSelection.Policy()
        /// How times are shown.
        public var time = TimeDisplay.utc
        /// Last run's summary, for the "Changes since the baseline" sections.
        public var baseline: SiteSummary?
        public var thresholds = BaselineComparison.Thresholds()
        /// The attributes whose coverage the health page measures.
        public var keyAttributes = InstrumentationHealth.defaultKeyAttributes
        /// What counts as a pattern that wastes time.
        public var wasteThresholds = WastePatterns.Thresholds()
        /// The sizes the timeline's buckets may take (`--bucket`).
        public var buckets = BucketGrid()
        /// The attribute whose shared values join traces into workflows (`--join-attribute`).
        public var joinAttribute: String?
        /// Lines for `summary.json`'s warnings (inputs skipped, say).
        public var warnings: [String] = []
        /// Where the site will be published (checked with `SiteSummary.baseURL(_:)`): absolute
        /// links in `summary.json` only; the pages link relatively.
        public var baseURL: String?
        /// Replace the output folder even if tracereport did not write it.
        public var force = false
        /// Files and folders read while the site is written (`merge`'s parts), which the output
        /// must not hold, as it must not hold an input.
        public var readWhileWriting: [String] = []
        /// Told how many of the pages are written (from any thread, often).
        public var progress: (@Sendable (_ written: Int, _ total: Int) -> Void)?
        /// Whether the site's own pages (index, summary, services, ...) are made beside the
        /// traces' pages on every core, or one at a time after them: slower, but the large ones
        /// (the index and summary of every trace) are never in memory together, as the merge of
        /// a run under a memory budget needs.
        public var sitePagesBesideTraces = true

        public init() {}
    }

    /// What was written.
    public struct Outcome: Sendable {
        public var summary: SiteSummary
        public var comparison: BaselineComparison?
        public var health: InstrumentationHealth
    }

    /// Renders the selected traces, the index, the services page and `summary.json`, then
    /// publishes the site at `output`.
    /// - Parameter spanIDsInSeveralTraces: the places of span ids met in several traces, from the
    ///   spans as read (`InstrumentationHealth.Tally.spanIDsInSeveralTraces(in:)`); by default
    ///   found in the traces' spans.
    /// - Throws: `ReportError` when a chart fails validation or the site cannot be written; then
    ///   the previous site (if any) is left untouched.
    @discardableResult
    public func build(
        traces: [Trace], inputs: [Input], output: URL, options: Options = Options(), spanIDsInSeveralTraces: [SpanIDLocation]? = nil
    ) throws(ReportError) -> Outcome {
        let places = spanIDsInSeveralTraces ?? InstrumentationHealth.Tally.spanIDsInSeveralTraces(inTraces: traces)
        let report = PartialReport(
            traces: traces, keyAttributes: options.keyAttributes, spanIDsInSeveralTraces: places, wasteThresholds: options.wasteThresholds,
            buckets: options.buckets, joinAttribute: options.joinAttribute)
        return try build(report: report, inputs: inputs, output: output, options: options, pages: TracesInMemory(traces))
    }

    /// Writes the site of `report`, taking the pages of the traces it selects from `pages`.
    /// - Throws: `ReportError` when a chart fails validation, a page cannot be had, or the site
    ///   cannot be written; then the previous site (if any) is left untouched.
    @discardableResult
    public func build(
        report: PartialReport, inputs: [Input], output: URL, options: Options = Options(), pages: some TracePageSource
    ) throws(ReportError) -> Outcome {
        let staging = try SiteStaging(
            destination: output, kind: .site, inputs: inputs.map(\.path) + options.readWhileWriting, force: options.force)
        defer { staging.discard() }
        let outcome = try write(report: report, inputs: inputs, options: options, pages: pages, to: staging)
        try staging.publish()
        return outcome
    }

    /// Writes every file of the site of `report` to `site` (nothing is published: see `build`).
    /// - Throws: `ReportError` when a chart fails validation, a page cannot be had, or a file
    ///   cannot be written.
    public func write(
        report: PartialReport, inputs: [Input], options: Options = Options(), pages: some TracePageSource, to site: some SiteFiles
    ) throws(ReportError) -> Outcome {
        let traces = report.traces
        let siteGraph = report.graph
        var health = report.findings
        health.addReadingIssues(inputs.map { ($0.path, $0.spanCount, $0.issues) })
        let patterns = report.wastePatterns
        let selection = TraceSelection(
            traces: traces, graph: siteGraph, policy: options.selection, healthExamples: health.exampleTraces,
            patternExamples: patterns.exampleTraces)
        let workflows = report.joinedWorkflows
        var summary = SiteSummary(
            title: options.title, traces: traces, graph: siteGraph, selection: selection, inputs: inputs, warnings: options.warnings,
            baseURL: options.baseURL)
        summary.health = SiteSummary.Health(health)
        summary.wastePatterns = SiteSummary.Patterns(patterns)
        summary.workflows = SiteSummary.Workflows(workflows, traces: traces, joinAttribute: options.joinAttribute)
        let timeline = TimelineSection(timeline: report.timeline, traces: traces, time: options.time, baseline: options.baseline)
        summary.timeline = timeline.summary
        let comparison = options.baseline.map { BaselineComparison(baseline: $0, current: summary, thresholds: options.thresholds) }
        let model = SiteModel(
            traces: traces, graph: siteGraph, selection: selection, health: health, patterns: patterns, workflows: workflows,
            timeline: timeline, comparison: comparison, summary: summary, inputs: inputs, options: options)
        // The site's other pages: beside the traces' pages on every core, or after them (see
        // `Options.sitePagesBesideTraces`).
        let others = SitePages(model: model, pages: SitePage.all(of: model))
        if options.sitePagesBesideTraces {
            try writeTracePages(
                traces, selection: selection, workflows: workflows, options: options, pages: pages, andThen: others, to: site)
        } else {
            try writeTracePages(traces, selection: selection, workflows: workflows, options: options, pages: pages, andThen: nil, to: site)
            for page in others.pages {
                let (path, text) = try render(page, of: model)
                try site.write(text, to: path)
            }
        }
        return Outcome(summary: summary, comparison: comparison, health: health)
    }

    /// Has the page of every selected trace made by `pages`, and writes them, then `others`.
    private func writeTracePages(
        _ traces: [TraceDigest], selection: TraceSelection, workflows: Workflows, options: Options, pages: some TracePageSource,
        andThen others: SitePages?, to site: some SiteFiles
    ) throws(ReportError) {
        let typical = try typicalRequests(traces, selection: selection, pages: pages)
        let paged = Set(selection.reasons.keys.map { traces[$0].traceID })
        var workflowNumbers: [Int: Int] = [:]
        for (number, workflow) in workflows.workflows.enumerated() {
            for trace in workflow.traces where selection.contains(trace) { workflowNumbers[trace] = number }
        }
        let workflowOf = workflowNumbers
        try writePages(selection.reasons.keys.sorted(), andThen: others, to: site, progress: options.progress) {
            index throws(ReportError) in
            let reasons = (selection.reasons[index] ?? []).map(\.description)
            let workflow = workflowOf[index].map {
                WorkflowsPage.navigation(of: index, in: workflows.workflows[$0], traces: traces, pagedTraces: paged)
            }
            let text = try pages.page(
                of: traces[index], at: index, reasons: reasons, typical: typical[index], workflow: workflow ?? "", builder: self,
                options: options)
            return (TracePage.path(for: traces[index].traceID), text)
        }
    }

    /// For each page of a trace slower than the typical request of its entry point (the one
    /// nearest its median duration), that request.
    private func typicalRequests(
        _ traces: [TraceDigest], selection: TraceSelection, pages: some TracePageSource
    ) throws(ReportError) -> [Int: TypicalRequest] {
        let typical = TraceSelection.typicalRequests(traces)
        var requests: [Int: TypicalRequest] = [:]
        var byIndex: [Int: TypicalRequest] = [:]
        for index in selection.reasons.keys.sorted() {
            let trace = traces[index]
            guard let other = typical[ServiceGraph.OperationKey(service: trace.rootService, operation: trace.rootName)],
                trace.durationNano > traces[other].durationNano
            else { continue }
            if requests[other] == nil {
                let otherID = traces[other].traceID
                requests[other] = TypicalRequest(
                    profile: try pages.profile(of: traces[other], at: other),
                    label: "the typical request of \(trace.rootService): \(trace.rootName)",
                    path: selection.contains(other) ? "\(otherID.hex).html" : nil)
            }
            byIndex[index] = requests[other]
        }
        return byIndex
    }

    /// Draws the pages of `traces` (by index into them) with the reasons and the comparison left
    /// to be filled in (`TracePage.Reasons.placeholder`, `TracePage.comparisonPlaceholder`), as the
    /// site has them: `traces/<id>.html` in `site`.
    public func drawPages(of traces: [Trace], _ indices: [Int], options: Options, to site: some SiteFiles) throws(ReportError) {
        try writePages(indices, to: site, progress: options.progress) { index throws(ReportError) in
            (
                TracePage.path(for: traces[index].traceID),
                try pageText(traces[index], reasons: .placeholder, typical: nil, options: options)
            )
        }
    }

    /// Makes the page of each of `chosen` (in increasing order) with `page`, then each of
    /// `others`, on every core and writes them from one thread: files created in one folder by
    /// several threads at once cost the kernel far more than the same files created by one. At
    /// most a few pages wait to be written. Pages do not depend on the order they are written in,
    /// so output stays identical; the first failure in that order is the one reported. `others`
    /// are made first (the index and the summary take longest), then each worker takes the next
    /// page no other has taken, so that the workers finish together. `progress` counts the pages
    /// of `chosen`.
    private func writePages(
        _ chosen: [Int], andThen others: SitePages? = nil, to site: some SiteFiles,
        progress: (@Sendable (_ written: Int, _ total: Int) -> Void)?,
        page: @Sendable (Int) throws(ReportError) -> (path: String, text: String)
    ) throws(ReportError) {
        let total = chosen.count + (others?.pages.count ?? 0)
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, total))
        let state = PageWriting(waiting: 4 * workers)
        let order = Array(chosen.count..<total) + Array(0..<chosen.count)
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while !state.failed {
                let taken = next.add(1, ordering: .relaxed).oldValue
                guard taken < total else { return }
                let position = order[taken]
                let isTrace = position < chosen.count
                do throws(ReportError) {
                    let (path, text) =
                        if let others, !isTrace { try render(others.pages[position - chosen.count], of: others.model) } else {
                            try page(chosen[position])
                        }
                    state.write(at: position) { () throws(ReportError) in
                        try site.write(text, to: path)
                        if isTrace { progress?(state.written.add(1, ordering: .relaxed).newValue, chosen.count) }
                    }
                } catch {
                    state.fail(position, error)
                    return
                }
            }
        }
        if let first = state.finish() { throw first }
    }

    /// The text of the page of `trace`, with `reasons` in its header (see `TracePage.Reasons`),
    /// compared with `typical` when given, `workflow` under the comparison; with the reasons to be
    /// filled in, the comparison and the workflow are too.
    public func pageText(
        _ trace: Trace, reasons: TracePage.Reasons, typical: TypicalRequest?, workflow: String = "", options: Options
    ) throws(ReportError) -> String {
        var page = try tracePage(trace, path: TracePage.path(for: trace.traceID))
        page.page.time = options.time
        page.page.siteTitle = options.title
        page.page.reasonsShown = reasons
        page.page.comparisonPlaceholder = reasons == .placeholder
        page.page.comparisonHTML =
            try comparisonHTML(typical.map { $0.section(comparing: TraceProfile(trace)) }, page: TracePage.path(for: trace.traceID))
            + workflow
        return page.render(templates)
    }

    /// The page of `trace` as one self-contained file, outside any site (`tracereport trace`):
    /// an incident page (`path` names it in errors), compared with `comparison`'s other trace
    /// (named by its label) when given.
    public func incidentPage(
        _ trace: Trace, path: String, time: TimeDisplay = .utc, comparison: ComparisonSection? = nil
    ) throws(ReportError) -> String {
        var page = try tracePage(trace, path: path)
        page.page.standalone = true
        page.page.time = time
        page.page.comparisonHTML = try comparisonHTML(comparison, page: path)
        return page.render(templates)
    }

    /// The section of a trace page comparing its trace with another, its chart validated; empty
    /// for none.
    public func comparisonHTML(_ section: ComparisonSection?, page: String) throws(ReportError) -> String {
        guard let section else { return "" }
        let chart = try validated(section.chart, page: page, by: validator)
        return ComparisonHTML.render(section.comparison, label: section.label, otherPath: section.otherPath, chartSVG: chart)
    }

    /// A trace page with its charts drawn and validated, ready to render.
    struct ValidatedTracePage: Sendable {
        var page: TracePage
        let waterfallSVG: String
        let graphSVG: String

        func render(_ templates: TemplateSet) -> String {
            page.render(waterfallSVG: waterfallSVG, graphSVG: graphSVG, templates: templates)
        }
    }

    /// Draws and validates the charts of one trace's page (`path` names it in errors).
    func tracePage(_ trace: Trace, path: String) throws(ReportError) -> ValidatedTracePage {
        var waterfallLayout = WaterfallChart.Layout()
        waterfallLayout.rowBudget = rowBudget
        let waterfall = try validated(
            WaterfallChart(trace: trace, layout: waterfallLayout).svg(), page: path, by: validator)
        let graph = try validated(
            ServiceGraphChart(graph: ServiceGraph(traces: [trace])).svg(), page: path, by: validator)
        return ValidatedTracePage(page: TracePage(trace: trace, expandableListLimit: rowBudget), waterfallSVG: waterfall, graphSVG: graph)
    }

    /// `svg`, once it has passed validation.
    func validated(_ svg: String, page: String, by validator: any SVGValidating) throws(ReportError) -> String {
        do {
            try validator.validate(svg)
        } catch {
            throw .invalidChart(page: page, messages: error.messages)
        }
        return svg
    }
}

/// Where the pages of the selected traces come from: the traces themselves, or pages and traces
/// that the `build` stage left.
public protocol TracePageSource: Sendable {
    /// The text of the page of `trace`, the trace at `index` of the report, with `reasons` in its
    /// header, compared with `typical` when given, and `workflow` (the line naming the traces
    /// before and after it, or "") under the comparison.
    func page(
        of trace: TraceDigest, at index: Int, reasons: [String], typical: TypicalRequest?, workflow: String, builder: ReportBuilder,
        options: ReportBuilder.Options
    ) throws(ReportError) -> String

    /// The profile of `trace`, the trace at `index` of the report, for comparisons with it.
    func profile(of trace: TraceDigest, at index: Int) throws(ReportError) -> TraceProfile
}

/// The typical request of an entry point, as a page of a slower request of it is compared with.
public struct TypicalRequest: Sendable {
    public var profile: TraceProfile
    /// "the typical request of checkout: POST /orders".
    public var label: String
    /// Its page, from another trace page; nil when it has none.
    public var path: String?

    /// The section comparing the trace `profile` describes with this request.
    public func section(comparing profile: TraceProfile) -> ComparisonSection {
        ComparisonSection(TraceComparison(profile, with: self.profile), label: label, barLabel: "Typical request", otherPath: path)
    }
}

/// Pages drawn from traces in memory, in the order of the report's digests.
public struct TracesInMemory: TracePageSource {
    let traces: [Trace]

    public init(_ traces: [Trace]) { self.traces = traces }

    public func page(
        of trace: TraceDigest, at index: Int, reasons: [String], typical: TypicalRequest?, workflow: String, builder: ReportBuilder,
        options: ReportBuilder.Options
    ) throws(ReportError) -> String {
        try builder.pageText(traces[index], reasons: .known(reasons), typical: typical, workflow: workflow, options: options)
    }

    public func profile(of trace: TraceDigest, at index: Int) -> TraceProfile { TraceProfile(traces[index]) }
}
