import TestSupport
import Testing
import TraceAssembly
import TraceModel

@testable import ReportSite

/// The top of a failed trace's page says where the errors began, and links to that span.
struct FailureSummaryTests {
    private func failed(_ message: String) -> SpanStatus { SpanStatus(code: .error, message: message) }

    @Test func theFailureIsWhereTheErrorsBegan() {
        // gateway (error) → orders (error) → stock (error, the cause); a sibling that went well.
        let trace = TraceAssembler().assemble([
            SpanBuilder.span(id: 1, service: "gateway", name: "POST /orders", start: 0, end: 50, status: failed("502")),
            SpanBuilder.span(id: 2, parent: 1, service: "orders", name: "create", start: 5, end: 45, status: failed("upstream")),
            SpanBuilder.span(
                id: 3, parent: 2, service: "stock", name: "<reserve>", start: 10, end: 20, status: failed("cache <down> & out")),
            SpanBuilder.span(id: 4, parent: 2, service: "db", name: "INSERT", start: 21, end: 30),
        ])[0]
        #expect(
            FailureSummaryHTML.render(trace)
                == "<a href=\"#span-\(SpanID(3).hex)\">stock &lt;reserve&gt;</a>: cache &lt;down&gt; &amp; out")
    }

    @Test func severalBeginningsNameTheEarliestAndCountTheRest() {
        let trace = TraceAssembler().assemble([
            SpanBuilder.span(id: 1, service: "gateway", name: "GET /", start: 0, end: 50),
            SpanBuilder.span(id: 2, parent: 1, service: "b", name: "late", start: 30, end: 40, status: failed("")),
            SpanBuilder.span(id: 3, parent: 1, service: "a", name: "early", start: 10, end: 20, status: failed("timeout")),
        ])[0]
        #expect(
            FailureSummaryHTML.render(trace) == "<a href=\"#span-\(SpanID(3).hex)\">a early</a>: timeout (and 1 more where errors began)")
    }

    @Test func aTraceWithoutErrorsSaysNothing() {
        let trace = TraceAssembler().assemble([SpanBuilder.span(id: 1, start: 0, end: 5)])[0]
        #expect(FailureSummaryHTML.render(trace).isEmpty)
    }
}
