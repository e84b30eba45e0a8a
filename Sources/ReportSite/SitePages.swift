import TraceAnalysis
import TraceCharts
import TraceModel

/// What the site's pages other than the traces' are made of.
struct SiteModel: Sendable {
    var traces: [TraceDigest]
    var graph: ServiceGraph
    var selection: TraceSelection
    var health: InstrumentationHealth
    var patterns: WastePatterns
    var workflows: Workflows
    var timeline: TimelineSection
    var comparison: BaselineComparison?
    var summary: SiteSummary
    var inputs: [ReportBuilder.Input]
    var options: ReportBuilder.Options
    /// The order of the traces in the lists of traces.
    let listOrder: [Int]
    /// The traces that have a page.
    let pagedTraces: Set<TraceID>
    /// Per service, the traces through it that have a page (in trace order).
    let pagedTracesOf: [String: [(id: TraceID, durationNano: UInt64, errors: Int, root: String)]]

    init(
        traces: [TraceDigest], graph: ServiceGraph, selection: TraceSelection, health: InstrumentationHealth, patterns: WastePatterns,
        workflows: Workflows, timeline: TimelineSection, comparison: BaselineComparison?, summary: SiteSummary,
        inputs: [ReportBuilder.Input], options: ReportBuilder.Options
    ) {
        self.traces = traces
        self.graph = graph
        self.selection = selection
        self.health = health
        self.patterns = patterns
        self.workflows = workflows
        self.timeline = timeline
        self.comparison = comparison
        self.summary = summary
        self.inputs = inputs
        self.options = options
        listOrder = TraceListPage.order(traces)
        pagedTraces = Set(selection.reasons.keys.map { traces[$0].traceID })
        var tracesOf: [String: [(id: TraceID, durationNano: UInt64, errors: Int, root: String)]] = [:]
        for index in selection.reasons.keys.sorted() {
            let trace = traces[index]
            for service in trace.services {
                tracesOf[service, default: []].append(
                    (trace.traceID, trace.durationNano, trace.errorCount, "\(trace.rootService): \(trace.rootName)"))
            }
        }
        pagedTracesOf = tracesOf
    }
}

/// A page (or file) of the site other than a trace's page, made beside the traces' pages on
/// every core or after them (`ReportBuilder.Options.sitePagesBesideTraces`).
enum SitePage: Sendable {
    case workflows, patterns, health, services, service(String), index, traceList(number: Int), summary

    /// Every one of them for `site`, the longest to make first, so that the workers finish
    /// together.
    static func all(of site: SiteModel) -> [SitePage] {
        [.summary, .index, .services, .workflows, .patterns, .health] + site.graph.nodes.keys.sorted().map { .service($0) }
            + (1...TraceListPage.pageCount(traceCount: site.traces.count)).map { .traceList(number: $0) }
    }
}

/// The pages of a site other than the traces', with what they are made of.
struct SitePages: Sendable {
    var model: SiteModel
    var pages: [SitePage]
}

extension ReportBuilder {
    /// The path and text of `page` of `site`.
    func render(_ page: SitePage, of site: SiteModel) throws(ReportError) -> (path: String, text: String) {
        let options = site.options
        switch page {
        case .workflows:
            var workflowsPage = WorkflowsPage(workflows: site.workflows, traces: site.traces)
            workflowsPage.title = options.title
            workflowsPage.joinAttribute = options.joinAttribute
            workflowsPage.pagedTraces = site.pagedTraces
            let text = try workflowsPage.render(templates: templates) { svg throws(ReportError) in
                try validated(svg, page: WorkflowsPage.path, by: validator)
            }
            return (WorkflowsPage.path, text)
        case .patterns:
            var patternsPage = PatternsPage(patterns: site.patterns, traceCount: site.traces.count)
            patternsPage.title = options.title
            patternsPage.pagedTraces = site.pagedTraces
            return (PatternsPage.path, patternsPage.render(templates: templates))
        case .health:
            var healthPage = HealthPage(health: site.health)
            healthPage.title = options.title
            healthPage.pagedTraces = site.pagedTraces
            return (HealthPage.path, healthPage.render(templates: templates))
        case .services: return (ServicesPage.path, try servicesPage(of: site))
        case .service(let name): return (ServicePage.path(for: name), try servicePage(name, of: site))
        case .index: return ("index.html", try indexPage(of: site))
        case .traceList(let number):
            var list = TraceListPage(traces: site.traces, selection: site.selection, order: site.listOrder)
            list.title = options.title
            list.time = options.time
            return (TraceListPage.path(number: number), list.render(number: number, templates: templates))
        case .summary: return (SiteSummary.fileName, site.summary.json())
        }
    }

