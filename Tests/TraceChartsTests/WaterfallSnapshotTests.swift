import Foundation
import TestSupport
import Testing
import TraceAssembly
import TraceCharts
import TraceModel

/// The waterfall of a small fixed trace, compared byte for byte with `Snapshots/waterfall-small.svg`.
/// Re-record after an intended change with `TRACEREPORT_RECORD_SNAPSHOTS=1 swift test`.
@Test func smallWaterfallMatchesItsSnapshot() throws {
    let trace = TraceAssembler().assemble([
        SpanBuilder.span(id: 1, service: "api-gateway", name: "POST /orders", start: 0, end: 40, kind: .server),
        SpanBuilder.span(id: 2, parent: 1, service: "order-service", name: "POST /orders", start: 3, end: 37, kind: .server),
        SpanBuilder.span(
            id: 3, parent: 2, service: "inventory-service", name: "GET /inventory/check", start: 5, end: 20,
            kind: .server, status: SpanStatus(code: .error, message: "connection refused")),
        SpanBuilder.span(id: 4, parent: 2, service: "order-service", name: "INSERT orders", start: 21, end: 35, kind: .client),
    ])[0]
    let svg = WaterfallChart(trace: trace).svg()
    let snapshot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots/waterfall-small.svg")
    if ProcessInfo.processInfo.environment["TRACEREPORT_RECORD_SNAPSHOTS"] == "1" {
        try svg.write(to: snapshot, atomically: true, encoding: .utf8)
    }
    let expected = try String(contentsOf: snapshot, encoding: .utf8)
    #expect(svg == expected)
}
