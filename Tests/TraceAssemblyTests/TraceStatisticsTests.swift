import TestSupport
import Testing
import TraceAssembly
import TraceModel

@Test func statisticsGroupByServiceAndOperation() {
    let trace = TraceAssembler().assemble([
        SpanBuilder.span(id: 1, service: "api", name: "GET /", start: 0, end: 100),
        SpanBuilder.span(id: 2, parent: 1, service: "db", name: "SELECT", start: 10, end: 30),
        SpanBuilder.span(id: 3, parent: 1, service: "db", name: "SELECT", start: 40, end: 50),
        SpanBuilder.span(id: 4, parent: 1, service: "db", name: "INSERT", start: 60, end: 90),
    ])[0]
    let statistics = TraceStatistics(trace)
    let ms: UInt64 = 1_000_000
    // api: 100 ms, self 100 - (20 + 10 + 30) = 40; db: 60 ms in 3 spans, all self time.
    #expect(statistics.services.map(\.service) == ["db", "api"])
    #expect(
        statistics.services[0].count == 3 && statistics.services[0].totalNano == 60 * ms && statistics.services[0].selfTotalNano == 60 * ms)
    #expect(statistics.services[1].selfTotalNano == 40 * ms)
    let select = statistics.operations.first { $0.operation == "SELECT" }!
    #expect(select.count == 2 && select.minimumNano == 10 * ms && select.maximumNano == 20 * ms && select.averageNano == 15 * ms)
    #expect(statistics.selfShare(statistics.services[1]) == 0.4)
}
