import Foundation
import TestSupport
import Testing
import TraceAnalysis
import TraceAssembly
import TraceCharts
import TraceModel
import XMLValidation

struct ServiceGraphChartTests {
    /// A graph of `services` services and `edges` caller → callee pairs (some pointing back, so
    /// that cycles must be broken), one two-span trace per call, some of them failing.
    static func graph(services: Int, edges: Int) -> ServiceGraph {
        var state: UInt64 = 11
        func random(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        var pairs = Set<[Int]>()
        while pairs.count < edges {
            let caller = random(services)
            let callee = random(services)
            if caller != callee { pairs.insert([caller, callee]) }
        }
        var spans: [Span] = []
        for (number, pair) in pairs.sorted(by: { $0.lexicographicallyPrecedes($1) }).enumerated() {
            let trace = UInt64(number + 1)
            for call in 0..<(1 + random(4)) {
                let base = UInt64(call * 10)
                spans.append(
                    SpanBuilder.span(trace: trace, id: base + 1, service: "service-\(pair[0])", start: base, end: base + 9, kind: .server))
                spans.append(
                    SpanBuilder.span(
                        trace: trace, id: base + 2, parent: base + 1, service: "service-\(pair[1])", start: base + 1,
                        end: base + 2 + UInt64(random(7)),
                        kind: .server, status: SpanStatus(code: random(10) == 0 ? .error : .unset)))
            }
        }
        return ServiceGraph(traces: TraceAssembler().assemble(spans))
    }

    @Test(arguments: [(2, 1), (10, 20), (60, 250), (200, 550)])
    func layoutHasNoOverlapsAndEdgesEndOnTheirNodes(_ services: Int, _ edgeCount: Int) throws {
        let chart = ServiceGraphChart(graph: Self.graph(services: services, edges: edgeCount))
        #expect(chart.names.count == services && chart.edges.count == edgeCount)
        let nodes = chart.layout.nodes
        // Nodes sorted by x, so that only neighbours in x are compared.
        let byX = nodes.indices.sorted { nodes[$0].x < nodes[$1].x }
        for (place, a) in byX.enumerated() {
            for b in byX[(place + 1)...] {
                if nodes[b].x >= nodes[a].maxX { break }
                #expect(!nodes[a].intersects(nodes[b]), "nodes \(a) and \(b) overlap")
            }
        }
        // Every pixel or so of every edge, by 32-pixel cell.
        var pointsInCell: [[Int]: [(edge: Int, point: LayeredLayout.Point)]] = [:]
        for (edge, line) in chart.lines.enumerated() {
            for point in Self.points(along: line) { pointsInCell[Self.cell(point.x, point.y), default: []].append((edge, point)) }
        }
        func points(in box: LayeredLayout.Rect) -> [(edge: Int, point: LayeredLayout.Point)] {
            let (low, high) = (Self.cell(box.x, box.y), Self.cell(box.maxX, box.maxY))
            return (low[0]...high[0]).flatMap { column in
                (low[1]...high[1]).flatMap { row in (pointsInCell[[column, row]] ?? []).filter { Self.strictlyInside($0.point, box) } }
            }
        }
        let index = Dictionary(uniqueKeysWithValues: chart.names.enumerated().map { ($1, $0) })
        for ((key, _), (start, end)) in zip(chart.edges, chart.endpoints) {
            let from = nodes[index[key.caller]!]
            let to = nodes[index[key.callee]!]
            #expect(start.0 == from.maxX || start.0 == from.x)
            #expect(start.1 >= from.y && start.1 <= from.maxY)
            #expect(end.0 == to.x || end.0 == to.maxX)
            #expect(end.1 >= to.y && end.1 <= to.maxY)
        }
        // No edge passes behind a node but its own two.
        for (node, rect) in nodes.enumerated() {
            for (edge, _) in points(in: rect) {
                let key = chart.edges[edge].key
                #expect(index[key.caller] == node || index[key.callee] == node, "edge \(edge) passes behind node \(node)")
            }
        }
        // Each label clear of every node, every other label and every line, its own too.
        for (offset, label) in chart.labels.enumerated() {
            #expect(!nodes.contains { $0.intersects(label.box) })
            #expect(!chart.labels[(offset + 1)...].contains { $0.box.intersects(label.box) })
            for (edge, _) in points(in: label.box) {
                Issue.record("the label of edge \(label.edge) lies on edge \(edge)")
            }
        }
        #expect(!chart.labels.isEmpty)
        try SVGValidator().validate(chart.svg())
    }

    /// Points every pixel or so along a line's straight pieces.
    static func points(along line: [LayeredLayout.Point]) -> [LayeredLayout.Point] {
        zip(line, line.dropFirst()).flatMap { a, b -> [LayeredLayout.Point] in
            let steps = max(1, Int(max(abs(b.x - a.x), abs(b.y - a.y))))
            return (0...steps).map { step in
                let t = Double(step) / Double(steps)
                return LayeredLayout.Point(x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t)
            }
        }
    }

    static func cell(_ x: Double, _ y: Double) -> [Int] { [Int((x / 32).rounded(.down)), Int((y / 32).rounded(.down))] }

    static func strictlyInside(_ point: LayeredLayout.Point, _ rect: LayeredLayout.Rect) -> Bool {
        point.x > rect.x && point.x < rect.maxX && point.y > rect.y && point.y < rect.maxY
    }

    @Test func layersKeepTheirOrderAndGapsNearestToWhereTheirNeighboursWantThem() {
        // Three items all wanted at 5, ten apart: centred on 5.
        #expect(LayeredLayout.placeInOrder(desired: [5, 5, 5], separations: [10, 10]) == [-5, 5, 15])
        // Already far enough apart: left where wanted.
        #expect(LayeredLayout.placeInOrder(desired: [0, 50, 51], separations: [10, 1]) == [0, 50, 51])
        // Wanted out of order: pooled, order and gaps kept.
        let placed = LayeredLayout.placeInOrder(desired: [30, 0, 100], separations: [4, 4])
        #expect(placed == [13, 17, 100])
        #expect(LayeredLayout.placeInOrder(desired: [], separations: []).isEmpty)
    }

    @Test func feedbackOrderReversesNoEdgeOfAnAcyclicGraphAndOneOfACycle() {
        let chain = [[1], [2], [3], []]
        let rank = LayeredLayout.feedbackOrder(successors: chain)
        #expect(rank == [0, 1, 2, 3])
        let diamond = [[1, 2], [3], [3], []]
        let diamondRank = LayeredLayout.feedbackOrder(successors: diamond)
        #expect(diamond.enumerated().allSatisfy { node, targets in targets.allSatisfy { diamondRank[node] < diamondRank[$0] } })
        let cycle = [[1], [2], [0]]
        let cycleRank = LayeredLayout.feedbackOrder(successors: cycle)
        #expect(cycle.enumerated().map { node, targets in targets.count { cycleRank[node] > cycleRank[$0] } }.reduce(0, +) == 1)
    }

    @Test func hostileShapesStayBounded() {
        // A chain of 1,500 services, each also called by the first: without a budget, 1.1 million
        // slots (25 s in a debug build); with it, at most 20,000, the shortest edges first.
        let count = 1_500
        let edges = (1..<count).map { ($0 - 1, $0) } + (2..<count).map { (0, $0) }
        let layout = LayeredLayout(nodeSizes: Array(repeating: (100, 38), count: count), edges: edges)
        #expect(layout.waypoints.reduce(0) { $0 + $1.count } / 2 <= 20_000)
        #expect(layout.waypoints[count - 1].count == 2)  // 0 → 2 crosses layer 1 in a slot
        #expect(layout.waypoints[edges.count - 1].isEmpty)  // 0 → 1,499 is drawn straight across
        // A ring of 20,000 services: the order that breaks its cycle comes from heaps, not scans.
        let ring = LayeredLayout.feedbackOrder(successors: (0..<20_000).map { [($0 + 1) % 20_000] })
        #expect(Set(ring).count == 20_000)
        #expect((0..<20_000).count { ring[$0] > ring[($0 + 1) % 20_000] } == 1)
    }

    @Test func anEdgeAcrossLayersGoesThroughASlotInEachLayerItCrosses() {
        // 0 → 1 → 2 → 3, and 0 → 3 across layers 1 and 2.
        let sizes = [(width: 100.0, height: 38.0), (100, 38), (100, 38), (100, 38)]
        let layout = LayeredLayout(nodeSizes: sizes, edges: [(0, 1), (1, 2), (2, 3), (0, 3), (3, 0)])
        #expect(layout.layers == [0, 1, 2, 3])
        #expect(layout.waypoints[0].isEmpty && layout.waypoints[1].isEmpty)
        // Two points a layer, left to right going forward, right to left coming back.
        #expect(layout.waypoints[3].map(\.x) == [layout.columns[1].x, layout.columns[1].maxX, layout.columns[2].x, layout.columns[2].maxX])
        #expect(layout.waypoints[4].map(\.x) == [layout.columns[2].maxX, layout.columns[2].x, layout.columns[1].maxX, layout.columns[1].x])
        for point in layout.waypoints[3] {
            #expect(!layout.nodes.contains { point.y >= $0.y && point.y <= $0.maxY && point.x >= $0.x && point.x <= $0.maxX })
        }
        // A loose edge (asynchronous) does not push its ends apart.
        let loose = LayeredLayout(nodeSizes: sizes, edges: [(0, 1), (1, 2), (2, 3), (0, 3)], loose: [0, 1, 2])
        #expect(loose.layers == [0, 0, 0, 1])
    }

    @Test func namesAreEscapedAndLayoutIsDeterministic() throws {
        let spans = [
            SpanBuilder.span(id: 1, service: "<b>web</b>", start: 0, end: 10, kind: .server),
            SpanBuilder.span(
                id: 2, parent: 1, service: "web", start: 1, end: 5, kind: .client,
                attributes: [Attribute(key: "db.system", value: .string("redis\"><script>"))]),
        ]
        let graph = ServiceGraph(traces: TraceAssembler().assemble(spans))
        let svg = ServiceGraphChart(graph: graph).svg()
        try SVGValidator().validate(svg)
        #expect(!svg.contains("<script>") && !svg.contains("<b>"))
        #expect(svg.contains("&lt;b&gt;web&lt;/b&gt;"))
        #expect(svg == ServiceGraphChart(graph: ServiceGraph(traces: TraceAssembler().assemble(spans.reversed()))).svg())
    }
}
