import Mustache
import TraceAnalysis
import TraceCharts
import TraceModel

/// `health.html`: the instrumentation mistakes found in the data, most severe first, each with
/// what it means and how to fix it, its cases per subject and example traces; then how often
/// each service's spans carry the key attributes.
struct HealthPage {
    static let path = "health.html"
    /// At most this many rows are listed per finding (all count in its total).
    static let rowLimit = 100

    let health: InstrumentationHealth
    var title = ReportBuilder.defaultTitle
    /// Traces with a page: examples link to them; the others are given by id.
    var pagedTraces: Set<TraceID> = []

    func render(templates: TemplateSet) -> String {
        let context: [String: Any] = [
            "csp": templates.servicesPagePolicy,
            "script": templates.sortScript,
            "css": templates.css,
            "title": title,
            "findingCount": health.findings.count,
            "counts": InstrumentationHealth.Severity.allCases.reversed().map { severity in
                ["severity": severity.description, "count": health.findings.count { $0.severity == severity }]
            },
            "overview": overview(),
            "findings": health.findings.map(section).joined(),
            "coverage": coverageTable(),
            "keys": health.keyAttributes.map(Markup.escape).joined(separator: ", "),
        ]
        return templates.health.render(context)
    }

    /// One line per finding, linking to its section.
    private func overview() -> String {
        guard !health.findings.isEmpty else { return "<p>No instrumentation mistakes found.</p>" }
        var out =
            "<table class=\"sortable\"><thead><tr><th>Severity</th><th>Finding</th><th class=\"num\">Cases</th><th class=\"num\">Subjects</th></tr></thead><tbody>"
        for finding in health.findings {
            out += "<tr><td data-v=\"\(finding.severity.rawValue)\">\(Self.tag(finding.severity))</td>"
            out += "<td><a href=\"#\(finding.check.rawValue)\">\(Markup.escape(finding.check.title))</a></td>"
            out += "<td class=\"num\" data-v=\"\(finding.count)\">\(finding.count)</td><td class=\"num\">\(finding.rows.count)</td></tr>"
        }
        return out + "</tbody></table>"
    }

    private func section(_ finding: InstrumentationHealth.Finding) -> String {
        let check = finding.check
        var out = "<section class=\"finding\" id=\"\(check.rawValue)\"><h2>\(Self.tag(finding.severity)) \(Markup.escape(check.title))</h2>"
        out += "<p>\(Markup.escape(check.advice))</p>"
        out +=
            "<table class=\"sortable\"><thead><tr><th>\(Markup.escape(check.subjectHeading))</th><th class=\"num\">Cases</th>"
            + "<th class=\"num\">Out of</th><th class=\"num\">Share</th><th>Detail</th><th>Examples</th></tr></thead><tbody>"
        for row in finding.rows.prefix(Self.rowLimit) {
            out += "<tr><td>\(Markup.escape(row.subject))</td><td class=\"num\" data-v=\"\(row.count)\">\(row.count)</td>"
            out += "<td class=\"num\" data-v=\"\(row.total)\">\(row.total)</td>"
            out += "<td class=\"num\" data-v=\"\(row.share)\">\(DurationFormat.fixed(row.share * 100, decimals: 1))%</td>"
            out += "<td>\(Markup.escape(row.detail))</td><td class=\"mono\">\(examples(row.examples))</td></tr>"
        }
        out += "</tbody></table>"
        if finding.rows.count > Self.rowLimit {
            out += "<p class=\"note\">\(finding.rows.count - Self.rowLimit) more rows, with fewer cases, are in summary.json.</p>"
        }
        return out + "</section>"
    }

    /// Examples with a page link to it; the others show the id's first 16 digits, with the whole
    /// id in the tooltip, for `tracereport trace --trace-id`.
    private func examples(_ ids: [TraceID]) -> String {
        ids.map { id in
            pagedTraces.contains(id)
                ? "<a href=\"\(TracePage.path(for: id))\">\(id.hex.prefix(16))</a>"
                : "<span title=\"\(id.hex) (no page)\">\(id.hex.prefix(16))</span>"
        }.joined(separator: " ")
    }

    private func coverageTable() -> String {
        guard !health.keyAttributes.isEmpty, !health.coverage.isEmpty else { return "<p>No key attributes were asked for.</p>" }
        var out = "<table class=\"sortable\"><thead><tr><th>Service</th><th class=\"num\">Spans</th>"
        for key in health.keyAttributes { out += "<th class=\"num\">\(Markup.escape(key))</th>" }
        out += "</tr></thead><tbody>"
        for entry in health.coverage {
            out += "<tr><td>\(ServicesPage.link(entry.service))</td><td class=\"num\" data-v=\"\(entry.spans)\">\(entry.spans)</td>"
            for present in entry.present {
                let share = entry.spans == 0 ? 0 : Double(present) / Double(entry.spans)
                out +=
                    "<td class=\"num\(present == 0 ? " muted" : "")\" data-v=\"\(share)\">\(DurationFormat.fixed(share * 100, decimals: 0))%</td>"
            }
            out += "</tr>"
        }
        return out + "</tbody></table>"
    }

    static func tag(_ severity: InstrumentationHealth.Severity) -> String {
        "<span class=\"severity \(severity.description)\">\(severity.description)</span>"
    }
}
