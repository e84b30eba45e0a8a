import Mustache
import TraceAnalysis
import TraceCharts
import TraceModel

/// `services.html`: the site-wide dependency graph and the slowest-hop tables, per caller →
/// callee edge and per operation, sorted by p95 (slowest first) and linking to exemplar traces.
struct ServicesPage {
    static let path = "services.html"

    let graph: ServiceGraph
    let traceCount: Int
    var title = ReportBuilder.defaultTitle
    /// The traces that have a page: exemplar links go only to those.
    var pagedTraces: Set<TraceID> = []
    var comparison: BaselineComparison?

    func render(graphSVG: String, templates: TemplateSet) -> String {
        let context: [String: Any] = [
            "csp": templates.servicesPagePolicy,
            "script": templates.sortScript,
            "css": templates.css,
            "serviceCount": graph.nodes.values.count { !$0 },
            "virtualCount": graph.nodes.values.count { $0 },
            "edgeCount": graph.edges.count,
            "traceCount": traceCount,
            "title": title,
            "changes": comparison.map(ChangesHTML.render) ?? "",
            "graph": graphSVG,
            "edgeTable": edgeTable(),
            "operationTable": operationTable(),
            "exactLimit": LatencySketch.exactLimit,
            "accuracy": DurationFormat.fixed(LatencySketch.relativeAccuracy * 100, decimals: 0) + "%",
        ]
        return templates.services.render(context)
    }

    private func edgeTable() -> String {
        let rows = graph.edges.sorted { ($1.value.latency.quantile(0.95), $0.key) < ($0.value.latency.quantile(0.95), $1.key) }
        var out =
            "<table class=\"sortable\"><thead><tr><th>Caller → callee</th><th class=\"num\">Calls</th>" + Self.latencyHeads
            + "<th class=\"num\">Errors</th><th>Exemplars</th></tr></thead><tbody>"
        for (key, metrics) in rows {
            let arrow = key.style == .asynchronous ? " ⇢ " : " → "
            let virtual = graph.nodes[key.callee] == true ? " <span class=\"tag\">not traced</span>" : ""
            out +=
                "<tr\(metrics.errors > 0 ? " class=\"err\"" : "")><td>\(Self.link(key.caller))\(arrow)\(Self.link(key.callee))\(virtual)</td>"
            out += "<td class=\"num\" data-v=\"\(metrics.calls)\">\(metrics.calls)</td>" + Self.latencyCells(metrics.latency)
            out += "<td class=\"num\" data-v=\"\(metrics.errors)\">\(Self.rate(metrics))</td>"
            out += "<td>\(exemplars(metrics))</td></tr>"
        }
        return out + "</tbody></table>"
    }

    private func operationTable() -> String {
        let rows = graph.operations.sorted {
            ($1.value.metrics.latency.quantile(0.95), $0.key) < ($0.value.metrics.latency.quantile(0.95), $1.key)
        }
        var out =
            "<table class=\"sortable\"><thead><tr><th>Service</th><th>Operation</th><th class=\"num\">Count</th>" + Self.latencyHeads
            + "<th class=\"num\">Self share</th><th class=\"num\">Errors</th><th>Exemplars</th></tr></thead><tbody>"
        for (key, operation) in rows {
            let metrics = operation.metrics
            out +=
                "<tr\(metrics.errors > 0 ? " class=\"err\"" : "")><td>\(Self.link(key.service))</td><td>\(Markup.escape(key.operation))</td>"
            out += "<td class=\"num\" data-v=\"\(metrics.calls)\">\(metrics.calls)</td>" + Self.latencyCells(metrics.latency)
            out +=
                "<td class=\"num\" data-v=\"\(DurationFormat.fixed(operation.selfShare, decimals: 4))\">\(DurationFormat.fixed(operation.selfShare * 100, decimals: 1))%</td>"
            out += "<td class=\"num\" data-v=\"\(metrics.errors)\">\(Self.rate(metrics))</td><td>\(exemplars(metrics))</td></tr>"
        }
        return out + "</tbody></table>"
    }

    /// A service's name, linking to its page; `prefix` leads from the linking page to the site's
    /// top folder ("../" from a page in a subfolder).
    static func link(_ service: String, prefix: String = "") -> String {
        "<a href=\"\(prefix)\(ServicePage.path(for: service))\">\(Markup.escape(service))</a>"
    }

    private static let latencyHeads =
        "<th class=\"num\">p50</th><th class=\"num\">p95</th><th class=\"num\">p99</th><th class=\"num\">Max</th>"

    /// Table cells for the quantiles `qs` of `latency` (1 is the maximum), sortable by value.
    static func latencyCells(_ latency: LatencySketch, _ qs: [Double] = [0.5, 0.95, 0.99, 1]) -> String {
        qs.map { q in
            let value = latency.quantile(q)
            return "<td class=\"num\" data-v=\"\(value)\">\(DurationFormat.string(nanoseconds: value))</td>"
        }.joined()
    }

    private static func rate(_ metrics: ServiceGraph.Metrics) -> String {
        metrics.errors == 0 ? "0" : "\(metrics.errors) (\(DurationFormat.fixed(metrics.errorRate * 100, decimals: 1))%)"
    }

    private func exemplars(_ metrics: ServiceGraph.Metrics) -> String {
        var links: [String] = []
        if let slowest = metrics.slowestTrace, pagedTraces.contains(slowest) {
            links.append("<a href=\"\(TracePage.path(for: slowest))\">max</a>")
        }
        if let p99 = metrics.nearP99Trace, p99 != metrics.slowestTrace, pagedTraces.contains(p99) {
            links.append("<a href=\"\(TracePage.path(for: p99))\">p99</a>")
        }
        return links.joined(separator: " · ")
    }
}
