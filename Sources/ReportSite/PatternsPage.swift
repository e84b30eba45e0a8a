import TraceAnalysis
import TraceModel

/// `patterns.html`: where requests waste time, across every trace read: N+1 calls, calls made
/// one after another, retries, time no span accounts for and chatty callers, most time lost
/// first, each with what it is, how its time is estimated and what to do, its subjects and the
/// traces where it cost most.
struct PatternsPage {
    static let path = "patterns.html"
    /// At most this many rows are listed per pattern (all count in its total).
    static let rowLimit = 100

    let patterns: WastePatterns
    /// How many traces were read, for each row's share.
    let traceCount: Int
    var title = ReportBuilder.defaultTitle
    /// Traces with a page: examples link to them; the others are given by id.
    var pagedTraces: Set<TraceID> = []

    /// The `pattern-row` partial's values and switches.
    static let patternRow = PlannedPartial(
        name: "pattern-row",
        names: .values("subject", "occurrences", "traces", "tracePercent", "calls", "lostNano", "lost", "perTrace", "perTraceNano")
            + .examples)

    func render(templates: TemplateSet) -> String {
        let thresholds = patterns.thresholds
        let context: [String: Any] = [
            "csp": templates.servicesPagePolicy,
            "script": templates.tablesScript,
            "css": templates.css,
            "title": title,
            "traceCount": traceCount,
            "hasFindings": !patterns.findings.isEmpty,
            "findings": patterns.findings.map { finding($0, templates: templates) },
            "nPlusOne": thresholds.nPlusOneCalls,
            "sequential": thresholds.sequentialCalls,
            "chatty": thresholds.chattyCalls,
            "uninstrumentedShare": thresholds.uninstrumentedPercent,
            "uninstrumentedTime": DurationFormat.string(nanoseconds: thresholds.uninstrumentedNano),
        ]
        return templates.render("patterns", context)
    }

    private func finding(_ finding: WastePatterns.Finding, templates: TemplateSet) -> [String: Any] {
        var writer = RowWriter(templates.plan(Self.patternRow))
        var rows = ""
        for row in finding.rows.prefix(Self.rowLimit) {
            let share = traceCount == 0 ? 0 : Double(row.traces) / Double(traceCount)
            let perTrace = row.traces == 0 ? 0 : row.lostNano / UInt64(row.traces)
            let fields: PlanFields<String, Bool> =
                .values(
                    row.subject.description, String(row.occurrences), String(row.traces),
                    DurationFormat.fixed(share * 100, decimals: 1) + "%",
                    String(row.calls), String(row.lostNano), DurationFormat.string(nanoseconds: row.lostNano),
                    DurationFormat.string(nanoseconds: perTrace), String(perTrace)) + .examples(row.examples, pagedTraces: pagedTraces)
            writer.append(fields, to: &rows)
        }
        var values: [String: Any] = [
            "pattern": finding.pattern.rawValue, "title": finding.pattern.title, "advice": finding.pattern.advice,
            "subjectHeading": finding.pattern.subjectHeading, "occurrences": finding.occurrences,
            "lost": DurationFormat.string(nanoseconds: finding.lostNano), "lostNano": finding.lostNano,
            "subjectCount": finding.rows.count, "rows": rows,
        ]
        if finding.rows.count > Self.rowLimit { values["moreRows"] = finding.rows.count - Self.rowLimit }
        return values
    }
}
