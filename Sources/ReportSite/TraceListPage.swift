import Mustache
import TraceAnalysis
import TraceCharts
import TraceModel

/// `all-traces-<n>.html`: every trace read, in start-time order, a thousand to a page, as plain
/// HTML tables: the complete list for readers without JavaScript (the index's finder covers the
/// same traces with it). Each row links to the trace's page when it has one.
struct TraceListPage {
    /// Rows on one page.
    static let pageSize = 1_000

    /// The file of list page `number` (from 1).
    static func path(number: Int) -> String { "all-traces-\(number).html" }

    /// Trace indices in start-time order (then by id), the order of the list.
    static func order(_ traces: [TraceDigest]) -> [Int] {
        traces.indices.sorted {
            (traces[$0].startTimeUnixNano, traces[$0].traceID) < (traces[$1].startTimeUnixNano, traces[$1].traceID)
        }
    }

    /// How many list pages `traceCount` traces take.
    static func pageCount(traceCount: Int) -> Int { max(1, (traceCount + pageSize - 1) / pageSize) }

    let traces: [TraceDigest]
    let selection: TraceSelection
    /// The list's order, from `order(_:)`.
    let order: [Int]
    var title = ReportBuilder.defaultTitle
    var time = TimeDisplay.utc

    /// Page `number` (from 1) of the list.
    func render(number: Int, templates: TemplateSet) -> String {
        let pages = Self.pageCount(traceCount: order.count)
        let first = (number - 1) * Self.pageSize
        let members = order[first..<min(order.count, first + Self.pageSize)]
        let context: [String: Any] = [
            "csp": templates.listPagePolicy,
            "css": templates.css,
            "title": title,
            "number": number,
            "pageCount": pages,
            "traceCount": order.count,
            "firstRow": members.isEmpty ? 0 : first + 1,
            "lastRow": first + members.count,
            "timeZone": time.name,
            "previous": number > 1 ? Self.path(number: number - 1) : false,
            "next": number < pages ? Self.path(number: number + 1) : false,
            "pages": pager(number: number, pages: pages),
            "rows": rows(members, templates: templates),
        ]
        return templates.render("list", context)
    }

    /// The pages `list-pager` links: the first and last, and those within five of this one,
    /// each marking a gap before it.
    private func pager(number: Int, pages: Int) -> [[String: Any]] {
        var links: [[String: Any]] = []
        var previous = 0
        for page in 1...pages where page == 1 || page == pages || abs(page - number) <= 5 {
            links.append(["page": page, "path": Self.path(number: page), "current": page == number, "gap": page > previous + 1])
            previous = page
        }
        return links
    }

    /// The `list-row` partial's values and switches.
    static let row = PlannedPartial(
        name: "list-row",
        names: .values("start", "traceID") + .link("service") + .values("path", "name", "duration", "spanCount", "errorCount")
            + .switches("hasErrors", "paged"))

    /// The rows of `members`, each on a line.
    private func rows(_ members: ArraySlice<Int>, templates: TemplateSet) -> String {
        var writer = RowWriter(templates.plan(Self.row))
        var out = ""
        out.reserveCapacity(members.count * 400)
        for index in members {
            let trace = traces[index]
            let row: PlanFields<String, Bool> =
                .values(time.string(unixNano: trace.startTimeUnixNano), trace.traceID.hex) + .link(trace.rootService)
                + .values(
                    TracePage.path(for: trace.traceID), trace.shownRootName, DurationFormat.string(nanoseconds: trace.durationNano),
                    String(trace.spanCount), String(trace.errorCount)) + .switches(trace.errorCount > 0, selection.contains(index))
            writer.append(row, to: &out)
        }
        return out
    }
}

extension TraceDigest {
    /// The root span's name, or "(no name)" for a span without one: a link needs text.
    var shownRootName: String { rootName.isEmpty ? "(no name)" : rootName }
}
