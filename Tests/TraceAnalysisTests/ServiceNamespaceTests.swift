import Foundation
import TestSupport
import Testing
import TraceAnalysis
import TraceAssembly
import TraceCharts
import TraceModel

/// Services grouped by their resources' `service.namespace`: found, kept through a part's
/// coding and a merge, and drawn together.
struct ServiceNamespaceTests {
    /// A span of `service` whose resource names `namespace`.
    static func span(_ id: UInt64, parent: UInt64 = 0, _ service: String, _ namespace: String?, trace: UInt64 = 1) -> Span {
        var span = SpanBuilder.span(trace: trace, id: id, parent: parent, service: service, start: id, end: id + 10, kind: .server)
        var attributes = [Attribute(key: "service.name", value: .string(service))]
        if let namespace { attributes.append(Attribute(key: "service.namespace", value: .string(namespace))) }
        span.resource = Resource(attributes: attributes)
        return span
    }

    /// Two traces: web (shop) → cart (shop) and web → auth (identity) → users (identity), and a
    /// service without a namespace.
    static func traces() -> [Trace] {
        TraceAssembler().assemble([
            span(1, "web", "shop"), span(2, parent: 1, "cart", "shop"), span(3, parent: 1, "auth", "identity"),
            span(4, parent: 3, "users", "identity"), span(5, parent: 3, "audit", nil),
            span(6, "web", "shop", trace: 2), span(7, parent: 6, "auth", "zeta", trace: 2),
        ])
    }

    @Test func namespacesAreFoundKeptThroughCodingAndMerged() throws {
        let traces = Self.traces()
        let graph = ServiceGraph(traces: traces)
        // auth names two namespaces: the first in name order is kept.
        #expect(graph.namespaces == ["web": "shop", "cart": "shop", "auth": "identity", "users": "identity"])
        let decoded = try JSONDecoder().decode(ServiceGraph.self, from: JSONEncoder().encode(graph))
        #expect(decoded == graph)
        var merged = ServiceGraph(traces: [traces[1]])
        merged.merge(ServiceGraph(traces: [traces[0]]))
        #expect(merged.namespaces == graph.namespaces)
        #expect(graph.neighbourhood(of: "cart").namespaces == ["web": "shop", "cart": "shop"])
    }

    @Test func aNamespaceIsDrawnAsOneBoxAroundItsServicesInALayer() throws {
        let chart = ServiceGraphChart(graph: ServiceGraph(traces: Self.traces()))
        let svg = chart.svg()
        // Layers: web (shop); cart (shop) and auth (identity); users (identity) and audit (none).
        #expect(svg.components(separatedBy: "<g class=\"ns\">").count - 1 == 4)
        #expect(svg.contains(">identity</text>") && svg.contains(">shop</text>"))
        // In every layer a namespace's nodes are adjacent.
        let index = Dictionary(uniqueKeysWithValues: chart.names.enumerated().map { ($1, $0) })
        let namespaces = ServiceGraph(traces: Self.traces()).namespaces
        for layer in Set(chart.layout.layers) {
            let column = chart.names.filter { chart.layout.layers[index[$0]!] == layer }.sorted {
                chart.layout.nodes[index[$0]!].y < chart.layout.nodes[index[$1]!].y
            }
            let runs = column.map { namespaces[$0] ?? "-\($0)" }
            let distinct = runs.enumerated().filter { $0.offset == 0 || runs[$0.offset - 1] != $0.element }.map(\.element)
            #expect(Set(distinct).count == distinct.count, "a namespace split in layer \(layer): \(runs)")
        }
    }

    @Test func manyNamespacesStayTogetherInEveryLayer() {
        // 60 services in 6 namespaces, calling across them.
        var spans: [Span] = []
        var state: UInt64 = 5
        func random(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for trace in 1...150 {
            let caller = random(30)
            let callee = 30 + random(30)
            spans.append(Self.span(1, "s\(caller)", "ns\(caller % 6)", trace: UInt64(trace)))
            spans.append(Self.span(2, parent: 1, "s\(callee)", "ns\(callee % 6)", trace: UInt64(trace)))
        }
        let graph = ServiceGraph(traces: TraceAssembler().assemble(spans))
        let chart = ServiceGraphChart(graph: graph)
        let index = Dictionary(uniqueKeysWithValues: chart.names.enumerated().map { ($1, $0) })
        for layer in Set(chart.layout.layers) {
            let runs = chart.names.filter { chart.layout.layers[index[$0]!] == layer }
                .sorted { chart.layout.nodes[index[$0]!].y < chart.layout.nodes[index[$1]!].y }
                .map { graph.namespaces[$0] ?? "" }
            let distinct = runs.enumerated().filter { $0.offset == 0 || runs[$0.offset - 1] != $0.element }.map(\.element)
            #expect(Set(distinct).count == distinct.count, "a namespace split in layer \(layer)")
        }
    }
}
