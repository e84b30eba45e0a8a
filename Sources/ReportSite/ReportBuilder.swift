import Dispatch
public import Foundation
import Synchronization
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
        try writeTracePages(traces, to: staging)
        let siteGraph = ServiceGraph(traces: traces)
        let graphSVG = try validated(ServiceGraphChart(graph: siteGraph).svg(), page: ServicesPage.path, by: validator)
        try staging.write(
            ServicesPage(graph: siteGraph, traceCount: traces.count).render(graphSVG: graphSVG, templates: templates),
            to: ServicesPage.path)
        let index = IndexPage(traces: traces, inputs: inputs)
        try staging.write(index.render(templates: templates), to: "index.html")
        try staging.publish()
    }

    /// Renders and writes one page per trace, on every core: each worker takes every n-th trace
    /// and validates with a grammar of its own (libxml2 promises nothing about sharing one across
    /// threads). Pages do not depend on the order they are written in, so output stays identical;
    /// the first failure by trace order is the one reported.
    private func writeTracePages(_ traces: [Trace], to staging: SiteStaging) throws(ReportError) {
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, traces.count))
        var extraValidators: [SVGValidator] = []
        for _ in 1..<workers {
            do {
                extraValidators.append(try SVGValidator(schema: validator.schema))
            } catch {
                throw .invalidChart(page: "(schema)", messages: error.messages)
            }
        }
        let validators = [validator] + extraValidators
        let failures = Mutex<[(Int, ReportError)]>([])
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for index in stride(from: worker, to: traces.count, by: workers) {
                let trace = traces[index]
                let path = TracePage.path(for: trace.traceID)
                do throws(ReportError) {
                    var waterfallLayout = WaterfallChart.Layout()
                    waterfallLayout.rowBudget = rowBudget
                    let waterfall = try validated(
                        WaterfallChart(trace: trace, layout: waterfallLayout).svg(), page: path, by: validators[worker])
                    let graph = try validated(
                        ServiceGraphChart(graph: ServiceGraph(traces: [trace])).svg(), page: path, by: validators[worker])
                    let page = TracePage(trace: trace, expandableListLimit: rowBudget).render(
                        waterfallSVG: waterfall, graphSVG: graph, templates: templates)
                    try staging.write(page, to: path)
                } catch {
                    failures.withLock { $0.append((index, error)) }
                    return
                }
            }
        }
        if let first = failures.withLock({ $0.min { $0.0 < $1.0 } }) { throw first.1 }
    }

    /// `svg`, once it has passed validation.
    private func validated(_ svg: String, page: String, by validator: SVGValidator) throws(ReportError) -> String {
        do {
            try validator.validate(svg)
        } catch {
            throw .invalidChart(page: page, messages: error.messages)
        }
        return svg
    }
}
