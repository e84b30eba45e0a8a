import TraceAssembly
import TraceModel

/// The tables of a trace page: the critical path's top contributors, the spans with the largest
/// self time, and the trace statistics; each a planned partial (`critical-path.mustache`,
/// `self-time.mustache`, `trace-statistics.mustache`) around planned rows.
struct TraceTables {
    let trace: Trace
    let templates: TemplateSet

    static let criticalPath = PlannedPartial(
        name: "critical-path", names: .values("rows", "moreCount") + .switches("hasRows", "hasMore"))
    static let criticalPathRow = PlannedPartial(
        name: "critical-path-row", names: .values("spanID", "service", "name", "onPath", "share"))
    static let selfTime = PlannedPartial(name: "self-time", names: .values("rows"))
    static let selfTimeRow = PlannedPartial(
        name: "self-time-row", names: .values("spanID", "service", "name", "selfTime", "share", "onPath"))
    static let statistics = PlannedPartial(
        name: "trace-statistics", names: .values("serviceRows", "operationRows") + .switches("operationColumn"))
    static let statisticsRow = PlannedPartial(
        name: "statistics-row",
        names: .link("service")
            + .values("operation", "count", "total", "average", "minimum", "maximum", "selfTotal", "selfShare")
            + .switches("linked", "hasOperation"))

    static let partials = [criticalPath, criticalPathRow, selfTime, selfTimeRow, statistics, statisticsRow]

    /// Spans by their time on the critical path, largest first, with their share of the trace.
    func criticalPath(limit: Int = 10) -> String {
        let contributors = trace.spans.indices.filter { trace.criticalPathNano[$0] > 0 }
            .sorted { (trace.criticalPathNano[$1], $0) < (trace.criticalPathNano[$0], $1) }
        var writer = RowWriter(templates.plan(Self.criticalPathRow))
        var rows = ""
        for index in contributors.prefix(limit) {
            let span = trace.spans[index]
            writer.append(to: &rows) { values, _ in
                values.append("\(span.spanID)")
                values.append(span.service)
                values.append(span.name)
                values.append(DurationFormat.string(nanoseconds: trace.criticalPathNano[index]))
                values.append(Self.percent(trace.criticalPathNano[index], of: trace.durationNano))
            }
        }
        return templates.plan(Self.criticalPath).render(
            values: [rows, String(contributors.count - min(limit, contributors.count))],
            switches: [!contributors.isEmpty, contributors.count > limit])
    }

    /// The spans with the largest self time, with their critical-path time beside it.
    func largestSelfTime(limit: Int = 10) -> String {
        let spans = trace.spans.indices.sorted { (trace.selfTimeNano[$1], $0) < (trace.selfTimeNano[$0], $1) }.prefix(limit)
        var writer = RowWriter(templates.plan(Self.selfTimeRow))
        var rows = ""
        for index in spans {
            let span = trace.spans[index]
            writer.append(to: &rows) { values, _ in
                values.append("\(span.spanID)")
                values.append(span.service)
                values.append(span.name)
                values.append(DurationFormat.string(nanoseconds: trace.selfTimeNano[index]))
                values.append(Self.percent(trace.selfTimeNano[index], of: trace.durationNano))
                values.append(DurationFormat.string(nanoseconds: trace.criticalPathNano[index]))
            }
        }
        return templates.plan(Self.selfTime).render(values: [rows], switches: [])
    }

    /// The statistics tables, by service and by service and operation; with `linkServices`,
    /// service names link to their pages (a trace page inside a site).
    func statistics(linkServices: Bool = false) -> String {
        let statistics = TraceStatistics(trace)
        var writer = RowWriter(templates.plan(Self.statisticsRow))
        func rows(_ rows: [TraceStatistics.Row]) -> String {
            var out = ""
            for row in rows {
                // In the order of `statisticsRow`'s names: the service link, then the rest.
                writer.append(to: &out) { values, switches in
                    values.append(row.service)
                    values.append("../" + ServicePage.path(for: row.service))
                    switches.append(false)
                    values.append(row.operation ?? "")
                    values.append(String(row.count))
                    for duration in [row.totalNano, row.averageNano, row.minimumNano, row.maximumNano, row.selfTotalNano] {
                        values.append(DurationFormat.string(nanoseconds: duration))
                    }
                    values.append(Self.percent(row.selfTotalNano, of: statistics.traceDurationNano))
                    switches.append(linkServices)
                    switches.append(row.operation != nil)
                }
            }
            return out
        }
        return templates.plan(Self.statistics).render(
            values: [rows(statistics.services), rows(statistics.operations)],
            switches: [statistics.operations.first?.operation != nil])
    }

    /// "42.5%", one decimal.
    static func percent(_ part: UInt64, of whole: UInt64) -> String {
        guard whole > 0 else { return "–" }
        return DurationFormat.fixed(Double(part) / Double(whole) * 100, decimals: 1) + "%"
    }
}
