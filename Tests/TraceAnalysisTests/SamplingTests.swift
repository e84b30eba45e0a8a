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
    /// four (every fourth), the calls' client spans naming it by peer.service. And ledger, called
    /// in every kept checkout, records everything: 100 more requests whose callers kept nothing.
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
            traffic.call(
                trace: trace, parent: root, caller: web ? "web" : "mobile-api", callee: "ledger", operation: "Record",
                start: start + 21_000, end: start + 30_000, query: false)
            if trace % 4 == 0 || trace % 4 == 1 {
                traffic.add(
                    trace: trace, parent: client, service: "pricing", name: "Quote", kind: .server, start: start + 11_100,
                    end: start + 19_900)
            }
        }
        for trace in UInt64(1_001)...1_100 {
            traffic.add(
                trace: trace, parent: 999_999, service: "ledger", name: "Record", kind: .server, start: trace * 1_000_000,
                end: trace * 1_000_000 + 5_000)
        }
        return traffic.spans
    }

    @Test func declaredRatesLowSamplingAndAServiceSamplingOnItsOwnAreFound() throws {
        let health = InstrumentationHealth(traces: TraceAssembler().assemble(Self.traffic()))
        let declared = try #require(health.findings.first { $0.check == .sampling })
        // Out of the service's root and entry spans (its client spans take no decision), or of the
        // entry point's traces. The trace ids (1 to 400) estimate nothing.
        let details = Set(declared.rows.map { "\($0.subject) | \($0.detail) | \($0.count)/\($0.total)" })
        #expect(
            details == [
                "web | tracestate th:c: keeps 25% of traces | 200/200",
                "web: POST /checkout | tracestate th:c: keeps 25% of traces | 200/200",
                "mobile-api | Jaeger probabilistic 0.1: keeps 10% of traces | 200/200",
                "mobile-api: POST /checkout | Jaeger probabilistic 0.1: keeps 10% of traces | 200/200",
            ], "\(details)")
        let low = try #require(health.findings.first { $0.check == .lowSampling })
        #expect(Set(low.rows.map(\.subject)) == ["web", "web: POST /checkout", "mobile-api", "mobile-api: POST /checkout"])
        // pricing answered half the calls its callers traced (every 4th and the one after); inventory all.
        let inconsistent = try #require(health.findings.first { $0.check == .inconsistentSampling })
        #expect(inconsistent.rows.map(\.subject).sorted() == ["its callers → ledger", "mobile-api → pricing", "web → pricing"])
        let ledger = try #require(inconsistent.rows.first { $0.subject == "its callers → ledger" })
        #expect(ledger.count == 100 && ledger.total == 500 && ledger.detail.hasSuffix("which kept about 80% of the requests it recorded"))
        for row in inconsistent.rows where row.subject != ledger.subject {
            #expect(row.total == 200 && row.count == 100, "\(row)")
            #expect(row.detail == "pricing kept 50% of the calls \(row.subject.split(separator: " ")[0]) traced")
        }
    }

    @Test(arguments: [
        (
            "b3", AttributeValue.array([.string("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90")]),
            String?("B3 sampled 1")
        ),
        ("b3", .string("d"), "B3 debug"), ("b3", .string("0"), "B3 sampled 0"), ("x-b3-sampled", .array([.string("0")]), "B3 sampled 0"),
        ("x-b3-sampled", .string("true"), "B3 sampled 1"), ("x-b3-flags", .array([.string("1")]), "B3 debug"),
        ("b3", .string("80f198ee56343ba8-e457b5a2e4d86bd1"), nil), ("x-b3-sampled", .string("maybe"), nil),
    ])
    func recordedB3HeadersDeclareTheCallersDecision(header: String, value: AttributeValue, declared: String?) {
        let found = SamplingDeclaration.of(traceState: "", attributes: [Attribute(key: "http.request.header.\(header)", value: value)])
        #expect(found.map { String($0.source.prefix(declared?.count ?? 0)) } == declared, "\(String(describing: found))")
        #expect(found?.probability == (declared == "B3 debug" ? 1 : nil))
    }

    /// 6,000 requests a day at each of four entry points with random trace ids, kept as each
    /// sampler keeps them: OpenTelemetry's TraceIdRatioBased in Go (low 64 bits below 20% of
    /// 2^64) and Java (their signed magnitude below 30% of 2^63), Jaeger's probabilistic (the low
    /// 63 bits below 10% of 2^63), and no sampler at all. No span declares anything.
    static func ratioSampledTraffic() -> [Span] {
        var traffic = PlantedTraffic()
        var random = SplitMix64(seed: 26)
        let keeps: [(String, (UInt64) -> Bool)] = [
            ("go-shop", { $0 < UInt64(0.2 * 0x1p64) }),
            ("java-shop", { Int64(bitPattern: $0).magnitude < UInt64(0.3 * 0x1p63) }),
            ("jaeger-shop", { $0 & (UInt64.max >> 1) < UInt64(0.1 * 0x1p63) }),
            ("admin", { _ in true }),
        ]
        for request in UInt64(0)..<24_000 {
            let (service, keep) = keeps[Int(request % 4)]
            let id = random.next()
            guard keep(id) else { continue }
            traffic.add(
                trace: id, parent: nil, service: service, name: "GET /", kind: .server, start: request * 1_000, end: request * 1_000 + 500)
        }
        return traffic.spans
    }

    @Test func ratioSamplersAreEstimatedFromTheTraceIDs() throws {
        let health = InstrumentationHealth(traces: TraceAssembler().assemble(Self.ratioSampledTraffic()))
        let rows = try #require(health.findings.first { $0.check == .sampling }).rows
        var estimates: [String: Double] = [:]
        for row in rows {
            let share = try #require(row.detail.firstMatch(of: /about ([0-9.]+)%/)?.1)
            estimates[row.subject] = try #require(Double(share)) / 100
        }
        #expect(Set(estimates.keys) == ["go-shop", "go-shop: GET /", "java-shop", "java-shop: GET /", "jaeger-shop", "jaeger-shop: GET /"])
        for (subject, expected) in [("go-shop", 0.2), ("java-shop", 0.3), ("jaeger-shop", 0.1)] {
            #expect(abs(try #require(estimates[subject]) - expected) < 0.02, "\(subject): \(String(describing: estimates[subject]))")
        }
        let low = try #require(health.findings.first { $0.check == .lowSampling })
        #expect(Set(low.rows.map(\.subject)) == Set(estimates.keys))
    }

    @Test func partsMergeIntoTheFindingsOfTheWhole() throws {
        let traces = TraceAssembler().assemble(Self.traffic() + Self.ratioSampledTraffic())
        let whole = InstrumentationHealth.Tally(traces: traces, keyAttributes: [])
        var merged = InstrumentationHealth.Tally(traces: Array(traces[..<150]), keyAttributes: [])
        let rest = InstrumentationHealth.Tally(traces: Array(traces[150...]), keyAttributes: [])
        merged.merge(try JSONDecoder().decode(InstrumentationHealth.Tally.self, from: JSONEncoder().encode(rest)))
        #expect(merged.declaredSampling == whole.declaredSampling && merged.downstreamCalls == whole.downstreamCalls)
        #expect(merged.operations == whole.operations && merged.services == whole.services)
    }
}
