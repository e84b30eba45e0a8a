import TestSupport
import Testing
import TraceAnalysis
import TraceAssembly
import TraceModel

/// Which traces get a page, on generated traffic whose failures and slow requests are known.
struct TraceSelectionTests {
    static let assembled: [Trace] = {
        var generator = SyntheticTraces(options: .init(seed: 11, errorRate: 0.05, slowRate: 0.02))
        return TraceAssembler().assemble((0..<600).flatMap { _ in generator.nextTrace() })
    }()
    static let traces = assembled.map(TraceDigest.init)
    static let graph = ServiceGraph(traces: assembled)

    func select(_ configure: (inout TraceSelection.Policy) -> Void) -> TraceSelection {
        var policy = TraceSelection.Policy()
        policy.errors = false
        policy.slowestPerOperation = 0
        policy.percentiles = false
        policy.hopExemplars = false
        configure(&policy)
        return TraceSelection(traces: Self.traces, graph: Self.graph, policy: policy)
    }

    @Test func errorsSelectExactlyTheFailedTraces() {
        let failed = Set(Self.traces.indices.filter { Self.traces[$0].errorCount > 0 })
        #expect(failed.count >= 15 && failed.count <= 50, "about 5% of 600 requests fail")
        let selection = select { $0.errors = true }
        #expect(Set(selection.reasons.keys) == failed)
        #expect(selection.reasons.values.allSatisfy { $0 == [.error] })
    }

    @Test func failedTracesHaveACapOfTheirOwn() {
        let failed = Self.traces.indices.filter { Self.traces[$0].errorCount > 0 }
        let selection = select {
            $0.errors = true
            $0.maximumErrorPages = 5
            $0.slowestPerOperation = 1
        }
        #expect(Set(selection.reasons.keys).isSuperset(of: failed.prefix(5)))
        #expect(selection.reasons.values.count { $0.contains(.error) } == 5)
        #expect(selection.reasons.values.count { $0.contains(.slowest(rank: 1)) } == 5, "the slowest still get pages")
        #expect(selection.leftOut == failed.count - 5)
    }

    @Test func slowestAreTheSlowestOfEachEntryPoint() {
        let groups = TraceSelection.byRootOperation(Self.traces)
        #expect(groups.count == 5)
        let selection = select { $0.slowestPerOperation = 2 }
        #expect(selection.reasons.count == 2 * groups.count)
        for members in groups.values {
            let slowest = members.sorted { Self.traces[$0].durationNano > Self.traces[$1].durationNano }
            #expect(selection.reasons[slowest[0]] == [.slowest(rank: 1)])
            #expect(selection.reasons[slowest[1]] == [.slowest(rank: 2)])
            // The generator's slow queries make the slowest request far slower than the median.
            #expect(Self.traces[slowest[0]].durationNano > 2 * Self.traces[slowest[members.count / 2]].durationNano)
        }
    }

    @Test func percentilesPickTheTracesAtThoseRanks() {
        let selection = select { $0.percentiles = true }
        for members in TraceSelection.byRootOperation(Self.traces).values {
            let ascending = members.sorted {
                (Self.traces[$0].durationNano, Self.traces[$0].traceID) < (Self.traces[$1].durationNano, Self.traces[$1].traceID)
            }
            let median = ascending[Int((0.5 * Double(ascending.count - 1)).rounded())]
            #expect(selection.reasons[median]?.contains(.percentile(50)) == true)
            let p99 = ascending[Int((0.99 * Double(ascending.count - 1)).rounded())]
            #expect(selection.reasons[p99]?.contains(.percentile(99)) == true)
        }
    }

    @Test func theCapKeepsTheBestReasonsAndRequestedTracesComeOnTop() {
        let wanted = Self.traces[7].traceID
        let selection = select {
            $0.errors = true
            $0.slowestPerOperation = 3
            $0.maximumPages = 10
            $0.requested = [wanted]
        }
        #expect(selection.reasons.count == 11)
        #expect(selection.reasons[7]?.first == .requested)
        // Errors outrank slowest: with 10 places and more failures than that, all go to errors.
        #expect(selection.reasons.values.filter { $0.first != .requested }.allSatisfy { $0.contains(.error) })
        #expect(selection.leftOut > 0)
    }

    @Test func hopExemplarsCoverEveryLinkOfTheSlowestHopTables() {
        let selection = select { $0.hopExemplars = true }
        let paged = Set(selection.reasons.keys.map { Self.traces[$0].traceID })
        for metrics in Self.graph.edges.values.map({ $0 }) + Self.graph.operations.values.map(\.metrics) {
            #expect(metrics.slowestTrace.map(paged.contains) ?? true)
            #expect(metrics.nearP99Trace.map(paged.contains) ?? true)
        }
        #expect(selection.reasons.count < Self.traces.count)
    }

    @Test func allSelectsEveryTrace() {
        #expect(
            select {
                $0.all = true; $0.maximumPages = .max
            }.reasons.count == Self.traces.count)
    }

    @Test func traceIDsAreFoundByUniquePrefixes() {
        let id = Self.traces[3].traceID.hex
        #expect(TraceIDMatch(String(id.prefix(12)).uppercased(), in: Self.traces) == .found(3))
        guard case .problem(let message) = TraceIDMatch("", in: Self.traces) else { Issue.record("empty prefix matched"); return }
        #expect(message.contains("not hexadecimal"))
        guard case .problem(let none) = TraceIDMatch("zz", in: Self.traces) else { Issue.record(); return }
        #expect(none.contains("not hexadecimal"))
        // With 600 ids, some share their first hex digit.
        let digit = String(id.prefix(1))
        guard case .problem(let ambiguous) = TraceIDMatch(digit, in: Self.traces) else { Issue.record("one digit was unique"); return }
        #expect(ambiguous.contains("matches") && ambiguous.contains("give more digits"))
        // A 64-bit id (Zipkin's, say) may be given without the zeros of its 128-bit form.
        var span = SpanBuilder.span(id: 1, start: 0, end: 1)
        span.traceID = TraceID(high: 0, low: 0x1234_abcd)
        #expect(TraceIDMatch("1234ab", in: TraceAssembler().assemble([span])) == .found(0))
    }
}
