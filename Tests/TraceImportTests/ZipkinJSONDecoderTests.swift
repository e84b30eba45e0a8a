import Foundation
import Testing
import TraceImport
import TraceModel

struct ZipkinJSONDecoderTests {
    func decode(_ text: String) throws -> [Span] {
        var spans: [Span] = []
        _ = try Array(text.utf8).withUnsafeBytes { raw in try ZipkinJSONDecoder().decode(raw, file: "zipkin.json", into: &spans) }
        return spans
    }

    @Test func readsASpanWithEndpointsAnnotationsAndTags() throws {
        let span = try #require(
            try decode(
                #"{"traceId":"5982fe77008310cc80f1da5e10147517","id":"0000000000000002","parentId":"0000000000000001","kind":"CLIENT","name":"get /x","timestamp":1000,"duration":20,"localEndpoint":{"serviceName":"web","ipv4":"10.0.0.1","port":8080},"remoteEndpoint":{"serviceName":"db","ipv6":"::1","port":5432},"annotations":[{"timestamp":1010,"value":"wr"}],"tags":{"error":"timeout","http.path":"/x","n":5}}"#
            ).first)
        #expect(span.traceID == TraceID(hex: "5982fe77008310cc80f1da5e10147517"))
        #expect(span.parentSpanID == SpanID(1) && span.kind == .client && span.service == "web")
        #expect(span.startTimeUnixNano == 1_000_000 && span.endTimeUnixNano == 1_020_000)
        #expect(span.resource.attributes[key: "network.local.address"] == .string("10.0.0.1"))
        #expect(span.attributes[key: "peer.service"] == .string("db"))
        #expect(span.attributes[key: "network.peer.address"] == .string("::1"))
        #expect(span.attributes[key: "network.peer.port"] == .int(5432))
        #expect(span.attributes[key: "http.path"] == .string("/x"))
        #expect(span.attributes[key: "n"] == .string("5"))
        #expect(span.status == SpanStatus(code: .error, message: "timeout"))
        #expect(span.events == [SpanEvent(timeUnixNano: 1_010_000, name: "wr")])
    }

    @Test func mergesFragmentsAndRestoresTheSharedFlag() throws {
        let spans = try decode(
            """
            [[{"traceId":"00000000000000aa","id":"00000000000000b1","kind":"CLIENT","name":"call","timestamp":100,"duration":50,"localEndpoint":{"serviceName":"a"}},
              {"traceId":"00000000000000aa","id":"00000000000000b1","annotations":[{"timestamp":120,"value":"retry"}],"tags":{"extra":"1"}},
              {"traceId":"00000000000000aa","id":"00000000000000b1","kind":"SERVER","name":"serve","timestamp":110,"duration":30,"localEndpoint":{"serviceName":"b"}}]]
            """)
        #expect(spans.count == 2)
        let client = try #require(spans.first { $0.kind == .client })
        let server = try #require(spans.first { $0.kind == .server })
        #expect(client.events.map(\.name) == ["retry"] && client.attributes[key: "extra"] == .string("1"))
        #expect(server.sharesClientSpanID)
        #expect(!client.sharesClientSpanID)
    }

    @Test func keepsRecordsWithConflictingTimesApart() throws {
        let record =
            #"{"traceId":"00000000000000aa","id":"00000000000000b1","kind":"SERVER","name":"receive","timestamp":TIME,"shared":true,"localEndpoint":{"serviceName":"pusher"}}"#
        let spans = try decode("[" + ["100", "200"].map { record.replacingOccurrences(of: "TIME", with: $0) }.joined(separator: ",") + "]")
        #expect(spans.count == 2)
    }

    @Test func givesA64BitTraceIdTheMatching128BitId() throws {
        let spans = try decode(
            #"[{"traceId":"463ac35c9f6413ad","id":"0000000000000001","timestamp":1,"duration":1},{"traceId":"48485a3953bb6124463ac35c9f6413ad","id":"0000000000000002","parentId":"0000000000000001","timestamp":1,"duration":1}]"#
        )
        #expect(Set(spans.map(\.traceID)) == [TraceID(hex: "48485a3953bb6124463ac35c9f6413ad")!])
    }

    @Test func reportsMissingTimesAsWarnings() throws {
        let spans = try decode(
            #"[{"traceId":"00000000000000aa","id":"0000000000000001","name":"a","timestamp":5},{"traceId":"00000000000000aa","id":"0000000000000002","name":"b"}]"#
        )
        #expect(spans[0].warnings == ["no duration in the input; drawn as an instant"])
        #expect(spans[1].startTimeUnixNano == 0 && spans[1].warnings == ["no timestamp in the input"])
        #expect(spans.allSatisfy { $0.kind == .internal })
    }

    @Test func shortIdsAreLeftPaddedAsZipkinDoes() throws {
        let spans = try decode(
            #"[{"traceId":"aa","id":"1","parentId":"2f","timestamp":5,"duration":1},{"traceId":"1234567890abcdef1","id":"3"}]"#)
        #expect(spans.map(\.traceID) == [TraceID(high: 0, low: 0xAA), TraceID(high: 0x1, low: 0x2345_6789_0abc_def1)])
        #expect(spans.map(\.spanID) == [SpanID(1), SpanID(3)] && spans[0].parentSpanID == SpanID(0x2F))
    }

    @Test func theOpenTelemetryStatusTagsGiveTheStatus() throws {
        let spans = try decode(
            #"[{"traceId":"aa","id":"1","tags":{"otel.status_code":"ERROR","otel.status_description":"stock cache unavailable"}},"#
                + #"{"traceId":"aa","id":"2","tags":{"otel.status_code":"OK","http.route":"/x"}},"#
                + #"{"traceId":"aa","id":"3","tags":{"error":"boom","otel.status_code":"ERROR"}}]"#)
        #expect(
            spans.map(\.status) == [
                SpanStatus(code: .error, message: "stock cache unavailable"), SpanStatus(code: .ok),
                SpanStatus(code: .error, message: "boom"),
            ])
        #expect(spans.map { $0.attributes.map(\.key) } == [[], ["http.route"], []])
    }

    @Test(arguments: [
        (#"[{"traceId":"a-a","id":"0000000000000001"}]"#, "invalid traceId \"a-a\""),
        (#"[{"traceId":"00000000000000aa","id":"00000000000000001"}]"#, "invalid id \"00000000000000001\""),
        (#"[{"traceId":"00000000000000aa"}]"#, "span has no id"),
        (#"[{"traceId":"00000000000000aa","id":"0000000000000001","kind":"LOCAL"}]"#, "unknown kind \"LOCAL\""),
        (#"[{"traceId":"00000000000000aa","id":"0000000000000001","binaryAnnotations":[]}]"#, "this is Zipkin v1 JSON"),
        (
            #"[{"traceId":"00000000000000aa","id":"0000000000000001","annotations":[{"timestamp":1,"value":"sr","endpoint":{}}]}]"#,
            "this is Zipkin v1 JSON"
        ),
    ])
    func rejectsWithAReason(_ text: String, _ fragment: String) throws {
        func read(_ text: String, strict: Bool) throws -> ([Span], RecordIssues) {
            var spans: [Span] = []
            let issues = try Array(text.utf8).withUnsafeBytes {
                try ZipkinJSONDecoder().decode($0, file: "zipkin.json", strict: strict, into: &spans)
            }
            return (spans, issues)
        }
        let error = #expect(throws: ImportError.self) { try read(text, strict: true) }
        #expect(error?.message.contains(fragment) == true, "\(String(describing: error))")
        // Without --strict, beside a good span: the fault costs its span or field only (Zipkin v1
        // is another format, and fails whole).
        let withGood = String(text.dropLast()) + #",{"traceId":"00000000000000aa","id":"00000000000000ff","name":"good"}]"#
        if fragment.contains("Zipkin v1") {
            #expect(throws: ImportError.self) { try read(withGood, strict: false) }
            return
        }
        let (spans, issues) = try read(withGood, strict: false)
        #expect(spans.contains { $0.name == "good" } && issues.reasons.first?.problem.contains(fragment) == true, "\(issues)")
        #expect(issues.reasons.first?.firstPlace.hasPrefix("line 1, column ") == true)
    }
}
