import Mustache
import TraceAnalysis
import TraceCharts
import TraceModel

/// The site's front page: totals, the entry points (root operations) with the spread of their
/// durations over every trace read, the traces that got a page and why, and the input files.
struct IndexPage {
    let title: String
    let traces: [TraceDigest]
    let selection: TraceSelection
    let inputs: [ReportBuilder.Input]
    var time = TimeDisplay.utc
    var comparison: BaselineComparison?
    var health: InstrumentationHealth?
    var patterns: WastePatterns?
    /// How many workflows (traces joined across asynchronous boundaries) there are.
    var workflowCount = 0
    /// The `timeline` partial's values (`TimelineSection.values`).
    var timeline: [String: Any] = [:]
    /// The validated scatter plot of every trace's duration over time.
    var scatterSVG = ""
    /// Every trace in start-time order, as the finder and the list pages have them.
    let listOrder: [Int]
    /// At most this many traces with a page are listed on the index itself.
    static let pagedRowLimit = 1_000

    init(title: String, traces: [TraceDigest], selection: TraceSelection, inputs: [ReportBuilder.Input], listOrder: [Int]) {
        self.title = title
        self.traces = traces
        self.selection = selection
        self.inputs = inputs
        self.listOrder = listOrder
    }

    /// The scatter plot of every trace (dots of traces with a page link to it).
    static func scatter(traces: [TraceDigest], selection: TraceSelection, time: TimeDisplay) -> ScatterChart {
        // Above the chart's dot limit only failed traces are dots: the others need no tooltip.
        let everyDot = traces.count <= ScatterChart.maximumDots
        let points = traces.indices.map { index in
            let trace = traces[index]
            let drawn = everyDot || trace.errorCount > 0
            let label =
                drawn
                ? "\(trace.rootService): \(trace.rootName), \(DurationFormat.string(nanoseconds: trace.durationNano)), "
                    + "\(time.string(unixNano: trace.startTimeUnixNano)) \(time.name)\(trace.errorCount > 0 ? ", \(trace.errorCount) errors" : "")"
                    + (selection.contains(index) ? "" : " (no page)") : ""
            return ScatterChart.Point(
                startUnixNano: trace.startTimeUnixNano, durationNano: trace.durationNano, failed: trace.errorCount > 0,
                page: drawn && selection.contains(index) ? TracePage.path(for: trace.traceID) : nil, label: label)
        }
        return ScatterChart(points: points, timeZoneName: time.name) { time.string(unixNano: $0) }
    }

