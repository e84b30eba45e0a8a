// Times trace pages: drawing the waterfall and service-graph SVGs, validating them with libxml2,
// and rendering the page HTML, one core, per span; then the whole site (all cores) for the same
// traces. The share of validation in page generation is validate / (draw + validate + HTML).
// Run: swift run -c release --package-path Benchmarks PageRendering [TRACES]
import Dispatch
import Foundation
import ReportSite
import TestSupport
import TraceAnalysis
import TraceAssembly
import TraceCharts
import XMLValidation

let traceCount = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 2_000 : 2_000
var generator = SyntheticTraces()
let traces = TraceAssembler().assemble((0..<traceCount).flatMap { _ in generator.nextTrace() })
let spanCount = traces.reduce(0) { $0 + $1.spans.count }
let templates = try TemplateSet()
let validator = SVGValidator()

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

var best = (draw: Double.infinity, validate: Double.infinity, html: Double.infinity, site: Double.infinity)
var bytes = 0
for _ in 0..<3 {
    var charts: [(String, String)] = []
    charts.reserveCapacity(traces.count)
    let draw = seconds {
        for trace in traces {
            charts.append((WaterfallChart(trace: trace).svg(), ServiceGraphChart(graph: ServiceGraph(traces: [trace])).svg()))
        }
    }
    let validate = try seconds {
        for (waterfall, graph) in charts {
            try validator.validate(waterfall)
            try validator.validate(graph)
        }
    }
    bytes = 0
    let html = seconds {
        for (trace, (waterfall, graph)) in zip(traces, charts) {
            bytes +=
                TracePage(trace: trace, expandableListLimit: 2_000).render(waterfallSVG: waterfall, graphSVG: graph, templates: templates)
                .utf8.count
        }
    }
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("page-rendering-\(getpid())")
    // Every trace gets a page, as in the stages above.
    var options = ReportBuilder.Options()
    options.selection.all = true
    options.selection.maximumPages = .max
    let site = try seconds {
        try ReportBuilder(templates: templates).build(traces: traces, inputs: [], output: output, options: options)
    }
    try? FileManager.default.removeItem(at: output)
    best = (min(best.draw, draw), min(best.validate, validate), min(best.html, html), min(best.site, site))
}
let pageTime = best.draw + best.validate + best.html
print("\(traces.count) traces, \(spanCount) spans, \(bytes / traces.count) bytes per page (best of 3)")
for (stage, time) in [("draw SVGs", best.draw), ("validate SVGs", best.validate), ("page HTML", best.html)] {
    let perSpan = time / Double(spanCount) * 1e6
    print(
        stage + String(repeating: " ", count: 15 - stage.count)
            + "\(Int(time * 1000)) ms  \(String(format: "%.1f", perSpan)) µs/span  \(Int(100 * time / pageTime))%")
}
print(
    "whole site     \(Int(best.site * 1000)) ms on \(ProcessInfo.processInfo.activeProcessorCount) cores  \(String(format: "%.1f", best.site / Double(spanCount) * 1e6)) µs/span"
)
