import Mustache
import TraceAssembly
import TraceCharts
import TraceModel

/// The site's front page: totals, one row per trace (sorted by start), and the input files.
struct IndexPage {
    /// One input file and what it held.
    struct Input {
        var path: String
        var byteCount: Int
        var spanCount: Int
    }

    let traces: [Trace]
    let inputs: [Input]

    func render(templates: TemplateSet, csp: String) -> String {
        let rows: [[String: Any]] = traces.map { trace in
            let root = trace.root
            return [
                "href": TracePage.path(for: trace.traceID),
                "start": UTCTime.string(unixNano: trace.startTimeUnixNano),
                "rootService": root.service,
                "rootName": root.name,
                "duration": DurationFormat.string(nanoseconds: trace.durationNano),
                "spanCount": trace.spans.count,
                "services": trace.services.joined(separator: ", "),
                "errorCount": trace.errorCount,
                "hasErrors": trace.errorCount > 0,
                "incomplete": trace.isIncomplete,
            ]
        }
        let context: [String: Any] = [
            "csp": csp,
            "css": templates.css,
            "traceCount": traces.count,
            "spanCount": traces.reduce(0) { $0 + $1.spans.count },
            "serviceCount": Set(traces.flatMap(\.services)).count,
            "errorTraceCount": traces.count { $0.errorCount > 0 },
            "fileCount": inputs.count,
            "traces": rows,
            "files": inputs.map { ["path": $0.path, "bytes": $0.byteCount, "spans": $0.spanCount] as [String: Any] },
        ]
        return templates.index.render(context)
    }
}
