import TraceCharts
import TraceModel

/// The "Changes since baseline" section of the index and services pages.
enum ChangesHTML {
    static func render(_ comparison: BaselineComparison) -> String {
        var out = "<section class=\"changes\"><h2>Changes since the baseline</h2>"
        out += "<p>Compared with <b>\(Markup.escape(comparison.baselineTitle))</b>.</p>"
        if comparison.isEmpty {
            return out + "<p>No change above the thresholds.</p></section>"
        }
        if !comparison.latency.isEmpty {
            out +=
                "<table><thead><tr><th>Operation or edge</th><th>Change</th><th class=\"num\">Before</th>"
                + "<th class=\"num\">Now</th><th class=\"num\">Ratio</th></tr></thead><tbody>"
            for change in comparison.latency {
                let word = change.direction == .regression ? "slower" : "faster"
                out += "<tr\(change.direction == .regression ? " class=\"err\"" : "")><td>\(Markup.escape(change.subject.name))</td>"
                out += "<td>p\(change.percentile) \(word)</td>"
                out += "<td class=\"num\">\(DurationFormat.string(nanoseconds: change.beforeNano))</td>"
                out += "<td class=\"num\">\(DurationFormat.string(nanoseconds: change.afterNano))</td>"
                out +=
                    "<td class=\"num\">\(change.ratio.isFinite ? "×" + DurationFormat.fixed(change.ratio, decimals: 2) : "new")</td></tr>"
            }
            out += "</tbody></table>"
        }
        if !comparison.errorRates.isEmpty {
            out +=
                "<table><thead><tr><th>Operation or edge</th><th class=\"num\">Error rate before</th><th class=\"num\">Now</th></tr></thead><tbody>"
            for change in comparison.errorRates {
                out += "<tr\(change.direction == .regression ? " class=\"err\"" : "")><td>\(Markup.escape(change.subject.name))</td>"
                out += "<td class=\"num\">\(percent(change.before))</td><td class=\"num\">\(percent(change.after))</td></tr>"
            }
            out += "</tbody></table>"
        }
        out += list("New services", comparison.newServices)
        out += list("Services gone", comparison.vanishedServices)
        out += list("New operations and edges", comparison.newSubjects.map(\.name))
        out += list("Operations and edges gone", comparison.vanishedSubjects.map(\.name))
        return out + "</section>"
    }

    private static func list(_ heading: String, _ names: [String]) -> String {
        guard !names.isEmpty else { return "" }
        return "<h3>\(heading)</h3><ul>" + names.map { "<li>\(Markup.escape($0))</li>" }.joined() + "</ul>"
    }

    private static func percent(_ share: Double) -> String { DurationFormat.fixed(share * 100, decimals: 1) + "%" }
}
