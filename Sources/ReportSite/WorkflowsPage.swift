import TraceAnalysis
import TraceCharts
import TraceModel

/// `workflows.html`: requests followed across asynchronous boundaries. Each workflow's traces on
/// one timeline with the time between them, its joins listed (how, and the queue time), and the
/// traces its spans link to that are not in the input; then the traces that link only to such.
struct WorkflowsPage {
    static let path = "workflows.html"
    /// At most this many workflows are drawn (all are in `summary.json`), and this many traces of one.
    static let workflowLimit = 100
    static let traceLimit = 60

    let workflows: Workflows
    let traces: [TraceDigest]
    var title = ReportBuilder.defaultTitle
    var joinAttribute: String?
    /// Traces with a page: they are linked; the others are given by id.
    var pagedTraces: Set<TraceID> = []

    /// The anchor of a workflow on the page: its first trace's id.
    static func anchor(_ workflow: Workflows.Workflow, traces: [TraceDigest]) -> String { "w-" + traces[workflow.traces[0]].traceID.hex }

    /// A trace as a reader knows it: "checkout: POST /orders".
    static func name(_ trace: TraceDigest) -> String { "\(trace.rootService): \(trace.shownRootName)" }

    /// "queue 1.2 s", "queue −3 ms" (clocks disagree), or "queue time unknown".
    static func queue(_ join: Workflows.Join) -> String {
        guard let nano = join.queueNano else { return "queue time unknown" }
        return "queue " + (nano < 0 ? "\u{2212}" : "") + DurationFormat.string(nanoseconds: nano.magnitude)
    }

    static func via(_ join: Workflows.Join, joinAttribute: String?) -> String {
        switch join.via {
        case .link: "span link"
        case .message: "message id"
        case .attribute: "same \(joinAttribute ?? "attribute")"
        }
    }

    /// - Parameter validate: returns a chart once it has passed validation, or throws.
    func render(templates: TemplateSet, validate: (String) throws(ReportError) -> String) throws(ReportError) -> String {
        var shown: [[String: Any]] = []
        for workflow in workflows.workflows.prefix(Self.workflowLimit) {
            let drawn = Array(workflow.traces.prefix(Self.traceLimit))
            let row = Dictionary(uniqueKeysWithValues: drawn.enumerated().map { ($1, $0) })
            let chart = WorkflowChart(
                rows: drawn.map {
                    WorkflowChart.Row(
                        label: Self.name(traces[$0]), startUnixNano: traces[$0].startTimeUnixNano,
                        endUnixNano: traces[$0].startTimeUnixNano.saturatingAdding(traces[$0].durationNano),
                        failed: traces[$0].errorCount > 0)
                },
                arrows: workflow.joins.compactMap { join in
                    guard let from = row[join.from], let to = row[join.to] else { return nil }
                    return WorkflowChart.Arrow(
                        from: from, to: to, sentUnixNano: join.sentUnixNano, receivedUnixNano: join.receivedUnixNano,
                        label: Self.queue(join))
                })
            let first = traces[workflow.traces[0]].startTimeUnixNano
            let last = workflow.traces.map { traces[$0].startTimeUnixNano.saturatingAdding(traces[$0].durationNano) }.max() ?? first
            shown.append([
                "anchor": Self.anchor(workflow, traces: traces), "name": Self.name(traces[workflow.traces[0]]),
                "traceCount": workflow.traces.count, "duration": DurationFormat.string(nanoseconds: last.saturatingSubtracting(first)),
                "chart": try validate(chart.svg()), "cut": workflow.traces.count > Self.traceLimit, "traceLimit": Self.traceLimit,
                "joins": workflow.joins.map { join -> [String: Any] in
                    [
                        "from": link(join.from), "to": link(join.to), "via": Self.via(join, joinAttribute: joinAttribute),
                        "queue": Self.queue(join),
                    ]
                },
                "hasMissing": !workflow.missing.isEmpty, "missing": workflow.missing.map(\.hex).joined(separator: ", "),
            ])
        }
        let context: [String: Any] = [
            "csp": templates.servicesPagePolicy,
            "script": templates.tablesScript,
            "css": templates.css,
            "title": title,
            "joinAttribute": joinAttribute ?? false,
            "workflowCount": workflows.workflows.count,
            "traceCount": workflows.workflows.lazy.map(\.traces.count).saturatingSum(),
            "hasWorkflows": !workflows.workflows.isEmpty,
            "workflows": shown,
            "cut": workflows.workflows.count > Self.workflowLimit,
            "workflowLimit": Self.workflowLimit,
            "hasDangling": !workflows.dangling.isEmpty,
            "dangling": workflows.dangling.map { entry -> [String: Any] in
                ["trace": link(entry.trace), "missing": entry.missing.map(\.hex).joined(separator: ", ")]
            },
        ]
        return templates.render("workflows", context)
    }

    /// A trace's name and id, linked to its page if it has one (from the site's root).
    private func link(_ index: Int) -> [String: Any] {
        let trace = traces[index]
        return [
            "name": Self.name(trace), "id": trace.traceID.hex,
            "href": pagedTraces.contains(trace.traceID) ? TracePage.path(for: trace.traceID) : false,
        ]
    }

    /// The line on a trace page naming the traces before and after it in `workflow` (links
    /// relative to the trace page).
    static func navigation(of index: Int, in workflow: Workflows.Workflow, traces: [TraceDigest], pagedTraces: Set<TraceID>) -> String {
        func named(_ other: Int, _ join: Workflows.Join) -> String {
            let trace = traces[other]
            let name = Markup.escape(Self.name(trace))
            let linked =
                pagedTraces.contains(trace.traceID) ? "<a href=\"\(trace.traceID.hex).html\">\(name)</a>" : "\(name) (\(trace.traceID.hex))"
            return "\(linked), \(Markup.escape(Self.queue(join)))"
        }
        let before = workflow.joins.filter { $0.to == index }.map { named($0.from, $0) }
        let after = workflow.joins.filter { $0.from == index }.map { named($0.to, $0) }
        var parts: [String] = []
        if !before.isEmpty { parts.append("before it: " + before.joined(separator: "; ")) }
        if !after.isEmpty { parts.append("after it: " + after.joined(separator: "; ")) }
        return "<nav class=\"workflow\">One of <a href=\"../\(Self.path)#\(Self.anchor(workflow, traces: traces))\">a workflow of "
            + "\(workflow.traces.count) traces</a>; " + parts.joined(separator: "; ") + ".</nav>\n"
    }
}
