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
            "script": templates.sortScript,
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
            "neighbours": neighbourTable(),
            "operations": operationTable(),
            "traces": traceTable(),
        ]
        return templates.service.render(context)
    }

    private func neighbourTable() -> String {
        let edges = graph.sortedEdges.filter { $0.key.caller == name || $0.key.callee == name }
        guard !edges.isEmpty else { return "<p>No calls to or from other services.</p>" }
        var out =
            "<table class=\"sortable\"><thead><tr><th>Caller → callee</th><th class=\"num\">Calls</th>"
            + "<th class=\"num\">p50</th><th class=\"num\">p95</th><th class=\"num\">p99</th><th class=\"num\">Errors</th></tr></thead><tbody>"
        for (key, metrics) in edges {
            let arrow = key.style == .asynchronous ? " ⇢ " : " → "
            out += "<tr\(metrics.errors > 0 ? " class=\"err\"" : "")><td>\(link(key.caller))\(arrow)\(link(key.callee))</td>"
            out +=
                "<td class=\"num\" data-v=\"\(metrics.calls)\">\(metrics.calls)</td>"
                + ServicesPage.latencyCells(metrics.latency, [0.5, 0.95, 0.99])
            out += "<td class=\"num\" data-v=\"\(metrics.errors)\">\(metrics.errors)</td></tr>"
        }
        return out + "</tbody></table>"
    }

    private func operationTable() -> String {
        let operations = graph.operations.filter { $0.key.service == name }.sorted {
            ($1.value.metrics.latency.quantile(0.95), $0.key) < ($0.value.metrics.latency.quantile(0.95), $1.key)
        }
        guard !operations.isEmpty else { return "<p>No spans of its own: it is known only from its callers' spans.</p>" }
        var out =
            "<table class=\"sortable\"><thead><tr><th>Operation</th><th class=\"num\">Count</th>"
            + "<th class=\"num\">p50</th><th class=\"num\">p95</th><th class=\"num\">p99</th><th class=\"num\">Errors</th></tr></thead><tbody>"
        for (key, operation) in operations {
            let metrics = operation.metrics
            out += "<tr\(metrics.errors > 0 ? " class=\"err\"" : "")><td>\(Markup.escape(key.operation))</td>"
            out +=
                "<td class=\"num\" data-v=\"\(metrics.calls)\">\(metrics.calls)</td>"
                + ServicesPage.latencyCells(metrics.latency, [0.5, 0.95, 0.99])
            out += "<td class=\"num\" data-v=\"\(metrics.errors)\">\(metrics.errors)</td></tr>"
        }
        return out + "</tbody></table>"
    }

    private func traceTable() -> String {
        let slowest = traces.sorted { ($1.durationNano, $0.id) < ($0.durationNano, $1.id) }.prefix(10)
        let failing = traces.filter { $0.errors > 0 }.prefix(10)
        guard !slowest.isEmpty else { return "<p>None of the traces with a page passes through this service.</p>" }
        var out = "<h3>Slowest</h3><ul>"
        for trace in slowest {
            out +=
                "<li><a href=\"../\(TracePage.path(for: trace.id))\">\(Markup.escape(trace.root))</a> \(DurationFormat.string(nanoseconds: trace.durationNano))</li>"
        }
        out += "</ul>"
        if !failing.isEmpty {
            out += "<h3>With errors</h3><ul>"
            for trace in failing {
                out +=
                    "<li><a href=\"../\(TracePage.path(for: trace.id))\">\(Markup.escape(trace.root))</a> \(trace.errors) errors, \(DurationFormat.string(nanoseconds: trace.durationNano))</li>"
            }
            out += "</ul>"
        }
        return out
    }

    private func link(_ service: String) -> String {
        service == name ? "<b>\(Markup.escape(service))</b>" : ServicesPage.link(service, prefix: "../")
    }
}