    private func servicesPage(of site: SiteModel) throws(ReportError) -> String {
        let graphSVG = try validated(ServiceGraphChart(graph: site.graph).svg(), page: ServicesPage.path, by: validator)
        var services = ServicesPage(graph: site.graph, traceCount: site.traces.count)
        services.title = site.options.title
        services.pagedTraces = site.pagedTraces
        services.comparison = site.comparison
        services.timeline = try site.timeline.values(
            intro: "The requests each service served (server, consumer and root spans).", chart: nil,
            changing: { if case .service = $0 { true } else { false } },
            rows: site.timeline.series.keys.filter { if case .service = $0 { true } else { false } }, rowHeading: "Service", linkPrefix: "",
            validate: { svg throws(ReportError) in try validated(svg, page: ServicesPage.path, by: validator) })
        return services.render(graphSVG: graphSVG, templates: templates)
    }

    private func servicePage(_ name: String, of site: SiteModel) throws(ReportError) -> String {
        let (graph, timeline) = (site.graph, site.timeline)
        let path = ServicePage.path(for: name)
        let chart = try validated(ServiceGraphChart(graph: graph.neighbourhood(of: name)).svg(), page: path, by: validator)
        var page = ServicePage(name: name, graph: graph)
        page.title = site.options.title
        page.traces = site.pagedTracesOf[name] ?? []
        var histogram: String?
        if let svg = page.latencyHistogram() { histogram = try validated(svg, page: path, by: validator) }
        if timeline.series[.service(name)] != nil {
            // The service's own series, and the calls it made and took (as spans in both services).
            let touches: (Timeline.Subject) -> Bool = { subject in
                switch subject {
                case .service(let service): service == name
                case .edge(let caller, let callee): caller == name || callee == name
                default: false
                }
            }
            page.timeline = try timeline.values(
                intro: "The requests \(name) served (server, consumer and root spans), and the calls between it and other services.",
                chart: .service(name), changing: touches,
                rows: timeline.series.keys.filter { if case .edge = $0 { touches($0) } else { false } }, rowHeading: "Calls",
                linkPrefix: "../", validate: { svg throws(ReportError) in try validated(svg, page: path, by: validator) })
        }
        return page.render(graphSVG: chart, histogramSVG: histogram, templates: templates)
    }

    private func indexPage(of site: SiteModel) throws(ReportError) -> String {
        let options = site.options
        var index = IndexPage(
            title: options.title, traces: site.traces, selection: site.selection, inputs: site.inputs,
            listOrder: site.listOrder)
        index.time = options.time
        index.scatterSVG = try validated(
            IndexPage.scatter(traces: site.traces, selection: site.selection, time: options.time).svg(), page: "index.html", by: validator)
        index.comparison = site.comparison
        index.health = site.health
        index.patterns = site.patterns
        index.workflowCount = site.workflows.workflows.count
        index.timeline = try site.timeline.values(
            intro: "Every request: the root span of every trace.", chart: .all, changing: { _ in true },
            rows: site.timeline.series.keys.filter { if case .entryPoint = $0 { true } else { false } }, rowHeading: "Entry point",
            linkPrefix: "", validate: { svg throws(ReportError) in try validated(svg, page: "index.html", by: validator) })
        return try index.render(templates: templates) { svg throws(ReportError) in try validated(svg, page: "index.html", by: validator) }
    }
}
