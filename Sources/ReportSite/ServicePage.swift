import Mustache
import Synchronization
import TraceAnalysis
import TraceAssembly
import TraceCharts
import TraceModel

/// `services/<name>.html`: one service (or uninstrumented dependency) — its operations with
/// their latency and errors, its callers and callees drawn and listed, and links to its slowest
/// and failing traces that have pages.
struct ServicePage {
    let name: String
    /// The site-wide graph (the page draws the part around this service).
    let graph: ServiceGraph
    var title = ReportBuilder.defaultTitle
    /// Traces with a page, in report order, with this service in them: (id, duration, errors).
    var traces: [(id: TraceID, durationNano: UInt64, errors: Int, root: String)] = []
    /// The `timeline` partial's values (`TimelineSection.values`), if the service served requests.
    var timeline: [String: Any]?

    /// A file name that is safe on every file system and unique per service: the name made
    /// lower-case ASCII (other characters become '-'), cut to 40 characters, and a hash of the
    /// whole name, since two names may look alike once made safe.
    static func path(for name: String) -> String {
        if let known = knownPaths.withLock({ $0[name] }) { return known }
        let path = makePath(for: name)
        knownPaths.withLock { paths in
            if paths.count < 10_000 { paths[name] = path }
        }
        return path
    }

    /// Paths already worked out: every trace page links the services in its tables, from any
    /// thread. Bounded, as service names come from the input.
    private static let knownPaths = Mutex<[String: String]>([:])

    private static func makePath(for name: String) -> String {
        let digits = String(FNV1a.hash(name.utf8) & 0xFFFF_FFFF, radix: 16)
        let slug = name.utf8.allSatisfy { $0 < 0x80 } ? asciiSlug(name) : slug(name)
        return "services/" + slug + "-" + String(repeating: "0", count: 8 - digits.count) + digits + ".html"
    }

    /// The first 40 characters of the lower-cased name, each ASCII letter or digit kept and
    /// anything else made a "-".
    static func slug(_ name: String) -> String {
        var slug = ""
        for scalar in name.lowercased().unicodeScalars.prefix(40) {
            let ascii = scalar.isASCII && (("a"..."z").contains(scalar) || ("0"..."9").contains(scalar))
            slug.unicodeScalars.append(ascii ? scalar : "-")
        }
        return slug
    }

    /// `slug(_:)` of an ASCII name, byte by byte (a name is turned into a path for every link
    /// to its page).
    static func asciiSlug(_ name: String) -> String {
        String(unsafeUninitializedCapacity: min(name.utf8.count, 40)) { buffer in
            var count = 0
            for byte in name.utf8.prefix(40) {
                let lower = byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
                let kept = lower &- UInt8(ascii: "a") < 26 || lower &- UInt8(ascii: "0") < 10
                buffer[count] = kept ? lower : UInt8(ascii: "-")
                count += 1
            }
            return count
        }
    }

    /// The latency of the service's server and consumer spans (and its root spans) over 40
    /// log-spaced ranges, or nil when it has none (a dependency that is not traced).
    func latencyHistogram() -> String? {
        guard let latency = graph.serviceLatency[name]?.latency, latency.count > 0 else { return nil }
        let edges = HistogramEdges(logFrom: latency.minimum, to: latency.maximum, count: 40)
        let counts = latency.histogram(edges: edges)
        let bars = counts.indices.map { range in
            HistogramChart.Bar(lower: edges.edges[range], upper: edges.edges[range + 1], count: Int(counts[range]))
        }
        return HistogramChart(bars: bars, size: .full, label: "Latency of \(name)").svg()
    }

