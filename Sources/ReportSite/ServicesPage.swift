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
    /// The `timeline` partial's values (`TimelineSection.values`).
    var timeline: [String: Any] = [:]

    func render(graphSVG: String, templates: TemplateSet) -> String {
        let context: [String: Any] = [
            "csp": templates.servicesPagePolicy,
            "script": templates.tablesScript,
            "css": templates.css,
            "serviceCount": graph.nodes.values.count { !$0 },
            "virtualCount": graph.nodes.values.count { $0 },
            "edgeCount": graph.edges.count,
            "traceCount": traceCount,
            "title": title,
            "changes": comparison.map(ChangesValues.values) ?? false,
            "graph": graphSVG,
            "timeline": timeline,
            "hopRows": hopRows(templates),
            "operationRows": operationRows(templates),
            "exactLimit": LatencySketch.exactLimit,
            "accuracy": DurationFormat.fixed(LatencySketch.relativeAccuracy * 100, decimals: 0) + "%",
        ]
        return templates.render("services", context)
    }

    /// The `hop-row` partial's values and switches.
    static let hopRow = PlannedPartial(
        name: "hop-row",
        names: .link("caller") + .values("arrow") + .link("callee") + .values("calls", "errors", "errorText") + .latency + .exemplars
            + .switches("hasErrors", "notTraced"))

    /// The `operation-row` partial's values and switches.
    static let operationRow = PlannedPartial(
        name: "operation-row",
        names: .link("service") + .values("operation", "calls", "selfShare", "selfPercent", "errors", "errorText") + .latency
            + .exemplars + .switches("hasErrors"))

    /// The rows of the slowest hops: caller → callee edges, slowest p95 first.
    private func hopRows(_ templates: TemplateSet) -> String {
        var writer = RowWriter(templates.plan(Self.hopRow))
        var out = ""
        // Each p95 is worked out once, not once a comparison.
        let byP95 = graph.edges.map { (key: $0.key, value: $0.value, p95: $0.value.latency.quantile(0.95)) }
        for (key, metrics, _) in byP95.sorted(by: { ($1.p95, $0.key) < ($0.p95, $1.key) }) {
            let row: PlanFields<String, Bool> =
                .link(key.caller) + .values(Self.arrow(key.style)) + .link(key.callee)
                + .values(String(metrics.calls), String(metrics.errors), Self.rate(metrics)) + .latency(Self.quantiles(metrics.latency))
                + .exemplars(metrics, pagedTraces: pagedTraces) + .switches(metrics.errors > 0, graph.nodes[key.callee] == true)
            writer.append(row, to: &out)
        }
        return out
    }

    /// The rows of the slowest operations, slowest p95 first.
    private func operationRows(_ templates: TemplateSet) -> String {
        var writer = RowWriter(templates.plan(Self.operationRow))
        var out = ""
        let byP95 = graph.operations.map { (key: $0.key, value: $0.value, p95: $0.value.metrics.latency.quantile(0.95)) }
        for (key, operation, _) in byP95.sorted(by: { ($1.p95, $0.key) < ($0.p95, $1.key) }) {
            let metrics = operation.metrics
            let row: PlanFields<String, Bool> =
                .link(key.service)
                + .values(
                    key.operation, String(metrics.calls), DurationFormat.fixed(operation.selfShare, decimals: 4),
                    DurationFormat.fixed(operation.selfShare * 100, decimals: 1) + "%", String(metrics.errors), Self.rate(metrics))
                + .latency(Self.quantiles(metrics.latency)) + .exemplars(metrics, pagedTraces: pagedTraces)
                + .switches(metrics.errors > 0)
            writer.append(row, to: &out)
        }
        return out
    }

    /// The latency at each of `qs` (1 is the maximum).
    static func quantiles(_ latency: LatencySketch, _ qs: [Double] = [0.5, 0.95, 0.99, 1]) -> [UInt64] {
        latency.quantiles(qs)
    }

    /// A service's name and the path of its page, for the `service-link` partial in a
    /// Mustache-rendered table (the key-attribute coverage).
    static func linkValues(_ service: String) -> [String: Any] {
        ["name": service, "path": ServicePage.path(for: service), "isSelf": false]
    }

    /// " → " between a caller and its callee, " ⇢ " when the call is asynchronous.
    static func arrow(_ style: ServiceCall.Style) -> String { style == .asynchronous ? " ⇢ " : " → " }

    private static func rate(_ metrics: ServiceGraph.Metrics) -> String {
        metrics.errors == 0 ? "0" : "\(metrics.errors) (\(DurationFormat.fixed(metrics.errorRate * 100, decimals: 1))%)"
    }
}
