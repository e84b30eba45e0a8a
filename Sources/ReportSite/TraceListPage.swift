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
            "pager": pager(number: number, pages: pages),
            "rows": rows(members),
        ]
        return templates.list.render(context)
    }

    /// Links to the previous and next page, the first and last, and the pages within five of this one.
    private func pager(number: Int, pages: Int) -> String {
        var out = "<nav class=\"pager\">"
        out += number > 1 ? "<a href=\"\(Self.path(number: number - 1))\" rel=\"prev\">← previous</a>" : "<span>← previous</span>"
        var previous = 0
        for page in 1...pages where page == 1 || page == pages || abs(page - number) <= 5 {
            if page > previous + 1 { out += " …" }
            out += page == number ? " <b>\(page)</b>" : " <a href=\"\(Self.path(number: page))\">\(page)</a>"
            previous = page
        }
        out += number < pages ? " <a href=\"\(Self.path(number: number + 1))\" rel=\"next\">next →</a>" : " <span>next →</span>"
        return out + "</nav>"
    }

    private func rows(_ members: ArraySlice<Int>) -> String {
        var out = ""
        out.reserveCapacity(members.count * 400)
        for index in members {
            let trace = traces[index]
            let name = Markup.escape(trace.rootName)
            let operation = selection.contains(index) ? "<a href=\"\(TracePage.path(for: trace.traceID))\">\(name)</a>" : name
            out += trace.errorCount > 0 ? "<tr class=\"err\">" : "<tr>"
            out += "<td class=\"mono nowrap\">\(time.string(unixNano: trace.startTimeUnixNano))</td>"
            out += "<td class=\"mono\">\(trace.traceID.hex)</td><td>\(ServicesPage.link(trace.rootService))</td><td>\(operation)</td>"
            out +=
                "<td class=\"num\">\(DurationFormat.string(nanoseconds: trace.durationNano))</td><td class=\"num\">\(trace.spanCount)</td>"
            out += "<td class=\"num\">\(trace.errorCount > 0 ? "<span class=\"err-count\">\(trace.errorCount)</span>" : "0")</td></tr>\n"
        }
        return out
    }
}
