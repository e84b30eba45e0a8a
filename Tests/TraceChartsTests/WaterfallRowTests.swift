import TestSupport
import Testing
import TraceAssembly
import TraceCharts
import TraceModel

/// A trace of `count` spans: a root with 30 identical `SELECT` children, and a long chain.
func largeTrace(_ count: Int) -> Trace {
    var spans = [SpanBuilder.span(id: 1, service: "api", name: "GET /", start: 0, end: 100_000)]
    for n in 2...31 {
        spans.append(SpanBuilder.span(id: UInt64(n), parent: 1, service: "db", name: "SELECT orders", start: UInt64(n), end: UInt64(n + 5)))
    }
    for n in 32...count {
        spans.append(SpanBuilder.span(id: UInt64(n), parent: n == 32 ? 1 : UInt64(n - 1), service: "worker", start: UInt64(n), end: 99_000))
    }
    return TraceAssembler().assemble(spans)[0]
}

@Test func smallTracesGetOneRowPerSpan() {
    let trace = largeTrace(100)
    #expect(WaterfallRow.plan(trace, budget: 2_000).count == trace.spans.count)
}

@Test func largeTracesAreSummarisedWithoutLosingASpan() {
    let trace = largeTrace(5_000)
    let rows = WaterfallRow.plan(trace, budget: 200)
    #expect(rows.count <= 200)
    // Every span is drawn, grouped, or counted as hidden below a drawn row.
    let accounted = rows.reduce(0) { total, row in
        switch row {
        case .span(_, let hidden): total + 1 + hidden
        case .group(let indices, let hidden): total + indices.count + hidden
        }
    }
    #expect(accounted == trace.spans.count)
    #expect(rows.contains { if case .group(let indices, _) = $0 { indices.count == 30 } else { false } })
    #expect(rows.contains { if case .span(_, let hidden) = $0 { hidden > 0 } else { false } })
}
