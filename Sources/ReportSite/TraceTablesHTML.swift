import TraceAssembly
import TraceCharts
import TraceModel

/// The tables of a trace page: the critical path's top contributors and the trace statistics.
/// Every name from the input goes through `Markup.escape`.
enum TraceTablesHTML {
    /// Spans by their time on the critical path, largest first, with their share of the trace.
    static func criticalPath(_ trace: Trace, limit: Int = 10) -> String {
        let contributors = trace.spans.indices.filter { trace.criticalPathNano[$0] > 0 }
            .sorted { (trace.criticalPathNano[$1], $0) < (trace.criticalPathNano[$0], $1) }
        guard !contributors.isEmpty else { return "<p>No critical path: the trace has no blocking spans.</p>" }
        var out =
            "<table><thead><tr><th>Span</th><th class=\"num\">On the critical path</th><th class=\"num\">Share of the trace</th></tr></thead><tbody>"
        for index in contributors.prefix(limit) {
            let span = trace.spans[index]
            out += "<tr><td><a href=\"#span-\(span.spanID)\">\(Markup.escape(span.service)): \(Markup.escape(span.name))</a></td>"
            out += "<td class=\"num\">\(DurationFormat.string(nanoseconds: trace.criticalPathNano[index]))</td>"
            out += "<td class=\"num\">\(percent(trace.criticalPathNano[index], of: trace.durationNano))</td></tr>"
        }
        out += "</tbody></table>"
        if contributors.count > limit {
            out += "<p class=\"note\">\(contributors.count - limit) more spans are on the critical path for less time.</p>"
        }
        return out
    }

    /// The spans with the largest self time, with their critical-path time beside it.
    static func largestSelfTime(_ trace: Trace, limit: Int = 10) -> String {
        let spans = trace.spans.indices.sorted { (trace.selfTimeNano[$1], $0) < (trace.selfTimeNano[$0], $1) }.prefix(limit)
        var out =
            "<table><thead><tr><th>Span</th><th class=\"num\">Self time</th><th class=\"num\">Share of the trace</th>"
            + "<th class=\"num\">On the critical path</th></tr></thead><tbody>"
        for index in spans {
            let span = trace.spans[index]
            out += "<tr><td><a href=\"#span-\(span.spanID)\">\(Markup.escape(span.service)): \(Markup.escape(span.name))</a></td>"
            out += "<td class=\"num\">\(DurationFormat.string(nanoseconds: trace.selfTimeNano[index]))</td>"
            out += "<td class=\"num\">\(percent(trace.selfTimeNano[index], of: trace.durationNano))</td>"
            out += "<td class=\"num\">\(DurationFormat.string(nanoseconds: trace.criticalPathNano[index]))</td></tr>"
        }
        return out + "</tbody></table>"
    }

    /// The statistics table, grouped by service and by service and operation; with
    /// `linkServices`, service names link to their pages (a trace page inside a site).
    static func statistics(_ trace: Trace, linkServices: Bool = false) -> String {
        let statistics = TraceStatistics(trace)
        var out = ""
        for (title, rows) in [("By service", statistics.services), ("By service and operation", statistics.operations)] {
            out += "<h3>\(title)</h3><table><thead><tr><th>Service</th>\(rows.first?.operation == nil ? "" : "<th>Operation</th>")"
            out += "<th class=\"num\">Count</th><th class=\"num\">Total</th><th class=\"num\">Avg</th><th class=\"num\">Min</th>"
            out += "<th class=\"num\">Max</th><th class=\"num\">Self total</th><th class=\"num\">Self share</th></tr></thead><tbody>"
            for row in rows {
                let service = linkServices ? ServicesPage.link(row.service, prefix: "../") : Markup.escape(row.service)
                out += "<tr><td>\(service)</td>"
                if let operation = row.operation { out += "<td>\(Markup.escape(operation))</td>" }
                out += "<td class=\"num\">\(row.count)</td>"
                for value in [row.totalNano, row.averageNano, row.minimumNano, row.maximumNano, row.selfTotalNano] {
                    out += "<td class=\"num\">\(DurationFormat.string(nanoseconds: value))</td>"
                }
                out += "<td class=\"num\">\(percent(row.selfTotalNano, of: statistics.traceDurationNano))</td></tr>"
            }
            out += "</tbody></table>"
        }
        return out
    }

    /// "42.5%", one decimal.
    static func percent(_ part: UInt64, of whole: UInt64) -> String {
        guard whole > 0 else { return "–" }
        return DurationFormat.fixed(Double(part) / Double(whole) * 100, decimals: 1) + "%"
    }
}
