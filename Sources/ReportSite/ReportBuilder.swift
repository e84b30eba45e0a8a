public import Foundation
import TraceAnalysis
public import TraceAssembly
import TraceCharts
import TraceModel
public import XMLValidation

/// Writes a report site: `index.html` and one page per trace under `traces/`.
///
/// Every chart is validated against the project's SVG grammar before its page is written; a
/// chart that fails is a bug, and nothing is published. The site appears at the destination in
/// one rename, and the same input always gives byte-identical files.
public struct ReportBuilder {
    /// One input file, for the index page.
    public struct Input: Sendable {
        public var path: String
        public var byteCount: Int
        public var spanCount: Int
        /// How it was read, e.g. "Zipkin v2 JSON, gzip".
        public var format: String
        /// Why it was skipped, if it was.
        public var problem: String?

        public init(path: String, byteCount: Int, spanCount: Int, format: String, problem: String? = nil) {
            self.path = path
            self.byteCount = byteCount
            self.spanCount = spanCount
            self.format = format
            self.problem = problem
        }
    }

    let templates: TemplateSet
    let validator: SVGValidator
    let rowBudget: Int

    /// - Parameters:
    ///   - templates: the templates to render with.
    ///   - validator: the chart validator (default: the project's SVG grammar).
    ///   - rowBudget: above this many spans a trace page summarises its waterfall and lists its
    ///     spans as text (default 2,000).
    public init(templates: TemplateSet, validator: SVGValidator = .shared, rowBudget: Int = 2_000) {
        self.templates = templates
        self.validator = validator
        self.rowBudget = max(rowBudget, 1)
    }

    /// Renders every trace and the index, then publishes the site at `output`.
    /// - Throws: `ReportError` when a chart fails validation or the site cannot be written; then
    ///   the previous site (if any) is left untouched.
    public func build(traces: [Trace], inputs: [Input], output: URL) throws(ReportError) {
        let staging = try SiteStaging(destination: output)
        defer { staging.discard() }
        let csp = ContentSecurityPolicy.policy(forInlineStyle: templates.css)
        for trace in traces {
            let path = TracePage.path(for: trace.traceID)
            var waterfallLayout = WaterfallChart.Layout()
            waterfallLayout.rowBudget = rowBudget
            let waterfall = try validated(WaterfallChart(trace: trace, layout: waterfallLayout).svg(), page: path)
            let graph = try validated(ServiceGraphChart(graph: ServiceGraph(traces: [trace])).svg(), page: path)
            let page = TracePage(trace: trace, expandableListLimit: rowBudget).render(
                waterfallSVG: waterfall, graphSVG: graph, templates: templates)
            try staging.write(page, to: path)
        }
        let siteGraph = ServiceGraph(traces: traces)
        let graphSVG = try validated(ServiceGraphChart(graph: siteGraph).svg(), page: ServicesPage.path)
        try staging.write(
            ServicesPage(graph: siteGraph, traceCount: traces.count).render(graphSVG: graphSVG, templates: templates),
            to: ServicesPage.path)
        let index = IndexPage(traces: traces, inputs: inputs)
        try staging.write(index.render(templates: templates, csp: csp), to: "index.html")
        try staging.publish()
    }

    /// `svg`, once it has passed validation.
    private func validated(_ svg: String, page: String) throws(ReportError) -> String {
        do {
            try validator.validate(svg)
        } catch {
            throw .invalidChart(page: page, messages: error.messages)
        }
        return svg
    }
}
