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

    @Test(arguments: [(2, 1), (60, 250)])
    func layoutHasNoOverlapsAndEdgesEndOnTheirNodes(_ services: Int, _ edgeCount: Int) throws {
        let chart = ServiceGraphChart(graph: Self.graph(services: services, edges: edgeCount))
        #expect(chart.names.count == services && chart.edges.count == edgeCount)
        let nodes = chart.layout.nodes
        for a in nodes.indices {
            for b in nodes.indices where a < b { #expect(!nodes[a].intersects(nodes[b]), "nodes \(a) and \(b) overlap") }
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
        for (offset, label) in chart.labels.enumerated() {
            #expect(!nodes.contains { $0.intersects(label.box) })
            #expect(!chart.labels[(offset + 1)...].contains { $0.box.intersects(label.box) })
        }
        #expect(!chart.labels.isEmpty)
        try SVGValidator().validate(chart.svg())
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
