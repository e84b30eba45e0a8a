import Foundation
public import TraceAnalysis
import TraceModel

/// The service dependency graph as SVG: services (and virtual nodes for uninstrumented
/// databases, caches, queues and APIs) laid out left to right from callers to callees, edges as
/// curves with arrowheads, coloured by error rate, as wide as their share of calls, dashed when
/// asynchronous, and labelled with calls, p95 and error rate where there is room for the label.
public struct ServiceGraphChart: Sendable {
    /// A drawn edge's label box, kept for tests of overlap.
    public struct Label: Sendable {
        public var box: LayeredLayout.Rect
        public var text: String
    }

    public let graph: ServiceGraph
    public let names: [String]
    public let layout: LayeredLayout
    public let edges: [(key: ServiceGraph.EdgeKey, value: ServiceGraph.Metrics)]
    /// Where each edge starts and ends, for tests: (from point, to point).
    public private(set) var endpoints: [((Double, Double), (Double, Double))] = []
    public private(set) var labels: [Label] = []
    private var body = ""

    static let nodeHeight = 38.0
    static let characterWidth = 7.4

    public init(graph: ServiceGraph) {
        self.graph = graph
        names = graph.nodes.keys.sorted()
        edges = graph.sortedEdges
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        // A node is as wide as its name or its figures line (10 px type), whichever is longer.
        let sizes = names.map { name in
            (
                width: 24 + max(Double(min(name.count, 36)) * Self.characterWidth, Double(Self.detail(of: name, in: graph).count) * 6.0),
                height: Self.nodeHeight
            )
        }
        layout = LayeredLayout(nodeSizes: sizes, edges: edges.map { (index[$0.key.caller]!, index[$0.key.callee]!) })
        body = render(index: index)
    }

    /// The chart as a standalone `<svg>` element.
    public func svg() -> String {
        let height = layout.height + 40
        let width = max(layout.width, Self.legendWidth)
        let title = "Service dependency graph: \(names.count) nodes, \(edges.count) edges"
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"graph\" role=\"img\" aria-label=\"\(Markup.escape(title))\" "
            + "width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\">"
            + "<title>\(Markup.escape(title))</title>" + body + legend(y: height - 16) + "</svg>"
    }

    private mutating func render(index: [String: Int]) -> String {
        var out = ""
        let palette = ServicePalette(services: names.filter { graph.nodes[$0] == false })
        let maximumCalls = edges.map(\.value.calls).max() ?? 1
        var pairCount: [String: Int] = [:]

        // Edges first, so that nodes are drawn over their ends.
        for (key, metrics) in edges {
            let from = layout.nodes[index[key.caller]!]
            let to = layout.nodes[index[key.callee]!]
            // A second edge between the same pair (request and asynchronous) is drawn a little lower.
            let pair = key.caller + "\u{0}" + key.callee
            let offset = Double(pairCount[pair, default: 0]) * 8
            pairCount[pair, default: 0] += 1
            let forward = layout.layers[index[key.callee]!] > layout.layers[index[key.caller]!]
            let start = forward ? (from.maxX, from.midY + offset) : (from.x, from.midY + 6 + offset)
            let end = forward ? (to.x, to.midY + offset) : (to.maxX, to.midY + 6 + offset)
            let bend = forward ? (end.0 - start.0) / 2 : 90
            let control1 = forward ? (start.0 + bend, start.1) : (start.0 - 40, max(start.1, end.1) + bend)
            let control2 = forward ? (end.0 - bend, end.1) : (end.0 + 40, max(start.1, end.1) + bend)
            endpoints.append((start, end))

            // Width by share of calls, on a log scale so that rare edges stay visible and busy ones stand out.
            let width = 1 + Int((4 * log1p(Double(metrics.calls)) / log1p(Double(maximumCalls))).rounded(.down))
            let errorClass = metrics.errorRate >= 0.05 ? "e2" : metrics.errorRate > 0 ? "e1" : "e0"
            let p95 = DurationFormat.string(nanoseconds: metrics.latency.quantile(0.95))
            let rate = metrics.errors == 0 ? "0%" : DurationFormat.fixed(metrics.errorRate * 100, decimals: 1) + "%"
            let text = "\(Self.plural(metrics.calls, "call")) · p95 \(p95) · \(rate) err"
            let tooltip =
                "\(key.caller) → \(key.callee)\(key.style == .asynchronous ? " (asynchronous)" : "")\n\(metrics.calls) calls, "
                + "\(metrics.errors) errors\np50 \(DurationFormat.string(nanoseconds: metrics.latency.quantile(0.5))), p95 \(p95), "
                + "p99 \(DurationFormat.string(nanoseconds: metrics.latency.quantile(0.99))), max \(DurationFormat.string(nanoseconds: metrics.latency.maximum))"
            out += "<g class=\"edge \(errorClass) w\(min(width, 5))\(key.style == .asynchronous ? " async" : "")\">"
            out += "<title>\(Markup.escape(tooltip))</title>"
            out +=
                "<path d=\"M \(n(start.0)) \(n(start.1)) C \(n(control1.0)) \(n(control1.1)) \(n(control2.0)) \(n(control2.1)) \(n(end.0)) \(n(end.1))\"/>"
            out += arrowhead(at: end, from: control2)
            // The label at the curve's midpoint, moved up or down to a free place, or left out.
            let middle = (
                0.125 * start.0 + 0.375 * control1.0 + 0.375 * control2.0 + 0.125 * end.0,
                0.125 * start.1 + 0.375 * control1.1 + 0.375 * control2.1 + 0.125 * end.1
            )
            let labelWidth = Double(text.count) * 5.6
            for shift in [0.0, -14, 14, -28, 28, -42, 42] {
                let box = LayeredLayout.Rect(x: middle.0 - labelWidth / 2, y: middle.1 - 11 + shift, width: labelWidth, height: 13)
                guard !layout.nodes.contains(where: { $0.intersects(box) }), !labels.contains(where: { $0.box.intersects(box) }) else {
                    continue
                }
                labels.append(Label(box: box, text: text))
                out +=
                    "<text class=\"elabel\" x=\"\(n(middle.0))\" y=\"\(n(box.y + 10))\" text-anchor=\"middle\">\(Markup.escape(text))</text>"
                break
            }
            out += "</g>"
        }

        for (position, name) in names.enumerated() {
            let rect = layout.nodes[position]
            let isVirtual = graph.nodes[name] == true
            let latency = graph.serviceLatency[name]
            let detail = Self.detail(of: name, in: graph)
            var tooltip = "\(name)\(isVirtual ? " (not instrumented: named by its callers)" : "")\n\(detail)"
            if let latency, !isVirtual {
                tooltip +=
                    "\nserver spans: p50 \(DurationFormat.string(nanoseconds: latency.latency.quantile(0.5))), "
                    + "p99 \(DurationFormat.string(nanoseconds: latency.latency.quantile(0.99))), "
                    + "max \(DurationFormat.string(nanoseconds: latency.latency.maximum)), \(Self.plural(latency.errors, "error"))"
            }
            out += "<g class=\"node\(isVirtual ? " virtual" : "")\"><title>\(Markup.escape(tooltip))</title>"
            out +=
                "<rect class=\"\(isVirtual ? "vnode" : palette.colorClass(name))\" x=\"\(n(rect.x))\" y=\"\(n(rect.y))\" width=\"\(n(rect.width))\" height=\"\(n(rect.height))\" rx=\"6\"/>"
            out +=
                "<text x=\"\(n(rect.x + rect.width / 2))\" y=\"\(n(rect.y + 16))\" text-anchor=\"middle\">\(Markup.escape(Markup.truncate(name, to: 36)))</text>"
            out +=
                "<text class=\"sub\" x=\"\(n(rect.x + rect.width / 2))\" y=\"\(n(rect.y + 30))\" text-anchor=\"middle\">\(Markup.escape(detail))</text>"
            out += "</g>"
        }
        return out
    }

