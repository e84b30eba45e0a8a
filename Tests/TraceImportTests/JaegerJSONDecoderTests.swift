import Foundation
import Testing
import TraceImport
import TraceModel

struct JaegerJSONDecoderTests {
    func decode(_ text: String) throws -> [Span] {
        var spans: [Span] = []
        _ = try Array(text.utf8).withUnsafeBytes { raw in try JaegerJSONDecoder().decode(raw, file: "jaeger.json", into: &spans) }
        return spans
    }

    /// A span whose members are given, plus its ids and start.
    func span(_ id: String, _ members: String = "") -> String {
        #"{"traceID":"1","spanID":"\#(id)","operationName":"op\#(id)","startTime":1000,"duration":5\#(members.isEmpty ? "" : "," + members)}"#
    }

    @Test func readsTheQueryAPIEnvelopeWithProcessesAfterSpans() throws {
        let spans = try decode(
            #"{"data":[{"traceID":"1","spans":[\#(span("a", #""processID":"p1","tags":[{"key":"span.kind","type":"string","value":"server"}]"#))],"processes":{"p1":{"serviceName":"checkout","tags":[{"key":"host.name","type":"string","value":"h1"}]}}}],"total":0,"errors":null}"#
        )
        #expect(spans.count == 1)
        #expect(spans[0].service == "checkout")
        #expect(spans[0].resource.attributes[key: "host.name"] == .string("h1"))
        #expect(spans[0].kind == .server)
        #expect(spans[0].attributes.isEmpty)  // span.kind became the kind
        #expect(spans[0].traceID == TraceID(high: 0, low: 1))
        #expect(spans[0].spanID == SpanID(0xA))
        #expect(spans[0].startTimeUnixNano == 1_000_000 && spans[0].endTimeUnixNano == 1_005_000)
    }

    @Test(arguments: [
        ("server", SpanKind.server, true), ("CLIENT", .client, true), ("Producer", .producer, true), ("consumer", .consumer, true),
        ("INTERNAL", .internal, true), ("serv_r", .unspecified, false), ("serve", .unspecified, false), ("", .unspecified, false),
        ("s3rver", .unspecified, false), ("server ", .unspecified, false),
    ])
    func spanKindTagsAreReadInAnyCase(value: String, kind: SpanKind, taken: Bool) throws {
        let tags = #""tags":[{"key":"span.kind","type":"string","value":"\#(value)"},{"key":"error","type":"bool","value":true}]"#
        let spans = try decode(span("a", tags))
        #expect(spans[0].kind == kind)
        #expect(spans[0].status.code == .error)
        // A value that names no kind stays a tag.
        #expect(spans[0].attributes == (taken ? [] : [Attribute(key: "span.kind", value: .string(value))]))
    }

