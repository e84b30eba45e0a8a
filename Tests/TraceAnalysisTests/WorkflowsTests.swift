import Foundation
import TestSupport
import Testing
import TraceAssembly
import TraceModel

@testable import TraceAnalysis

/// Traces joined across asynchronous boundaries: by a span link, by a message id, by a shared
/// value of the join attribute; queue times to the microsecond; links out of the input listed;
/// parts merged into the whole.
struct WorkflowsTests {
    /// Times in microseconds after the epoch of `PlantedTraffic`.
    static func nano(_ micros: UInt64) -> UInt64 { (PlantedTraffic.epochMicros + micros) * 1_000 }

    static func span(
        trace: UInt64, id: UInt64, parent: UInt64? = nil, service: String, name: String, kind: SpanKind, start: UInt64, end: UInt64,
        attributes: [Attribute] = [], links: [SpanLink] = []
    ) -> Span {
        Span(
            traceID: TraceID(high: 0xF10, low: trace), spanID: SpanID(id), parentSpanID: parent.map { SpanID($0) }, name: name, kind: kind,
            startTimeUnixNano: nano(start), endTimeUnixNano: nano(end), attributes: attributes, links: links,
            resource: SpanBuilder.resource(service))
    }

    static func message(_ id: String) -> [Attribute] { [Attribute(key: "messaging.message.id", value: .string(id))] }
    static func order(_ id: Int64) -> [Attribute] { [Attribute(key: "order.id", value: .int(id))] }

    /// Checkout (trace 1) enqueues a payment job; the payment worker (trace 2) links back to the
    /// producer span, then enqueues an email carrying message id "mail-7", which the mailer
    /// (trace 3) consumes with no link. Trace 4 links to a trace that is not in the input. Traces
    /// 5, 6 and 7 share order.id 42 only.
    static let spans: [Span] = [
        span(trace: 1, id: 10, service: "checkout", name: "POST /orders", kind: .server, start: 0, end: 30_000),
        span(trace: 1, id: 11, parent: 10, service: "checkout", name: "payments publish", kind: .producer, start: 20_000, end: 21_500),
        span(
            trace: 2, id: 20, service: "payments", name: "payments process", kind: .consumer, start: 22_734, end: 80_000,
            links: [SpanLink(traceID: TraceID(high: 0xF10, low: 1), spanID: SpanID(11))]),
        span(
            trace: 2, id: 21, parent: 20, service: "payments", name: "mail publish", kind: .producer, start: 70_000, end: 70_250,
            attributes: message("mail-7")),
        span(
            trace: 3, id: 30, service: "mailer", name: "mail process", kind: .consumer, start: 1_070_251, end: 1_090_000,
            attributes: message("mail-7")),
        span(
            trace: 4, id: 40, service: "audit", name: "audit record", kind: .consumer, start: 5_000_000, end: 5_001_000,
            links: [SpanLink(traceID: TraceID(high: 0xDEAD, low: 1), spanID: SpanID(99))]),
        span(trace: 5, id: 50, service: "shop", name: "POST /cart", kind: .server, start: 9_000_000, end: 9_010_000, attributes: order(42)),
        span(trace: 6, id: 60, service: "warehouse", name: "pick", kind: .server, start: 9_500_000, end: 9_600_000, attributes: order(42)),
        span(trace: 7, id: 70, service: "courier", name: "ship", kind: .server, start: 9_550_000, end: 9_700_000, attributes: order(42)),
    ]

    static func workflows(_ spans: [Span], joinAttribute: String? = "order.id") -> (Workflows, [TraceDigest]) {
        let traces = TraceAssembler().assemble(spans)
        let digests = traces.map(TraceDigest.init)
        return (Workflows(tally: Workflows.Tally(traces: traces, joinAttribute: joinAttribute), traces: digests), digests)
    }

    static func low(_ digests: [TraceDigest], _ index: Int) -> UInt64 { digests[index].traceID.low }

    @Test func linksAndMessageIdsChainTracesWithTheirQueueTimes() throws {
        let (found, digests) = Self.workflows(Self.spans)
        let chain = try #require(found.workflows.first { $0.traces.map { Self.low(digests, $0) } == [1, 2, 3] })
        let joins = chain.joins.map { (Self.low(digests, $0.from), Self.low(digests, $0.to), $0.via, $0.queueNano) }
        #expect(joins.count == 2)
        // Enqueued at the producer span's end, dequeued at the consumer's start: 22,734 − 21,500 µs.
        #expect(joins[0] == (1, 2, .link, 1_234_000))
        // 1,070,251 − 70,250 µs.
        #expect(joins[1] == (2, 3, .message, 1_000_001_000))
        #expect(chain.missing.isEmpty)
    }

    @Test func aJoinAttributeOrdersItsTracesAndMeasuresTheGaps() throws {
        let (found, digests) = Self.workflows(Self.spans)
        let byOrder = try #require(found.workflows.first { $0.traces.map { Self.low(digests, $0) } == [5, 6, 7] })
        let joins = byOrder.joins.map { (Self.low(digests, $0.from), Self.low(digests, $0.to), $0.via, $0.queueNano) }
        // From one trace's end to the next one's start; the courier started before the warehouse ended.
        #expect(joins.count == 2)
        #expect(joins[0] == (5, 6, .attribute, 490_000_000))
        #expect(joins[1] == (6, 7, .attribute, -50_000_000))
        // Without the option, those traces join nothing.
        let (without, withoutDigests) = Self.workflows(Self.spans, joinAttribute: nil)
        #expect(without.workflows.map { $0.traces.map { Self.low(withoutDigests, $0) } } == [[1, 2, 3]])
    }

    @Test func linksOutOfTheInputAreListed() throws {
        let (found, digests) = Self.workflows(Self.spans)
        #expect(found.dangling.count == 1)
        #expect(found.dangling.first.map { Self.low(digests, $0.trace) } == 4)
        #expect(found.dangling.first?.missing == [TraceID(high: 0xDEAD, low: 1)])
    }

    /// The tally of parts (each trace in a part of its own, through the part file) merges into the
    /// tally of the whole, and gives the same workflows.
    @Test func partsMergeIntoTheWorkflowsOfTheWhole() throws {
        let traces = TraceAssembler().assemble(Self.spans)
        let whole = Workflows.Tally(traces: traces, joinAttribute: "order.id")
        var merged = Workflows.Tally(joinAttribute: "order.id")
        for trace in traces.reversed() {
            let part = Workflows.Tally(traces: [trace], joinAttribute: "order.id")
            merged.merge(try JSONDecoder().decode(Workflows.Tally.self, from: JSONEncoder().encode(part)))
        }
        #expect(merged == whole)
        let digests = traces.map(TraceDigest.init)
        #expect(Workflows(tally: merged, traces: digests) == Workflows(tally: whole, traces: digests))
        #expect(Workflows(tally: whole, traces: digests).workflows.count == 2)
    }
}
