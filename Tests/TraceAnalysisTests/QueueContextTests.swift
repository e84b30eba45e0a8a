import Foundation
import TestSupport
import Testing
import TraceAssembly
import TraceModel

@testable import TraceAnalysis

/// Consumers that started a trace of their own though a traced producer sent their message: the
/// context was lost in the queue. Found by message id across traces, and across parts.
struct QueueContextTests {
    /// 200 checkouts each publish an order (`messaging.message.id` "order-N", as an integer for
    /// every tenth); billing consumes it in the producer's trace, except for every fifth order,
    /// whose consumer starts a trace of its own; 10 more consumers start traces for messages no
    /// traced producer sent.
    static func traffic() -> [Span] {
        var traffic = PlantedTraffic()
        func id(_ order: UInt64) -> AttributeValue { order % 10 == 0 ? .int(Int64(order)) : .string("\(order)") }
        for order in UInt64(1)...200 {
            let start = order * 1_000_000
            let root = traffic.add(
                trace: order, parent: nil, service: "frontend", name: "POST /checkout", kind: .server, start: start, end: start + 20_000)
            let producer = traffic.add(
                trace: order, parent: root, service: "frontend", name: "orders publish", kind: .producer, start: start + 1_000,
                end: start + 2_000, attributes: [Attribute(key: "messaging.message.id", value: id(order))])
            let lost = order % 5 == 0
            // The integer ids arrive as strings at the consumer, and the other way round: the id is the same.
            let received: AttributeValue = order % 10 == 0 ? .string("\(order)") : id(order)
            traffic.add(
                trace: lost ? 10_000 + order : order, parent: lost ? nil : producer, service: "billing", name: "orders process",
                kind: .consumer, start: start + 50_000, end: start + 90_000,
                attributes: [Attribute(key: "messaging.message.id", value: received)])
        }
        for stray in UInt64(1)...10 {
            traffic.add(
                trace: 20_000 + stray, parent: nil, service: "billing", name: "orders process", kind: .consumer, start: 300_000_000 + stray,
                end: 300_100_000 + stray, attributes: [Attribute(key: "messaging.message.id", value: .string("never-sent-\(stray)"))])
        }
        return traffic.spans
    }

    @Test func consumersWhoseProducerWasTracedAreCountedExactly() throws {
        let traces = TraceAssembler().assemble(Self.traffic())
        let health = InstrumentationHealth(traces: traces)
        let finding = try #require(health.findings.first { $0.check == .queueContextLost })
        #expect(finding.rows.map(\.subject) == ["billing: orders process"])
        #expect(finding.rows.first?.count == 40 && finding.rows.first?.total == 210)
        // Every consumer without context is still counted as such, the strays too.
        #expect(health.findings.first { $0.check == .consumersWithoutContext }?.count == 50)
    }

    @Test func partsMergeIntoTheFindingOfTheWhole() throws {
        let traces = TraceAssembler().assemble(Self.traffic())
        let whole = InstrumentationHealth.Tally(traces: traces, keyAttributes: [])
        // Producers and their lost consumers fall in different parts.
        var merged = InstrumentationHealth.Tally(traces: traces.filter { $0.traceID.low >= 10_000 }, keyAttributes: [])
        merged.merge(InstrumentationHealth.Tally(traces: traces.filter { $0.traceID.low < 10_000 }, keyAttributes: []))
        #expect(merged.contextlessConsumers == whole.contextlessConsumers && merged.producedMessages == whole.producedMessages)
        let decoded = try JSONDecoder().decode(InstrumentationHealth.Tally.self, from: JSONEncoder().encode(merged))
        #expect(decoded.contextlessConsumers == merged.contextlessConsumers && decoded.producedMessages == merged.producedMessages)
        let digests = traces.map(TraceDigest.init)
        let found = InstrumentationHealth(tally: merged, traces: digests).findings.first { $0.check == .queueContextLost }
        #expect(found == InstrumentationHealth(tally: whole, traces: digests).findings.first { $0.check == .queueContextLost })
        #expect(found?.count == 40)
    }
}
