import TraceAnalysis
import TraceCharts
import TraceModel

/// A trace page's "Compared with …" section: one sentence saying where the extra time went, the
/// operations whose critical-path time moved most, with their share of the difference, and the
/// calls made more or less often than in the other trace.
enum ComparisonHTML {
    /// The most operations and calls listed.
    static let rowLimit = 10

    /// The section; `label` names the other trace ("the typical request of checkout: POST
    /// /orders", "trace 4bf9…"), `otherPath` links its page; `chartSVG` is the validated
    /// `ComparisonChart`.
    static func render(_ comparison: TraceComparison, label: String, otherPath: String?, chartSVG: String) -> String {
        let other = Markup.escape(label)
        let difference = comparison.differenceNano
        var out = "<section id=\"comparison\"><h2>Compared with \(other)</h2>\n<p>"
        out += "This trace took \(DurationFormat.string(nanoseconds: comparison.traceDurationNano)) against "
        out += "\(DurationFormat.string(nanoseconds: comparison.otherDurationNano)) (\(signed(difference))) in "
        let id = "<span class=\"mono\">\(comparison.otherID.hex)</span>"
        out += (otherPath.map { "<a href=\"\(Markup.escape($0))\">\(id)</a>" } ?? id) + ". " + headline(comparison) + "</p>\n"
        out += "<div class=\"chart\">\(chartSVG)</div>\n"
        let explaining = comparison.explaining.prefix(rowLimit)
        if !explaining.isEmpty {
            out += "<table><thead><tr><th>Operation</th><th class=\"num\">On the critical path</th><th class=\"num\">In the other</th>"
            out += "<th class=\"num\">Difference</th><th class=\"num\">Share of the difference</th><th class=\"num\">Own time</th>"
            out +=
                "<th class=\"num\">In the other</th><th class=\"num\">Calls</th><th class=\"num\">In the other</th></tr></thead><tbody>\n"
            for row in explaining {
                out += "<tr><td>\(Markup.escape(row.service)): \(Markup.escape(row.operation))</td>"
                out += "<td class=\"num\">\(DurationFormat.string(nanoseconds: row.traceNano))</td>"
                out += "<td class=\"num\">\(DurationFormat.string(nanoseconds: row.otherNano))</td>"
                out += "<td class=\"num\">\(signed(row.differenceNano))</td>"
                out += "<td class=\"num\">\(percent(comparison.share(of: row)))</td>"
                out += "<td class=\"num\">\(DurationFormat.string(nanoseconds: row.traceSelfNano))</td>"
                out += "<td class=\"num\">\(DurationFormat.string(nanoseconds: row.otherSelfNano))</td>"
                out += "<td class=\"num\">\(row.traceCalls)</td><td class=\"num\">\(row.otherCalls)</td></tr>\n"
            }
            out += "</tbody></table>\n"
        }
        for (title, list) in [
            ("Called more often than in the other", comparison.extraCalls), ("Called less often", comparison.missingCalls),
        ]
        where !list.isEmpty {
            out += "<h3>\(title)</h3>\n<ul>\n"
            for calls in list.prefix(rowLimit) {
                out += "<li>\(Markup.escape(calls.service)): \(Markup.escape(calls.operation)) under "
                out +=
                    calls.parentService.isEmpty
                    ? "no parent" : "\(Markup.escape(calls.parentService)): \(Markup.escape(calls.parentOperation))"
                out += ": \(calls.traceCount) against \(calls.otherCount)</li>\n"
            }
            if list.count > rowLimit { out += "<li>and \(list.count - rowLimit) more</li>\n" }
            out += "</ul>\n"
        }
        return out + "</section>\n"
    }

    /// Where the extra (or saved) time went, in one sentence.
    static func headline(_ comparison: TraceComparison) -> String {
        guard let first = comparison.explaining.first else { return "No operation spent more time on the critical path." }
        var text = "\(Markup.escape(first.service)) \(Markup.escape(first.operation)) spent "
        text += "\(DurationFormat.string(nanoseconds: first.traceNano)) on the critical path against "
        text += "\(DurationFormat.string(nanoseconds: first.otherNano)) (\(signed(first.differenceNano)), "
        text += "\(percent(comparison.share(of: first))) of the difference)"
        if let extra = comparison.extraCalls.first {
            let count = extra.traceCount - extra.otherCount
            text += "; \(count) more \(Markup.escape(extra.service)) \(Markup.escape(extra.operation)) call\(count == 1 ? "" : "s")"
        }
        return text + "."
    }

    private static func signed(_ nanoseconds: Int64) -> String {
        (nanoseconds < 0 ? "−" : "+") + DurationFormat.string(nanoseconds: nanoseconds.magnitude)
    }

    private static func percent(_ share: Double) -> String {
        share.isFinite ? DurationFormat.fixed(share * 100, decimals: 0) + "%" : "–"
    }
}
