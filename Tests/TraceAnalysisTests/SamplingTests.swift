import Foundation
import TestSupport
import Testing
import TraceAssembly
import TraceModel

@testable import TraceAnalysis

/// Sampling read from what the spans declare and from the calls themselves: a threshold in the
/// tracestate, Jaeger's probabilistic sampler tags, and a downstream service that samples on its
/// own, planted in generated traffic.
struct SamplingTests {
    @Test(arguments: [("ot=th:c", 0.25), ("ot=th:8", 0.5), ("ot=th:0", 1.0), ("vendor=x, ot=rv:abc;th:fd70a4", 0.01), ("ot=th:", -1)])
    func theTracestateThresholdGivesTheProbability(traceState: String, probability: Double) {
        let declared = SamplingDeclaration.of(traceState: traceState, attributes: [])
        if probability < 0 {
            #expect(declared == nil)
        } else {
            #expect(abs((declared?.probability ?? -1) - probability) < 0.0001, "\(traceState): \(String(describing: declared))")
        }
    }

    /// 400 checkouts: the web front end's root spans carry a threshold keeping 25%; the mobile
    /// API's root spans Jaeger's probabilistic sampler at 0.1. Both call inventory (kept by the
    /// caller's decision) and pricing, which samples on its own: its span is under one call in
    /// four (every fourth), the calls' client spans naming it by peer.service.
    static func traffic() -> [Span] {
        var traffic = PlantedTraffic()
        for trace in UInt64(1)...400 {
            let start = trace * 1_000_000
            let web = trace % 2 == 0
            let declaration: [Attribute] =
                web
                ? []
                : [Attribute(key: "sampler.type", value: .string("probabilistic")), Attribute(key: "sampler.param", value: .double(0.1))]
            let root = traffic.add(
                trace: trace, parent: nil, service: web ? "web" : "mobile-api", name: "POST /checkout", kind: .server, start: start,
                end: start + 50_000, attributes: declaration)
            if web { traffic.spans[traffic.spans.count - 1].traceState = "ot=th:c" }
            traffic.call(
                trace: trace, parent: root, caller: web ? "web" : "mobile-api", callee: "inventory", operation: "Reserve",
                start: start + 1_000, end: start + 10_000, query: false)
            let client = traffic.add(
                trace: trace, parent: root, service: web ? "web" : "mobile-api", name: "Quote", kind: .client, start: start + 11_000,
                end: start + 20_000, attributes: [Attribute(key: "peer.service", value: .string("pricing"))])
            if trace % 4 == 0 || trace % 4 == 1 {
                traffic.add(
                    trace: trace, parent: client, service: "pricing", name: "Quote", kind: .server, start: start + 11_100,
                    end: start + 19_900)
            }
        }
        return traffic.spans
    }

    @Test func declaredRatesLowSamplingAndAServiceSamplingOnItsOwnAreFound() throws {
        let health = InstrumentationHealth(traces: TraceAssembler().assemble(Self.traffic()))
        let declared = try #require(health.findings.first { $0.check == .sampling })
        // Out of the service's spans (root, client and client), or of the entry point's traces.
        let details = Set(declared.rows.map { "\($0.subject) | \($0.detail) | \($0.count)/\($0.total)" })
        #expect(details.contains("web | tracestate th:c: keeps 25% of traces | 200/600"), "\(details)")
        #expect(details.contains("web: POST /checkout | tracestate th:c: keeps 25% of traces | 200/200"), "\(details)")
        #expect(details.contains("mobile-api | Jaeger probabilistic 0.1: keeps 10% of traces | 200/600"), "\(details)")
        let low = try #require(health.findings.first { $0.check == .lowSampling })
        #expect(Set(low.rows.map(\.subject)) == ["web", "web: POST /checkout", "mobile-api", "mobile-api: POST /checkout"])
        // pricing answered half the calls its callers traced (every 4th and the one after); inventory all.
        let inconsistent = try #require(health.findings.first { $0.check == .inconsistentSampling })
        #expect(inconsistent.rows.map(\.subject).sorted() == ["mobile-api → pricing", "web → pricing"])
        for row in inconsistent.rows {
            #expect(row.total == 200 && row.count == 100, "\(row)")
            #expect(row.detail == "pricing kept 50% of the calls \(row.subject.split(separator: " ")[0]) traced")
        }
    }

    @Test func partsMergeIntoTheFindingsOfTheWhole() throws {
        let traces = TraceAssembler().assemble(Self.traffic())
        let whole = InstrumentationHealth.Tally(traces: traces, keyAttributes: [])
        var merged = InstrumentationHealth.Tally(traces: Array(traces[..<150]), keyAttributes: [])
        let rest = InstrumentationHealth.Tally(traces: Array(traces[150...]), keyAttributes: [])
        merged.merge(try JSONDecoder().decode(InstrumentationHealth.Tally.self, from: JSONEncoder().encode(rest)))
        #expect(merged.declaredSampling == whole.declaredSampling && merged.downstreamCalls == whole.downstreamCalls)
    }
}
