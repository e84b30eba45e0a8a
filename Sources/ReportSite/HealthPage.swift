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
        let keyCoverage = !health.keyAttributes.isEmpty && !health.coverage.isEmpty
        let context: [String: Any] = [
            "csp": templates.servicesPagePolicy,
            "script": templates.tablesScript,
            "css": templates.css,
            "title": title,
            "findingCount": health.findings.count,
            "counts": InstrumentationHealth.Severity.allCases.reversed().map { severity in
                ["severity": severity.description, "count": health.findings.count { $0.severity == severity }]
            },
            "hasFindings": !health.findings.isEmpty,
            "findings": health.findings.map { finding($0, templates: templates) },
            "keys": health.keyAttributes.joined(separator: ", "),
            "keyList": health.keyAttributes,
            "hasServices": keyCoverage,
            "services": keyCoverage ? health.coverage.map(coverage) : [],
        ]
        return templates.render("health", context)
    }

    /// The `finding-row` partial's values and switches.
    static let findingRow = PlannedPartial(
        name: "finding-row", names: .values("subject", "count", "total", "share", "percent", "detail") + .examples)

    /// A finding for `health-overview` and `health-findings`: its first `rowLimit` rows.
    private func finding(_ finding: InstrumentationHealth.Finding, templates: TemplateSet) -> [String: Any] {
        var writer = RowWriter(templates.plan(Self.findingRow))
        var rows = ""
        for row in finding.rows.prefix(Self.rowLimit) {
            let fields: PlanFields<String, Bool> =
                .values(
                    row.subject, String(row.count), String(row.total), "\(row.share)",
                    DurationFormat.fixed(row.share * 100, decimals: 1) + "%",
                    row.detail) + .examples(row.examples, pagedTraces: pagedTraces)
            writer.append(fields, to: &rows)
        }
        var values: [String: Any] = [
            "severity": finding.severity.description, "severityRank": finding.severity.rawValue, "check": finding.check.rawValue,
            "title": finding.check.title, "advice": finding.check.advice, "subjectHeading": finding.check.subjectHeading,
            "count": finding.count, "subjectCount": finding.rows.count, "rows": rows,
        ]
        if finding.rows.count > Self.rowLimit { values["moreRows"] = finding.rows.count - Self.rowLimit }
        return values
    }

    /// A service's row for `key-attribute-coverage`.
    private func coverage(_ entry: InstrumentationHealth.Coverage) -> [String: Any] {
        [
            "service": ServicesPage.linkValues(entry.service), "spans": entry.spans,
            "cells": entry.present.map { present in
                let share = entry.spans == 0 ? 0 : Double(present) / Double(entry.spans)
                return ["present": present > 0, "share": "\(share)", "percent": DurationFormat.fixed(share * 100, decimals: 0) + "%"]
                    as [String: Any]
            },
        ]
    }
}
