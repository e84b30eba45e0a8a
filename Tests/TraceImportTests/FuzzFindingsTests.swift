import Testing
import TraceImport
import TraceModel

/// Every fault the fuzzers (Fuzz/, see the README) found, kept as a test: each input must give a
/// clear error at a position (or, without --strict, a placed note of what was dropped or
/// repaired), never a crash.
struct FuzzFindingsTests {
    func decode(_ text: String, strict: Bool = true) -> ImportError? {
        var spans: [Span] = []
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { raw -> ImportError? in
            do throws(ImportError) {
                try SpanFileReader(strict: strict).decode(raw, name: "found.json", into: &spans)
                return nil
            } catch {
                return error
            }
        }
    }

    /// Found by the Jaeger fuzzer on 2026-11-24: a log timestamp in the year 2701 overflowed
    /// 64-bit nanoseconds (a trap, so a crash) instead of being rejected.
    @Test func aTimestampBeyond2554IsRejected() throws {
        let error = try #require(
            decode(
                """
                {"spans": [{"traceId": "AAAAAAAAAAAAAAAAAAAAEQ==", "spanId": "AAAAAAAAAAM=", "operationName": "op",
                  "startTime": "2017-01-26T16:46:31.639875Z", "duration": "100000ns",
                  "logs": [{"timestamp": "2701-01-26T16:46:31.639875Z", "fields": []}],
                  "process": {"serviceName": "svc"}}]}
                """))
        #expect(error.line == 3 && error.column == 26)
        #expect(error.message.contains("2701-01-26T16:46:31.639875Z") && error.message.contains("from 1970 to 2554"))
    }
}

extension FuzzFindingsTests {
    /// Without --strict that log costs itself only: the span is read, the log dropped and placed.
    @Test func aTimestampBeyond2554CostsItsLogOnly() throws {
        let text = #"""
            {"spans": [{"traceId": "AAAAAAAAAAAAAAAAAAAAEQ==", "spanId": "AAAAAAAAAAM=", "operationName": "op",
              "startTime": "2017-01-26T16:46:31.639875Z", "duration": "100000ns",
              "logs": [{"timestamp": "2701-01-26T16:46:31.639875Z", "fields": []}],
              "process": {"serviceName": "svc"}}]}
            """#
        var spans: [Span] = []
        let decoded = try Array(text.utf8).withUnsafeBytes { try SpanFileReader().decode($0, name: "found.json", into: &spans) }
        #expect(spans.count == 1 && spans[0].events.isEmpty)
        #expect(decoded.issues.reasons.map { "\($0.action) at \($0.firstPlace)" } == ["log dropped at line 3, column 26"])
    }
}
