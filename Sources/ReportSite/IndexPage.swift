import Mustache
import TraceAssembly
import TraceCharts
import TraceModel

/// The site's front page: totals, one row per trace (sorted by start), and the input files.
struct IndexPage {
    let traces: [Trace]
    let inputs: [ReportBuilder.Input]

    func render(templates: TemplateSet) -> String {
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
            "csp": templates.plainPagePolicy,
            "css": templates.css,
            "traceCount": traces.count,
            "spanCount": traces.reduce(0) { $0 + $1.spans.count },
            "serviceCount": Set(traces.flatMap(\.services)).count,
            "errorTraceCount": traces.count { $0.errorCount > 0 },
            "fileCount": inputs.count,
            "skippedCount": inputs.count { $0.problem != nil },
            "hasSkipped": inputs.contains { $0.problem != nil },
            "traces": rows,
            "files": inputs.map { input -> [String: Any] in
                [
                    "path": input.path, "bytes": input.byteCount, "spans": input.spanCount, "format": input.format,
                    "problem": input.problem ?? "", "skipped": input.problem != nil,
                ]
            },
        ]
        return templates.index.render(context)
    }
}
