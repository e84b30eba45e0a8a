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
        /// The edge it belongs to, an index into `edges`.
        public var edge: Int
    }

    public let graph: ServiceGraph
    public let names: [String]
    public let layout: LayeredLayout
    public let edges: [(key: ServiceGraph.EdgeKey, value: ServiceGraph.Metrics)]
    /// Where each edge starts and ends, for tests: (from point, to point).
    public private(set) var endpoints: [((Double, Double), (Double, Double))] = []
    /// Each edge's line as straight pieces (its curves sampled), for tests of overlap.
    public private(set) var lines: [[LayeredLayout.Point]] = []
    public private(set) var labels: [Label] = []
    private var body = ""

    static let nodeHeight = 38.0
    /// Widths of a character of the names (12 px type) and of the figures (11 px), generous
    /// for DejaVu Sans so that a box is never narrower than its text.
    static let characterWidth = 7.4
    static let smallCharacterWidth = 6.7

    public init(graph: ServiceGraph) {
        self.graph = graph
        names = graph.nodes.keys.sorted()
        let edges = graph.sortedEdges
        self.edges = edges
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        // A node is as wide as its name or its figures line, whichever is longer.
        let sizes = names.map { name in
            (
                width: 24
                    + max(
                        Double(min(name.count, 36)) * Self.characterWidth,
                        Double(Self.detail(of: name, in: graph).count) * Self.smallCharacterWidth),
                height: Self.nodeHeight
            )
        }
        let namespaceNumbers = Dictionary(uniqueKeysWithValues: Set(graph.namespaces.values).sorted().enumerated().map { ($1, $0) })
        layout = LayeredLayout(
            nodeSizes: sizes, edges: edges.map { (index[$0.key.caller]!, index[$0.key.callee]!) },
            loose: Set(edges.indices.filter { edges[$0].key.style == .asynchronous }),
            groups: names.map { graph.namespaces[$0].flatMap { namespaceNumbers[$0] } })
        body = render(index: index)
    }

    /// The chart as a standalone `<svg>` element, drawn at its own size (text is never shrunk:
    /// a page scrolls a large graph inside its box).
    public func svg() -> String {
        let height = layout.height + 30
        let width = max(layout.width, Self.legendWidth)
        let title = "Service dependency graph: \(names.count) nodes, \(edges.count) edges"
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"graph\" role=\"figure\" aria-label=\"\(Markup.escape(title))\" "
            + "width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\">"
            + "<title>\(Markup.escape(title))</title>" + body + legend(y: height - 12) + "</svg>"
    }

    private mutating func render(index: [String: Int]) -> String {
        var out = ""
        let palette = ServicePalette(services: names.filter { graph.nodes[$0] == false })
        let maximumCalls = edges.map(\.value.calls).max() ?? 1
        var pairCount: [String: Int] = [:]

        // 1. Every edge's way: out of its caller, through its slots in the layers it crosses, into
        // its callee (a second edge between the same pair a little lower; an edge pointing back
        // leaves from the left and arrives on the right).
        var paths: [String] = []
        for (number, (key, _)) in edges.enumerated() {
            let caller = index[key.caller]!
            let callee = index[key.callee]!
            let from = layout.nodes[caller]
            let to = layout.nodes[callee]
            let pair = key.caller + "\u{0}" + key.callee
            let offset = Double(pairCount[pair, default: 0]) * 8
            pairCount[pair, default: 0] += 1
            guard layout.layers[caller] != layout.layers[callee] else {
                // A call to itself, or an asynchronous call within a layer: out to the right of
                // the layer, a bow through the gap, and back in.
                let start = LayeredLayout.Point(x: from.maxX, y: from.midY + (caller == callee ? -8 : 4) + offset)
                let end = LayeredLayout.Point(x: to.maxX, y: to.midY + (caller == callee ? 8 : 4) + offset)
                endpoints.append(((start.x, start.y), (end.x, end.y)))
                let bow = 36 + min(60, abs(end.y - start.y) / 8)
                let column = layout.columns[layout.layers[caller]]
                let out = [LayeredLayout.Point(x: column.maxX, y: start.y), LayeredLayout.Point(x: column.maxX, y: end.y)]
                let controls = (
                    (out[0].x + bow, out[0].y - (caller == callee ? 22 : 0)), (out[1].x + bow, out[1].y + (caller == callee ? 22 : 0))
                )
                paths.append(
                    "M \(n(start.x)) \(n(start.y)) L \(n(out[0].x)) \(n(out[0].y)) C \(n(controls.0.0)) \(n(controls.0.1)) "
                        + "\(n(controls.1.0)) \(n(controls.1.1)) \(n(out[1].x)) \(n(out[1].y)) L \(n(end.x)) \(n(end.y))")
                lines.append(
                    [start] + Self.sampled(from: (out[0].x, out[0].y), control1: controls.0, control2: controls.1, to: (out[1].x, out[1].y))
                        + [end])
                continue
            }
            let forward = layout.layers[callee] > layout.layers[caller]
            let start = LayeredLayout.Point(x: forward ? from.maxX : from.x, y: from.midY + offset + (forward ? 0 : 6))
            let end = LayeredLayout.Point(x: forward ? to.x : to.maxX, y: to.midY + offset + (forward ? 0 : 6))
            endpoints.append(((start.x, start.y), (end.x, end.y)))
            // Straight out of the caller's layer and into the callee's, so that no curve cuts
            // across a wider node in either.
            let fromColumn = layout.columns[layout.layers[caller]]
            let toColumn = layout.columns[layout.layers[callee]]
            let points =
                [start, LayeredLayout.Point(x: forward ? fromColumn.maxX : fromColumn.x, y: start.y)]
                + layout.waypoints[number].map { LayeredLayout.Point(x: $0.x, y: $0.y + offset) }
                + [LayeredLayout.Point(x: forward ? toColumn.x : toColumn.maxX, y: end.y), end]
            var path = "M \(n(start.x)) \(n(start.y))"
            var line = [start]
            // Pieces alternate: a straight run through a layer, a curve across the gap to the next.
            for piece in 0..<(points.count - 1) {
                let a = points[piece]
                let b = points[piece + 1]
                if piece % 2 == 0 {
                    guard a != b else { continue }
                    path += " L \(n(b.x)) \(n(b.y))"
                    line.append(b)
                } else {
                    let middle = (a.x + b.x) / 2
                    path += " C \(n(middle)) \(n(a.y)) \(n(middle)) \(n(b.y)) \(n(b.x)) \(n(b.y))"
                    line += Self.sampled(from: (a.x, a.y), control1: (middle, a.y), control2: (middle, b.y), to: (b.x, b.y)).dropFirst()
                }
            }
            paths.append(path)
            lines.append(line)
        }

        // 2. Namespaces: behind each run of a namespace's services in a layer, a box with its name.
        var namespaceLayer = ""
        var namespaceLabels: [LayeredLayout.Rect] = []
        for (column, bounds) in layout.columns.enumerated() {
            let members = names.indices.filter { layout.layers[$0] == column && graph.namespaces[names[$0]] != nil }
                .sorted { layout.nodes[$0].y < layout.nodes[$1].y }
            var run: [Int] = []
            for (place, member) in members.enumerated() {
                run.append(member)
                let next = place + 1 < members.count ? members[place + 1] : nil
                guard next.map({ graph.namespaces[names[$0]] != graph.namespaces[names[member]] }) ?? true else { continue }
                let namespace = graph.namespaces[names[member]]!
                let top = layout.nodes[run[0]].y - LayeredLayout.groupLabelRoom + 2
                let bottom = layout.nodes[run[run.count - 1]].maxY + 4
                let text = Markup.truncate(namespace, to: 30)
                namespaceLabels.append(
                    LayeredLayout.Rect(x: bounds.x - 4, y: top, width: Double(text.count) * Self.smallCharacterWidth + 8, height: 14))
                namespaceLayer +=
                    "<g class=\"ns\"><title>namespace \(Markup.escape(namespace))</title><rect x=\"\(n(bounds.x - 6))\" y=\"\(n(top))\" "
                    + "width=\"\(n(bounds.maxX - bounds.x + 12))\" height=\"\(n(bottom - top))\" rx=\"8\"/>"
                    + "<text x=\"\(n(bounds.x - 2))\" y=\"\(n(top + 11))\">\(Markup.escape(text))</text></g>"
                run = []
            }
        }

        // 3. Labels, busiest edge first: beside a piece of their own edge, clear of every node,
        // every other label and every line (their own too, so that no label looks struck
        // through); an edge with no such place has its figures in its tooltip and the tables.
        var obstacles = ChartObstacles(width: layout.width, height: layout.height, lines: lines)
        for rect in layout.nodes + namespaceLabels { obstacles.insert(rect) }
        var labelOf = [String?](repeating: nil, count: edges.count)
        let busiestFirst = edges.indices.sorted { (edges[$1].value.calls, $0) < (edges[$0].value.calls, $1) }
        for number in busiestFirst {
            let metrics = edges[number].value
            let text = Self.labelText(metrics)
            let labelWidth = Double(text.count) * Self.smallCharacterWidth
            let bounds = LayeredLayout.Rect(x: 0, y: 0, width: layout.width, height: layout.height)
            search: for anchor in Self.labelAnchors(on: lines[number]) {
                for shift in [-3.0, 3, -10, 10, -17, 17, -24, 24] {
                    let y = shift < 0 ? anchor.y + shift - 14 : anchor.y + shift
                    let box = LayeredLayout.Rect(x: anchor.x - labelWidth / 2, y: y, width: labelWidth, height: 14)
                    guard box.x >= bounds.x, box.maxX <= bounds.maxX, box.y >= bounds.y, box.maxY <= bounds.maxY,
                        obstacles.isClear(box)
                    else { continue }
                    obstacles.insert(box)
                    labels.append(Label(box: box, text: text, edge: number))
                    labelOf[number] =
                        "<text class=\"elabel\" x=\"\(n(anchor.x))\" y=\"\(n(box.y + 11))\" text-anchor=\"middle\">\(Markup.escape(text))</text>"
                    break search
                }
            }
        }

        // 4. Namespaces behind all; edges, so that nodes are drawn over their ends; nodes; then
        // labels over every edge.
        out += namespaceLayer
        var labelLayer = ""
        for (number, (key, metrics)) in edges.enumerated() {
            // Width by share of calls, on a log scale so that rare edges stay visible and busy ones stand out.
            let width = 1 + Int((4 * log1p(Double(metrics.calls)) / log1p(Double(maximumCalls))).rounded(.down))
            let errorClass = metrics.errorRate >= 0.05 ? "e2" : metrics.errorRate > 0 ? "e1" : "e0"
            let quantiles = metrics.latency.quantiles([0.5, 0.95, 0.99]).map { DurationFormat.string(nanoseconds: $0) }
            let tooltip =
                "\(key.caller) → \(key.callee)\(key.style == .asynchronous ? " (asynchronous)" : "")\n\(metrics.calls) calls, "
                + "\(metrics.errors) errors\np50 \(quantiles[0]), p95 \(quantiles[1]), "
                + "p99 \(quantiles[2]), max \(DurationFormat.string(nanoseconds: metrics.latency.maximum))"
            let classes =
                "edge \(errorClass) w\(min(width, 5))\(key.style == .asynchronous ? " async" : "") from-\(index[key.caller]!) to-\(index[key.callee]!)"
            out += "<g class=\"\(classes)\"><title>\(Markup.escape(tooltip))</title><path d=\"\(paths[number])\"/>"
            let line = lines[number]
            out += arrowhead(at: line[line.count - 1], from: line[line.count - 2]) + "</g>"
            if let label = labelOf[number] { labelLayer += "<g class=\"\(classes)\">\(label)</g>" }
        }

        for (position, name) in names.enumerated() {
            let rect = layout.nodes[position]
            let isVirtual = graph.nodes[name] == true
            let latency = graph.serviceLatency[name]
            let detail = Self.detail(of: name, in: graph)
            var tooltip = "\(name)\(isVirtual ? " (not instrumented: named by its callers)" : "")\n\(detail)"
            if let latency, !isVirtual {
                let quantiles = latency.latency.quantiles([0.5, 0.99]).map { DurationFormat.string(nanoseconds: $0) }
                tooltip +=
                    "\n\(Self.plural(latency.calls, "server span")): p50 \(quantiles[0]), p99 \(quantiles[1]), "
                    + "max \(DurationFormat.string(nanoseconds: latency.latency.maximum)), \(Self.plural(latency.errors, "error"))"
            }
            let failing = (latency?.errorRate ?? 0) >= 0.05 ? " failing" : ""
            out += "<g class=\"node node-\(position)\(isVirtual ? " virtual" : "")\(failing)\"><title>\(Markup.escape(tooltip))</title>"
            out +=
                "<rect class=\"\(isVirtual ? "vnode" : palette.colorClass(name))\" x=\"\(n(rect.x))\" y=\"\(n(rect.y))\" width=\"\(n(rect.width))\" height=\"\(n(rect.height))\" rx=\"6\"/>"
            out +=
                "<text x=\"\(n(rect.x + rect.width / 2))\" y=\"\(n(rect.y + (detail.isEmpty ? 23 : 16)))\" text-anchor=\"middle\">\(Markup.escape(Markup.truncate(name, to: 36)))</text>"
            if !detail.isEmpty {
                out +=
                    "<text class=\"sub\" x=\"\(n(rect.x + rect.width / 2))\" y=\"\(n(rect.y + 31))\" text-anchor=\"middle\">\(Markup.escape(detail))</text>"
            }
            out += "</g>"
        }
        return out + labelLayer
    }

    /// An edge label's words: calls, p95, and the error rate where there are errors.
    static func labelText(_ metrics: ServiceGraph.Metrics) -> String {
        let p95 = DurationFormat.string(nanoseconds: metrics.latency.quantile(0.95))
        let errors = metrics.errors == 0 ? "" : " · " + DurationFormat.fixed(metrics.errorRate * 100, decimals: 1) + "% err"
        return "\(plural(metrics.calls, "call")) · p95 \(p95)\(errors)"
    }

    /// Where a label may sit along an edge's line, best first: the middle of the line, then the
    /// other points outward from it, skipping its first and last eighth (crowded by its ends).
    static func labelAnchors(on line: [LayeredLayout.Point]) -> [LayeredLayout.Point] {
        guard line.count > 2 else { return line }
        let first = line.count / 8
        let last = line.count - 1 - line.count / 8
        let middle = line.count / 2
        var order: [Int] = [middle]
        var step = 1
        while middle - step >= first || middle + step <= last {
            if middle - step >= first { order.append(middle - step) }
            if middle + step <= last { order.append(middle + step) }
            step += 1
        }
        // At most 24 places, spread evenly over the order: a long edge is not tried pixel by pixel.
        let stride = max(1, order.count / 24)
        return Swift.stride(from: 0, to: order.count, by: stride).map { line[order[$0]] }
    }

    /// Points along a cubic Bézier curve, its ends included.
    static func sampled(
        from a: (Double, Double), control1 b: (Double, Double), control2 c: (Double, Double), to d: (Double, Double)
    ) -> [LayeredLayout.Point] {
        (0...12).map { step in
            let t = Double(step) / 12
            let u = 1 - t
            let (w0, w1, w2, w3) = (u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t)
            return LayeredLayout.Point(x: w0 * a.0 + w1 * b.0 + w2 * c.0 + w3 * d.0, y: w0 * a.1 + w1 * b.1 + w2 * c.1 + w3 * d.1)
        }
    }

    /// A filled triangle at `tip`, pointing away from `from`.
    private func arrowhead(at tip: LayeredLayout.Point, from: LayeredLayout.Point) -> String {
        var dx = tip.x - from.x
        var dy = tip.y - from.y
        let length = (dx * dx + dy * dy).squareRoot()
        if length > 0 {
            dx /= length
            dy /= length
        } else {
            dx = 1
            dy = 0
        }
        let back = (tip.x - 9 * dx, tip.y - 9 * dy)
        let left = (back.0 - 4 * dy, back.1 + 4 * dx)
        let right = (back.0 + 4 * dy, back.1 - 4 * dx)
        return "<path class=\"arrow\" d=\"M \(n(tip.x)) \(n(tip.y)) L \(n(left.0)) \(n(left.1)) L \(n(right.0)) \(n(right.1)) Z\"/>"
    }

    /// A node's figures line: calls into a virtual node; p95 and error rate (where some failed)
    /// of a service's spans.
    static func detail(of name: String, in graph: ServiceGraph) -> String {
        if graph.nodes[name] == true {
            return plural(graph.edges.filter { $0.key.callee == name }.lazy.map(\.value.calls).saturatingSum(), "call")
        }
        return graph.serviceLatency[name].map {
            let errors = $0.errors == 0 ? "" : " · " + DurationFormat.fixed($0.errorRate * 100, decimals: 1) + "% err"
            return "p95 \(DurationFormat.string(nanoseconds: $0.latency.quantile(0.95)))\(errors)"
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