    @Test func choosesTheParentLikeJaegerAndKeepsOtherReferencesAsLinks() throws {
        let spans = try decode(
            "["
                + [
                    span(
                        "b",
                        #""references":[{"refType":"CHILD_OF","traceID":"ff","spanID":"9"},{"refType":"FOLLOWS_FROM","traceID":"1","spanID":"a"},{"refType":"CHILD_OF","traceID":"1","spanID":"c"}]"#
                    ),
                    span("d", #""references":[{"refType":"FOLLOWS_FROM","traceID":"1","spanID":"a"}]"#),
                ].joined(separator: ",") + "]")
        #expect(spans[0].parentSpanID == SpanID(0xC) && spans[0].parentRelation == .childOf)
        #expect(spans[0].links.map(\.spanID) == [SpanID(9), SpanID(0xA)])
        #expect(spans[0].links[0].traceID == TraceID(high: 0, low: 0xFF))
        #expect(spans[0].links[1].attributes[key: "opentracing.ref_type"] == .string("follows_from"))
        #expect(spans[1].parentSpanID == SpanID(0xA) && spans[1].parentRelation == .followsFrom)
    }

    @Test func readsEveryTagTypeAndMapsErrorAndStatus() throws {
        let tags = #"""
            "tags":[{"key":"s","type":"string","value":"x"},{"key":"big","type":"int64","value":"9223372036854775222"},
            {"key":"f","type":"float64","value":72.5},{"key":"b","type":"bool","value":"false"},{"key":"bin","type":"binary","value":"AAAwOQ=="},
            {"key":"error","type":"bool","value":true},{"key":"otel.status_description","type":"string","value":"boom"}],
            "logs":[{"timestamp":1002,"fields":[{"key":"event","type":"string","value":"retry"},{"key":"n","type":"int64","value":2}]}],
            "warnings":["clock skew adjusted"]
            """#
        let span = try #require(try decode(span("a", tags)).first)
        #expect(span.attributes[key: "s"] == .string("x"))
        #expect(span.attributes[key: "big"] == .int(9_223_372_036_854_775_222))
        #expect(span.attributes[key: "f"] == .double(72.5))
        #expect(span.attributes[key: "b"] == .bool(false))
        #expect(span.attributes[key: "bin"] == .bytes([0, 0, 0x30, 0x39]))
        #expect(span.attributes[key: "error"] == nil)
        #expect(span.status == SpanStatus(code: .error, message: "boom"))
        #expect(span.events == [SpanEvent(timeUnixNano: 1_002_000, name: "retry", attributes: [Attribute(key: "n", value: .int(2))])])
        #expect(span.warnings == ["clock skew adjusted"])
    }

    @Test func readsSpanArraysWithInlineProcessAndTheDomainModel() throws {
        let array = try decode(
            #"[{"traceID":"2be38093ead7a083","spanID":"7606ddfe69932d34","operationName":"x","startTime":1605223981761425,"duration":267037,"process":{"serviceName":"svc","tags":[]}}]"#
        )
        #expect(array.first?.service == "svc")
        let domain = try decode(
            #"{"spans":[{"traceId":"AAAAAAAAAAAAAAAAAAAAEQ==","spanId":"AAAAAAAAAAM=","operationName":"op","startTime":"2017-01-26T16:46:31.639875Z","duration":"100000ns","tags":[{"key":"k","vType":"INT64","vInt64":"7"}],"process":{"serviceName":"s1"}}]}"#
        )
        #expect(domain.first?.traceID == TraceID(high: 0, low: 0x11))
        #expect(domain.first?.spanID == SpanID(3))
        #expect(domain.first?.startTimeUnixNano == 1_485_449_191_639_875_000)
        #expect(domain.first?.durationNano == 100_000)
        #expect(domain.first?.attributes[key: "k"] == .int(7))
    }

    @Test func hashesIdsThatAreNeitherHexNorBase64AndSaysSo() throws {
        let spans = try decode(
            #"{"traceID":"trace-123","spans":[\#(span("span-1").replacingOccurrences(of: #""traceID":"1""#, with: #""traceID":"trace-123""#))]}"#
        )
        #expect(spans.count == 1)
        #expect(spans[0].warnings.contains { $0.contains("\"span-1\" is not hex") })
        #expect(spans[0].warnings.contains { $0.contains("\"trace-123\" is not hex") })
        let again = try decode(
            #"{"traceID":"trace-123","spans":[\#(span("span-1").replacingOccurrences(of: #""traceID":"1""#, with: #""traceID":"trace-123""#))]}"#
        )
        #expect(again[0].spanID == spans[0].spanID && again[0].traceID == spans[0].traceID)
    }

    @Test(arguments: [
        (#"[{"traceID":"1","operationName":"x","startTime":1}]"#, "span has no spanID"),
        (#"[{"traceID":"1","spanID":"2","operationName":"x"}]"#, "has no startTime"),
        (#"[{"traceID":"1","spanID":"2","startTime":1,"duration":"soon"}]"#, "duration must be a number"),
        (#"[{"traceID":"1","spanID":"2","startTime":-1}]"#, "must not be negative"),
        (
            #"[{"traceID":"1","spanID":"2","startTime":1,"references":[{"refType":"SIBLING_OF","traceID":"1","spanID":"3"}]}]"#,
            "unknown refType"
        ),
        (#"{"traceId":"1","id":"2","name":"zipkin"}"#, "not a Jaeger trace or span"),
    ])
    func rejectsWithAReason(_ text: String, _ fragment: String) throws {
        let error = #expect(throws: ImportError.self) {
            var spans: [Span] = []
            _ = try Array(text.utf8).withUnsafeBytes { try JaegerJSONDecoder().decode($0, file: "jaeger.json", strict: true, into: &spans) }
        }
        #expect(error?.message.contains(fragment) == true, "\(String(describing: error))")
        #expect(error?.line == 1)
        // Without --strict, beside a good span, the fault costs its span or field only, and is placed.
        guard text.hasPrefix("[") else { return }
        var spans: [Span] = []
        let issues = try Array((String(text.dropLast()) + "," + span("ff") + "]").utf8).withUnsafeBytes {
            try JaegerJSONDecoder().decode($0, file: "jaeger.json", into: &spans)
        }
        #expect(spans.last?.name == "opff" && (spans.count == 1 || spans.count == 2))
        #expect(issues.reasons.first?.problem.contains(fragment) == true, "\(issues)")
        #expect(issues.reasons.first?.firstPlace.hasPrefix("line 1, column ") == true)
    }

    @Test func dataHoldingOneTraceAndATruncatedDownload() throws {
        let trace =
            #"{"traceID":"1","spans":[\#(span("a", #""processID":"p1""#)),\#(span("b", #""processID":"p1""#))],"processes":{"p1":{"serviceName":"shop"}}}"#
        // Some tools write the one trace of a download as `data`'s value rather than a list.
        #expect(try decode(#"{"data":\#(trace)}"#).map(\.service) == ["shop", "shop"])
        // A download cut short before its processes: the spans read cannot be placed, and are said to be dropped.
        let cut = #"{"data":[\#(trace),"# + String(trace.prefix(trace.range(of: "\"processes\"")!.lowerBound.utf16Offset(in: trace)))
        var spans: [Span] = []
        let issues = try Array(cut.utf8).withUnsafeBytes { try JaegerJSONDecoder().decode($0, file: "cut.json", into: &spans) }
        #expect(spans.map(\.service) == ["shop", "shop"])
        #expect(issues.reasons.map(\.action).sorted() == ["2 spans dropped", "rest of the input skipped"], "\(issues)")
    }
}
