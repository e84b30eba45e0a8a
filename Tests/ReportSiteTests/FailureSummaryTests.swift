import Foundation
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

    @Test func theTableGroupsFailedSpansByOperationEarliestFirst() {
        var retried: [Span] = []
        for attempt: UInt64 in 0..<3 {
            let start = 20 + attempt * 5
            retried.append(
                SpanBuilder.span(
                    id: 10 + attempt, parent: 1, service: "payments", name: "Charge", start: start, end: start + 2,
                    status: SpanStatus(code: .error)))
        }
        retried[1].events = [
            SpanEvent(
                timeUnixNano: 0, name: "exception",
                attributes: [
                    Attribute(key: "exception.type", value: .string("TimeoutError")),
                    Attribute(key: "exception.message", value: .string("deadline <exceeded>")),
                ])
        ]
        let trace = TraceAssembler().assemble(
            [SpanBuilder.span(id: 1, service: "gateway", name: "POST /pay", start: 0, end: 50, status: failed("502"))] + retried)[0]
        let table = FailureSummaryHTML.table(trace)
        // The gateway first (it failed from the start), then the three charges as one row, linked
        // to the first of them, saying what the one with an exception said.
        let rows = Array(table.components(separatedBy: "<tr>")[2...])
        #expect(rows.count == 2)
        #expect(rows[0].contains("gateway POST /pay") && rows[0].contains(">1<") && rows[0].contains(">502<"))
        #expect(rows[1].contains("href=\"#span-\(SpanID(10).hex)\"") && rows[1].contains(">3<") && rows[1].contains(">+20 ms<"))
        #expect(FailureSummaryHTML.said(retried[1]) == "TimeoutError: deadline <exceeded>")
        #expect(!table.contains("<exceeded>"))
        // Nothing for a trace that did not fail.
        #expect(FailureSummaryHTML.table(TraceAssembler().assemble([SpanBuilder.span(id: 1, start: 0, end: 1)])[0]).isEmpty)
    }
}