    /// - Parameter validate: returns a chart once it has passed validation, or throws.
    func render(templates: TemplateSet, validate: (String) throws(ReportError) -> String) throws(ReportError) -> String {
        // Trace indices by root operation, in natural name order (payments /2 before /10): the
        // entry-point table and the finder's data.
        let entryPoints = TraceSelection.byRootOperation(traces).sorted { first, second in
            first.key.service != second.key.service
                ? NaturalOrder.precedes(first.key.service, second.key.service)
                : NaturalOrder.precedes(first.key.operation, second.key.operation)
        }
        let paged = listOrder.filter { selection.contains($0) }
        let rows: [[String: Any]] = paged.prefix(Self.pagedRowLimit).compactMap { index in
            guard let reasons = selection.reasons[index] else { return nil }
            let trace = traces[index]
            return [
                "href": TracePage.path(for: trace.traceID),
                "start": time.string(unixNano: trace.startTimeUnixNano),
                "rootService": trace.rootService,
                "rootName": trace.shownRootName,
                "duration": DurationFormat.string(nanoseconds: trace.durationNano),
                "spanCount": trace.spanCount,
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
            "spanCount": traces.lazy.map(\.spanCount).saturatingSum(),
            "serviceCount": Set(traces.flatMap(\.services)).count,
            "errorTraceCount": traces.count { $0.errorCount > 0 },
            "fileCount": inputs.count,
            "skippedCount": inputs.count { $0.problem != nil },
            "hasSkipped": inputs.contains { $0.problem != nil },
            "droppedCount": inputs.lazy.map(\.issues.dropped).saturatingSum(),
            "hasDropped": inputs.contains { $0.issues.dropped > 0 },
            "entryPoints": try entryPointValues(entryPoints, templates: templates, validate: validate),
            "scatter": scatterSVG,
            "timeline": timeline,
            "changes": comparison.map(ChangesValues.values) ?? false,
            "healthFindings": health?.findings.count ?? 0,
            "healthWorst": health?.worstSeverity.map { ["severity": $0.description] } ?? false,
            "patternCount": patterns?.findings.count ?? 0,
            "workflowCount": workflowCount,
            "patternLost": (patterns?.findings.first).map {
                ["title": $0.pattern.title, "lost": DurationFormat.string(nanoseconds: $0.lostNano)]
            }
                ?? false,
            "traces": rows,
            "pagedRowsCut": paged.count > Self.pagedRowLimit,
            "pagedRowLimit": Self.pagedRowLimit,
            "listPath": TraceListPage.path(number: 1),
            "files": inputs.map { input -> [String: Any] in
                [
                    "path": input.path, "bytes": input.byteCount, "spans": input.spanCount, "format": input.format,
                    "problem": input.problem ?? "", "skipped": input.problem != nil, "issues": input.issues.summary ?? "",
                    "hasIssues": input.issues.summary != nil,
                    "issuesAnchor": input.issues.dropped > 0 ? "dropped-records" : "repaired-values",
                ]
            },
        ]
        return templates.render("index", context)
    }

    /// Every trace read, compactly, for the finder script (about 35 bytes a trace): columns in
    /// start-time order rather than one array per trace, numbers as base64 variable-length
    /// quantities (`vlq(_:)`).
    ///
    /// - `t0`: the first start, in ms since the epoch; `dt`: each start in ms after the previous one;
    /// - `ids`: every trace id as 22 base64url characters (16 big-endian bytes), concatenated;
    /// - `us`: durations in µs; `op`: root operations (index into `operations`); `n`: spans;
    ///   `ss`: the trace's services (index into `serviceSets`, each a sorted list of indices into
    ///   `services`);
    /// - `failed`: the positions of traces with errors, each as the distance from the previous (the
    ///   first from -1), and `errors`: their spans with errors;
    /// - `paged`: `true` when every trace has a page, else the positions of those with one, as `failed`.
    ///
    /// Written inside a `<script type="application/json">` block, so `<`, `>`, `&`, U+2028 and U+2029
    /// are escaped wherever they appear (names are the only free text).
    func traceData(_ groups: [(key: ServiceGraph.OperationKey, value: [Int])]) -> String {
        var operationOf = [Int](repeating: 0, count: traces.count)
        for (number, group) in groups.enumerated() {
            for index in group.value { operationOf[index] = number }
        }
        let services = Set(traces.flatMap(\.services)).sorted()
        let serviceIndex = Dictionary(uniqueKeysWithValues: services.enumerated().map { ($1, $0) })
        var serviceSets: [[Int]] = []
        var setIndex: [[String]: Int] = [:]
        var ids = ""
        ids.reserveCapacity(traces.count * 22)
        var columns = (dt: [UInt64](), us: [UInt64](), op: [Int](), n: [Int](), ss: [Int](), errors: [Int]())
        var failed: [Int] = []
        var paged: [Int] = []
        let first = listOrder.first.map { traces[$0].startTimeUnixNano / 1_000_000 } ?? 0
        var previousStart = first
        for (position, index) in listOrder.enumerated() {
            let trace = traces[index]
            let start = trace.startTimeUnixNano / 1_000_000
            columns.dt.append(start - previousStart)
            previousStart = start
            ids += Self.base64URL(trace.traceID)
            columns.us.append(trace.durationNano / 1_000)
            columns.op.append(operationOf[index])
            columns.n.append(trace.spanCount)
            if let known = setIndex[trace.services] {
                columns.ss.append(known)
            } else {
                setIndex[trace.services] = serviceSets.count
                columns.ss.append(serviceSets.count)
                serviceSets.append(trace.services.compactMap { serviceIndex[$0] })
            }
            if trace.errorCount > 0 {
                failed.append(position)
                columns.errors.append(trace.errorCount)
            }
            if selection.contains(index) { paged.append(position) }
        }
        /// Positions as steps from the previous one (the first from -1).
        func steps(_ positions: [Int]) -> String { DataIsland.vlq(zip(positions, [-1] + positions).map { $0 - $1 }) }
        var out = "{\"t0\":\(first),\"services\":\(DataIsland.jsonStrings(services)),"
        out += "\"operations\":\(DataIsland.jsonStrings(groups.map { "\($0.key.service): \($0.key.operation)" })),"
        out +=
            "\"serviceSets\":[" + serviceSets.map { "[" + $0.map(String.init).joined(separator: ",") + "]" }.joined(separator: ",") + "],"
        out += "\"ids\":\"\(ids)\",\"dt\":\"\(DataIsland.vlq(columns.dt))\",\"us\":\"\(DataIsland.vlq(columns.us))\","
        out += "\"op\":\"\(DataIsland.vlq(columns.op))\",\"n\":\"\(DataIsland.vlq(columns.n))\",\"ss\":\"\(DataIsland.vlq(columns.ss))\","
        out += "\"failed\":\"\(steps(failed))\",\"errors\":\"\(DataIsland.vlq(columns.errors))\","
        out += "\"paged\":" + (paged.count == traces.count ? "true" : "\"\(steps(paged))\"") + "}"
        return out
    }

    /// A trace id as 22 base64url characters: its 16 big-endian bytes, without padding.
    static func base64URL(_ id: TraceID) -> String {
        var bytes: [UInt8] = []
        for half in [id.high, id.low] {
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: half >> UInt64(shift))) }
        }
        var out: [UInt8] = []
        out.reserveCapacity(22)
        var index = 0
        while index < 16 {
            let chunk = bytes[index..<min(index + 3, 16)]
            var value = 0
            for byte in chunk { value = value << 8 | Int(byte) }
            value <<= 8 * (3 - chunk.count)
            for position in 0...chunk.count { out.append(DataIsland.alphabet[(value >> (18 - 6 * position)) & 63]) }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// One row per root operation, over every trace read (with a page or not): how many, how many
    /// failed, and the spread of their durations (exact ranks).
    /// Each row has a histogram of its durations, on ranges shared by all rows so that rows compare.
    /// The `entry-point-row` partial's values and switches.
    static let entryPointRow = PlannedPartial(
        name: "entry-point-row",
        names: .link("service") + .values("operation", "traceCount", "errors", "histogram") + .latency + .switches("hasErrors"))

    /// The `entry-points` table: per root operation its traces, errors, percentiles and a
    /// histogram of its durations on the scale all share (`durationsFrom` to `durationsTo`).
    private func entryPointValues(
        _ groups: [(key: ServiceGraph.OperationKey, value: [Int])], templates: TemplateSet,
        validate: (String) throws(ReportError) -> String
    ) throws(ReportError) -> [String: Any] {
        let durations = traces.map(\.durationNano)
        let edges = HistogramEdges(logFrom: durations.min() ?? 1, to: durations.max() ?? 1, count: 30)
        var writer = RowWriter(templates.plan(Self.entryPointRow))
        var rows = ""
        for (key, members) in groups {
            let durations = members.map { traces[$0].durationNano }.sorted()
            func rank(_ q: Double) -> UInt64 { durations[Int((q * Double(durations.count - 1)).rounded())] }
            let errors = members.count { traces[$0].errorCount > 0 }
            let bars = HistogramChart.bars(members.lazy.map { (traces[$0].durationNano, traces[$0].errorCount > 0) }, edges: edges)
            let chart = HistogramChart(bars: bars, size: .row, label: "Durations of \(key.service): \(key.operation)").svg()
            let row: PlanFields<String, Bool> =
                .link(key.service) + .values(key.operation, String(members.count), String(errors), try validate(chart))
                + .latency([rank(0.5), rank(0.9), rank(0.99), durations[durations.count - 1]]) + .switches(errors > 0)
            writer.append(row, to: &rows)
        }
        return [
            "durationsFrom": DurationFormat.string(nanoseconds: edges.edges[0]),
            "durationsTo": DurationFormat.string(nanoseconds: edges.edges[edges.count]), "rows": rows,
        ]
    }
}
