import TestSupport
import Testing
import TraceAssembly
import TraceModel

@testable import TraceAnalysis

/// A slow hop planted in the slowest requests of generated traffic is what their comparison with
/// the typical request names first, with its share of the difference.
struct TraceComparisonTests {
    /// 101 checkouts; in the two slowest, the payment server works `extra` µs longer on its own
    /// (its query unchanged), and in the slowest the cart also makes 12 more queries.
    static func traffic(extra: UInt64) -> [Trace] {
        var traffic = PlantedTraffic()
        for trace in UInt64(1)...101 { traffic.cleanRequest(trace, start: trace * 2_000_000) }
        for trace in [UInt64(100), 101] {
            traffic.slowDown(trace: trace, operation: "Charge", byMicros: extra)
            guard trace == 101 else { continue }
            let inTrace = TraceID(high: 0xFEED, low: trace)
            let cart = traffic.spans.first { $0.traceID == inTrace && $0.service == "cart" && $0.kind == .server }!
            for query in 0..<12 {
                let start = (cart.startTimeUnixNano - PlantedTraffic.epochMicros * 1_000) / 1_000 + 200 + UInt64(query) * 10
                traffic.add(
                    trace: trace, parent: cart.spanID.value, service: "cart", name: "SELECT cart_items", kind: .client, start: start,
                    end: start + 5)
            }
        }
        return TraceAssembler().assemble(traffic.spans)
    }

    @Test(arguments: [UInt64(150_000), 900_000])
    func thePlantedSlowHopIsNamedFirstWithItsShare(extra: UInt64) throws {
        let traces = Self.traffic(extra: extra)
        let byDuration = traces.sorted { $0.durationNano < $1.durationNano }
        let typical = byDuration[byDuration.count / 2]
        for slow in byDuration.suffix(2) {
            #expect([100, 101].contains(slow.traceID.low))
            let comparison = TraceComparison(slow, with: typical)
            let first = try #require(comparison.explaining.first)
            #expect("\(first.service): \(first.operation)" == "payment: Charge")
            let planted = Double(extra * 1_000) / Double(comparison.differenceNano)
            #expect(abs(comparison.share(of: first) - planted) < 0.05, "share \(comparison.share(of: first)) against \(planted)")
            #expect(first.traceSelfNano >= extra * 1_000)
        }
        let slowest = try #require(traces.first { $0.traceID.low == 101 })
        let comparison = TraceComparison(slowest, with: typical)
        let extraCalls = try #require(comparison.extraCalls.first)
        #expect("\(extraCalls.service): \(extraCalls.operation)" == "cart: SELECT cart_items")
        #expect(extraCalls.traceCount - extraCalls.otherCount == 12)
        #expect(comparison.missingCalls.isEmpty)
    }

    @Test func aTraceComparedWithItselfHasNoDifference() {
        let traces = Self.traffic(extra: 0)
        let comparison = TraceComparison(traces[0], with: traces[0])
        #expect(comparison.differenceNano == 0)
        #expect(comparison.explaining.isEmpty && comparison.extraCalls.isEmpty && comparison.missingCalls.isEmpty)
    }

    /// 10,000-span traces compare in one pass (no pairwise matching).
    @Test func largeTracesCompare() {
        var traffic = PlantedTraffic()
        for trace in UInt64(1)...2 {
            let root = traffic.add(trace: trace, parent: nil, service: "batch", name: "run", kind: .server, start: 0, end: 20_000_000)
            for call in UInt64(0)..<9_999 {
                traffic.add(
                    trace: trace, parent: root, service: "store", name: "put \(call % 50)", kind: .client, start: call * 2_000,
                    end: call * 2_000 + (trace == 1 && call % 50 == 7 ? 1_900 : 1_000))
            }
        }
        let traces = TraceAssembler().assemble(traffic.spans)
        let slow = traces.first { $0.traceID.low == 1 }!
        let other = traces.first { $0.traceID.low == 2 }!
        #expect(slow.spans.count == 10_000)
        let comparison = TraceComparison(slow, with: other)
        #expect(comparison.rows.count == 51)
        #expect(comparison.explaining.first?.operation == "put 7")
    }
}