    /// - Parameter histogramSVG: the validated `latencyHistogram()`, if any.
    func render(graphSVG: String, histogramSVG: String?, templates: TemplateSet) -> String {
        let latency = graph.serviceLatency[name]?.latency
        let context: [String: Any] = [
            "csp": templates.servicesPagePolicy,
            "script": templates.tablesScript,
            "css": templates.css,
            "title": title,
            "name": name,
            "virtual": graph.nodes[name] == true,
            "operationCount": graph.operations.count { $0.key.service == name },
            "callerCount": Set(graph.edges.keys.filter { $0.callee == name }.map(\.caller)).count,
            "calleeCount": Set(graph.edges.keys.filter { $0.caller == name }.map(\.callee)).count,
            "hasLatency": latency != nil,
            "p50": latency.map { DurationFormat.string(nanoseconds: $0.quantile(0.5)) } ?? "",
            "p95": latency.map { DurationFormat.string(nanoseconds: $0.quantile(0.95)) } ?? "",
            "p99": latency.map { DurationFormat.string(nanoseconds: $0.quantile(0.99)) } ?? "",
            "graph": graphSVG,
            "histogram": histogramSVG ?? "",
            "timeline": timeline ?? false,
        ].merging(neighbours(templates)) { $1 }.merging(ownOperations(templates)) { $1 }.merging(traceValues()) { $1 }
        return templates.render("service", context)
    }

    /// The `neighbour-row` partial's values and switches.
    static let neighbourRow = PlannedPartial(
        name: "neighbour-row",
        names: .link("caller") + .values("arrow") + .link("callee") + .values("calls", "errors") + .latency + .switches("hasErrors"))

    /// The `service-operation-row` partial's values and switches.
    static let operationRow = PlannedPartial(
        name: "service-operation-row", names: .values("operation", "calls", "errors") + .latency + .switches("hasErrors"))

    /// `service-neighbours`: the edges to and from the service.
    private func neighbours(_ templates: TemplateSet) -> [String: Any] {
        let edges = graph.sortedEdges.filter { $0.key.caller == name || $0.key.callee == name }
        var writer = RowWriter(templates.plan(Self.neighbourRow))
        var rows = ""
        for (key, metrics) in edges {
            let row: PlanFields<String, Bool> =
                link(key.caller) + .values(ServicesPage.arrow(key.style)) + link(key.callee)
                + .values(String(metrics.calls), String(metrics.errors))
                + .latency(ServicesPage.quantiles(metrics.latency, [0.5, 0.95, 0.99])) + .switches(metrics.errors > 0)
            writer.append(row, to: &rows)
        }
        return ["hasNeighbours": !edges.isEmpty, "neighbourRows": rows]
    }

    /// `service-operations`: the service's operations, slowest p95 first.
    private func ownOperations(_ templates: TemplateSet) -> [String: Any] {
        // Each p95 is worked out once, not once a comparison.
        let operations = graph.operations.filter { $0.key.service == name }
            .map { (key: $0.key, value: $0.value, p95: $0.value.metrics.latency.quantile(0.95)) }
        var writer = RowWriter(templates.plan(Self.operationRow))
        var rows = ""
        for (key, operation, _) in operations.sorted(by: { ($1.p95, $0.key) < ($0.p95, $1.key) }) {
            let metrics = operation.metrics
            let row: PlanFields<String, Bool> =
                .values(key.operation, String(metrics.calls), String(metrics.errors))
                + .latency(ServicesPage.quantiles(metrics.latency, [0.5, 0.95, 0.99])) + .switches(metrics.errors > 0)
            writer.append(row, to: &rows)
        }
        return ["hasOwnOperations": !operations.isEmpty, "operationRows": rows]
    }

    /// `service-traces`: its ten slowest traces with a page, and its first ten failing ones.
    private func traceValues() -> [String: Any] {
        let slowest = traces.sorted { ($1.durationNano, $0.id) < ($0.durationNano, $1.id) }.prefix(10)
        let failing = traces.filter { $0.errors > 0 }.prefix(10)
        func values(_ trace: (id: TraceID, durationNano: UInt64, errors: Int, root: String)) -> [String: Any] {
            [
                "path": "../" + TracePage.path(for: trace.id), "root": trace.root, "errors": trace.errors,
                "duration": DurationFormat.string(nanoseconds: trace.durationNano),
            ]
        }
        return [
            "hasSlowestTraces": !slowest.isEmpty, "slowestTraces": slowest.map(values), "hasFailingTraces": !failing.isEmpty,
            "failingTraces": failing.map(values),
        ]
    }

    private func link(_ service: String) -> PlanFields<String, Bool> {
        .link(service, prefix: "../", isSelf: service == name)
    }
}