    /// A filled triangle at `tip`, pointing away from `from`.
    private func arrowhead(at tip: (Double, Double), from: (Double, Double)) -> String {
        var dx = tip.0 - from.0
        var dy = tip.1 - from.1
        let length = (dx * dx + dy * dy).squareRoot()
        if length > 0 {
            dx /= length
            dy /= length
        } else {
            dx = 1
            dy = 0
        }
        let back = (tip.0 - 9 * dx, tip.1 - 9 * dy)
        let left = (back.0 - 4 * dy, back.1 + 4 * dx)
        let right = (back.0 + 4 * dy, back.1 - 4 * dx)
        return "<path class=\"arrow\" d=\"M \(n(tip.0)) \(n(tip.1)) L \(n(left.0)) \(n(left.1)) L \(n(right.0)) \(n(right.1)) Z\"/>"
    }

    /// A node's figures line: calls into a virtual node, p95 and spans of a service.
    static func detail(of name: String, in graph: ServiceGraph) -> String {
        if graph.nodes[name] == true {
            return plural(graph.edges.filter { $0.key.callee == name }.lazy.map(\.value.calls).saturatingSum(), "call")
        }
        return graph.serviceLatency[name].map {
            "p95 \(DurationFormat.string(nanoseconds: $0.latency.quantile(0.95))) · \(plural($0.calls, "span"))"
        } ?? ""
    }

    /// The legend's labels, in order, with the classes of their samples.
    private static let legendEntries = [
        ("no errors", "edge e0 w2"), ("errors", "edge e1 w2"), ("5%+ errors", "edge e2 w2"), ("asynchronous", "edge e0 w2 async"),
    ]
    private static let legendTail = "not instrumented (named by callers) · width: share of calls"
    /// How wide the legend is drawn (11 px type): the chart is at least this wide.
    static let legendWidth = legendEntries.reduce(20.0) { $0 + 40 + Double($1.0.count) * 6.2 } + 20 + Double(legendTail.count) * 6.2 + 10

    private func legend(y: Double) -> String {
        var out = "<g class=\"glegend\">"
        var x = 20.0
        for (label, classes) in Self.legendEntries {
            out += "<g class=\"\(classes)\"><path d=\"M \(n(x)) \(n(y - 4)) L \(n(x + 26)) \(n(y - 4))\"/></g>"
            out += "<text x=\"\(n(x + 32))\" y=\"\(n(y))\">\(label)</text>"
            x += 40 + Double(label.count) * 6.2
        }
        out += "<rect class=\"vnode\" x=\"\(n(x))\" y=\"\(n(y - 10))\" width=\"14\" height=\"10\" rx=\"3\"/>"
        out += "<text x=\"\(n(x + 20))\" y=\"\(n(y))\">\(Self.legendTail)</text>"
        return out + "</g>"
    }

    private func n(_ value: Double) -> String { SVGNumber.format(value) }

    private static func plural(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }
}
