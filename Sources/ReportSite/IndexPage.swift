import Mustache
import TraceAnalysis
import TraceAssembly
import TraceCharts
import TraceModel

/// The site's front page: totals, the entry points (root operations) with the spread of their
/// durations over every trace read, the traces that got a page and why, and the input files.
struct IndexPage {
    let title: String
    let traces: [Trace]
    let selection: TraceSelection
    let inputs: [ReportBuilder.Input]
    var time = TimeDisplay.utc
    var comparison: BaselineComparison?
    /// The validated scatter plot of every trace's duration over time.
    var scatterSVG = ""

    /// The scatter plot of every trace (dots of traces with a page link to it).
    static func scatter(traces: [Trace], selection: TraceSelection, time: TimeDisplay) -> ScatterChart {
        let points = traces.indices.map { index in
            let trace = traces[index]
            let label =
                "\(trace.root.service): \(trace.root.name), \(DurationFormat.string(nanoseconds: trace.durationNano)), "
                + "\(time.string(unixNano: trace.startTimeUnixNano)) \(time.name)\(trace.errorCount > 0 ? ", \(trace.errorCount) errors" : "")"
                + (selection.contains(index) ? "" : " (no page)")
            return ScatterChart.Point(
                startUnixNano: trace.startTimeUnixNano, durationNano: trace.durationNano, failed: trace.errorCount > 0,
                page: selection.contains(index) ? TracePage.path(for: trace.traceID) : nil, label: label)
        }
        let starts = traces.map(\.startTimeUnixNano)
        return ScatterChart(
            points: points, firstLabel: time.string(unixNano: starts.min() ?? 0), lastLabel: time.string(unixNano: starts.max() ?? 0))
    }

    func render(templates: TemplateSet) -> String {
        // Trace indices by root operation, in name order: the entry-point table and the finder's data.
        let entryPoints = TraceSelection.byRootOperation(traces).sorted { $0.key < $1.key }
        let rows: [[String: Any]] = traces.indices.compactMap { index in
            guard let reasons = selection.reasons[index] else { return nil }
            let trace = traces[index]
            let root = trace.root
            return [
                "href": TracePage.path(for: trace.traceID),
                "start": time.string(unixNano: trace.startTimeUnixNano),
                "rootService": root.service,
                "rootName": root.name,
                "duration": DurationFormat.string(nanoseconds: trace.durationNano),
                "spanCount": trace.spans.count,
                "services": trace.services.joined(separator: ", "),
                "errorCount": trace.errorCount,
                "hasErrors": trace.errorCount > 0,
                "incomplete": trace.isIncomplete,
                "reasons": reasons.map(\.description).joined(separator: ", "),
            ]
        }
        let context: [String: Any] = [
            "csp": templates.indexPagePolicy,
            "script": templates.indexScript,
            "traceData": traceData(entryPoints),
            "css": templates.css,
            "title": title,
            "timeZone": time.name,
            "traceCount": traces.count,
            "pageCount": selection.reasons.count,
            "allPaged": selection.reasons.count == traces.count,
            "leftOut": selection.leftOut,
            "hasLeftOut": selection.leftOut > 0,
            "spanCount": traces.reduce(0) { $0 + $1.spans.count },
            "serviceCount": Set(traces.flatMap(\.services)).count,
            "errorTraceCount": traces.count { $0.errorCount > 0 },
            "fileCount": inputs.count,
            "skippedCount": inputs.count { $0.problem != nil },
            "hasSkipped": inputs.contains { $0.problem != nil },
            "entryPoints": entryPointTable(entryPoints),
            "scatter": scatterSVG,
            "changes": comparison.map(ChangesHTML.render) ?? "",
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

    /// Every trace read, compactly, for the finder script: services and root operations by index;
    /// per trace [id, start ms after the first, duration µs, operation, errors, spans, has a page,
    /// services]. Written as JSON inside a `<script type="application/json">` block, so `<`, `>`,
    /// `&`, U+2028 and U+2029 are escaped wherever they appear.
    func traceData(_ groups: [(key: ServiceGraph.OperationKey, value: [Int])]) -> String {
        var operationOf = [Int](repeating: 0, count: traces.count)
        for (number, group) in groups.enumerated() {
            for index in group.value { operationOf[index] = number }
        }
        let services = Set(traces.flatMap(\.services)).sorted()
        let serviceIndex = Dictionary(uniqueKeysWithValues: services.enumerated().map { ($1, $0) })
        let first = traces.map(\.startTimeUnixNano).min() ?? 0
        var out = "{\"start\":\(first / 1_000_000),\"services\":\(Self.jsonStrings(services)),"
        out += "\"operations\":\(Self.jsonStrings(groups.map { "\($0.key.service): \($0.key.operation)" })),\"traces\":["
        for index in traces.indices {
            let trace = traces[index]
            if index > 0 { out += "," }
            out += "[\"\(trace.traceID.hex)\",\((trace.startTimeUnixNano - first) / 1_000_000),\(trace.durationNano / 1_000),"
            out += "\(operationOf[index]),\(trace.errorCount),\(trace.spans.count),\(selection.contains(index) ? 1 : 0),["
            out += trace.services.compactMap { serviceIndex[$0].map(String.init) }.joined(separator: ",") + "]]"
        }
        return out + "]}"
    }

    /// A JSON array of strings, safe inside an HTML `<script>` block.
    static func jsonStrings(_ strings: [String]) -> String {
        "[" + strings.map(jsonString).joined(separator: ",") + "]"
    }

    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "<", ">", "&", "\u{2028}", "\u{2029}", "\u{0}"..."\u{1F}", "\u{7F}":
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// One row per root operation, over every trace read (with a page or not): how many, how many
    /// failed, and the spread of their durations (exact ranks).
    private func entryPointTable(_ groups: [(key: ServiceGraph.OperationKey, value: [Int])]) -> String {
        var out =
            "<table><thead><tr><th>Root service: operation</th><th class=\"num\">Traces</th><th class=\"num\">With errors</th>"
            + "<th class=\"num\">p50</th><th class=\"num\">p90</th><th class=\"num\">p99</th><th class=\"num\">Max</th></tr></thead><tbody>"
        for (key, members) in groups {
            let durations = members.map { traces[$0].durationNano }.sorted()
            func rank(_ q: Double) -> UInt64 { durations[Int((q * Double(durations.count - 1)).rounded())] }
            let errors = members.count { traces[$0].errorCount > 0 }
            out += "<tr><td>\(ServicesPage.link(key.service)): \(Markup.escape(key.operation))</td>"
            out +=
                "<td class=\"num\">\(members.count)</td><td class=\"num\">\(errors > 0 ? "<span class=\"err-count\">\(errors)</span>" : "0")</td>"
            for value in [rank(0.5), rank(0.9), rank(0.99), durations[durations.count - 1]] {
                out += "<td class=\"num\" data-v=\"\(value)\">\(DurationFormat.string(nanoseconds: value))</td>"
            }
            out += "</tr>"
        }
        return out + "</tbody></table>"
    }
}
