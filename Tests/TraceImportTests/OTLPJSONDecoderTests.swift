import Foundation
import TestSupport
import Testing
import TraceImport
import TraceModel

/// A valid trace id, and a span's valid ids as members.
private let fieldTrace = "0102030405060708090a0b0c0d0e0f10"
private let fieldIDs = #""traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"1112131415161718""#

/// The decoder on documents this project writes, one feature at a time.
struct OTLPJSONDecoderTests {
    func decode(_ text: String) throws -> [Span] {
        try OTLPJSONDecoder().decode(Array(text.utf8), file: "test.json")
    }

    /// The error of reading `text` with `strict` (as `--strict` reads: the first record that
    /// cannot be read fails the input).
    func decodeError(_ text: String) -> ImportError? {
        #expect(throws: ImportError.self) { try OTLPJSONDecoder().decode(Array(text.utf8), file: "test.json", strict: true) }
    }

    /// The spans of `text` and what was dropped or repaired.
    func decodeWithIssues(_ text: String) throws -> ([Span], RecordIssues) {
        var spans: [Span] = []
        let issues = try Array(text.utf8).withUnsafeBytes { try OTLPJSONDecoder().decode($0, file: "test.json", into: &spans) }
        return (spans, issues)
    }

    /// A `resourceSpans` document holding `spans` (JSON text) for service "svc".
    func document(_ spans: String, key: String = "resourceSpans", scopeKey: String = "scopeSpans") -> String {
        """
        {"\(key)":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},
        "\(scopeKey)":[{"scope":{"name":"lib"},"spans":[\(spans)]}]}]}
        """
    }

    let ids = #""traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"1112131415161718""#

    @Test func decodesEveryField() throws {
        let span = try #require(
            try decode(
                document(
                    """
                    {\(ids),"parentSpanId":"2122232425262728","name":"GET /x","kind":2,
                     "startTimeUnixNano":"1000","endTimeUnixNano":2500,"traceState":"a=b","flags":257,
                     "status":{"code":2,"message":"boom"},
                     "attributes":[
                       {"key":"s","value":{"stringValue":"text"}},
                       {"key":"i","value":{"intValue":"-9223372036854775808"}},
                       {"key":"d","value":{"doubleValue":1.5}},
                       {"key":"n","value":{"doubleValue":"NaN"}},
                       {"key":"b","value":{"boolValue":true}},
                       {"key":"y","value":{"bytesValue":"AQI="}},
                       {"key":"a","value":{"arrayValue":{"values":[{"intValue":1},{"stringValue":"x"}]}}},
                       {"key":"k","value":{"kvlistValue":{"values":[{"key":"inner","value":{"boolValue":false}}]}}},
                       {"key":"e","value":{}}],
                     "events":[{"timeUnixNano":"1200","name":"retry","attributes":[{"key":"n","value":{"intValue":2}}]}],
                     "links":[{"traceId":"ffffffffffffffffffffffffffffffff","spanId":"0000000000000001","attributes":[]}]}
                    """)
            ).first)
        #expect(span.traceID == TraceID(high: 0x0102_0304_0506_0708, low: 0x090A_0B0C_0D0E_0F10))
        #expect(span.spanID == SpanID(0x1112_1314_1516_1718))
        #expect(span.parentSpanID == SpanID(0x2122_2324_2526_2728))
        #expect(span.name == "GET /x" && span.kind == .server && span.service == "svc")
        #expect(span.startTimeUnixNano == 1000 && span.endTimeUnixNano == 2500)
        #expect(span.traceState == "a=b" && span.flags == 257)
        #expect(span.status == SpanStatus(code: .error, message: "boom"))
        #expect(span.attributes[key: "s"] == .string("text"))
        #expect(span.attributes[key: "i"] == .int(.min))
        #expect(span.attributes[key: "d"] == .double(1.5))
        #expect(span.attributes[key: "n"] == .double(.nan))
        #expect(span.attributes[key: "b"] == .bool(true))
        #expect(span.attributes[key: "y"] == .bytes([1, 2]))
        #expect(span.attributes[key: "a"] == .array([.int(1), .string("x")]))
        #expect(span.attributes[key: "k"] == .keyValueList([Attribute(key: "inner", value: .bool(false))]))
        #expect(span.attributes[key: "e"] == .empty)
        #expect(span.events == [SpanEvent(timeUnixNano: 1200, name: "retry", attributes: [Attribute(key: "n", value: .int(2))])])
        #expect(span.links.first?.traceID == TraceID(high: .max, low: .max))
        #expect(span.scope.name == "lib")
    }

    @Test func acceptsEnumNamesAndBase64Ids() throws {
        let span = try #require(
            try decode(
                document(
                    """
                    {"traceId":"AQIDBAUGBwgJCgsMDQ4PEA==","spanId":"ERITFBUWFxg=","name":"n","kind":"SPAN_KIND_CONSUMER",
                     "status":{"code":"STATUS_CODE_OK"}}
                    """)
            ).first)
        #expect(span.traceID == TraceID(high: 0x0102_0304_0506_0708, low: 0x090A_0B0C_0D0E_0F10))
        #expect(span.spanID == SpanID(0x1112_1314_1516_1718))
        #expect(span.kind == .consumer && span.status.code == .ok)
    }

    @Test func readsJSONLinesAndLegacyAndTempoShapes() throws {
        let lines =
            [
                document(#"{\#(ids),"name":"a"}"#),
                document(
                    #"{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0000000000000002","name":"b"}"#,
                    key: "batches", scopeKey: "instrumentationLibrarySpans"),
                #"{"result":{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0000000000000003","name":"c"}]}]}]}}"#,
            ].map { $0.replacingOccurrences(of: "\n", with: "") }.joined(separator: "\n") + "\n"
        let spans = try decode(lines)
        #expect(spans.map(\.name) == ["a", "b", "c"])
        #expect(spans[2].service == "unknown_service")
    }

    @Test func ignoresUnknownMembersAndNulls() throws {
        let spans = try decode(
            document(
                """
                {\(ids),"name":"x","someFutureField":{"deep":[1,2,{"x":null}]},"parentSpanId":"","status":null,"events":null}
                """))
        #expect(spans.count == 1)
        #expect(spans[0].parentSpanID == nil)
    }

    @Test func toleratesByteOrderMarkAndEscapes() throws {
        let spans = try decode("\u{FEFF}" + document(#"{\#(ids),"name":"caf\u00e9 \ud83d\ude00 \"q\" \\ \/"}"#))
        #expect(spans.first?.name == "café 😀 \"q\" \\ /")
    }

    @Test func syntaxErrorNamesLineAndColumn() {
        let error = decodeError("{\n  \"resourceSpans\": [\n    {\"resource\": }\n  ]\n}")
        #expect(error?.line == 3)
        #expect(error?.column == 18)
        #expect(error?.message.contains("expected a value but found '}'") == true, "\(String(describing: error))")
        #expect(error?.description.hasPrefix("test.json:3:18: ") == true)
    }

    @Test(arguments: [
        (#"{"traceId":"0102030405060708090a0b0c0d0e0f10","name":"x"}"#, "span has no spanId"),
        (#"{"spanId":"1112131415161718","name":"x"}"#, "span has no traceId"),
        (#"{"traceId":"00000000000000000000000000000000","spanId":"1112131415161718"}"#, "all zeros"),
        (#"{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"1112131415161718","kind":9}"#, "unknown kind 9"),
        (#"{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"1112131415161718","startTimeUnixNano":"-5"}"#, "must not be negative"),
        (
            #"{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"1112131415161718","endTimeUnixNano":"99999999999999999999"}"#,
            "beyond the 64-bit range"
        ),
        (#"{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"1112131415161718","name":5}"#, "expected a string"),
        (
            #"{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"1112131415161718","attributes":[{"key":"b","value":{"bytesValue":"@@"}}]}"#,
            "not base64"
        ),
        (#"{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"1112131415161718","name":"\x"}"#, "invalid escape"),
    ])
    func rejectsBadFieldsWithAReason(_ span: String, _ fragment: String) throws {
        let error = decodeError(document(span))
        #expect(error?.message.contains(fragment) == true, "\(String(describing: error))")
        #expect(error?.line != nil)
        // Without --strict the same fault costs the span or the field only, and is placed.
        let (spans, issues) = try decodeWithIssues(document(span) + "\n" + document(#"{\#(ids),"name":"good"}"#))
        #expect(spans.last?.name == "good")
        #expect(issues.reasons.count == 1 && issues.reasons[0].problem.contains(fragment), "\(issues)")
        #expect(issues.reasons.first?.firstPlace == "line 2, column \(error?.column ?? 0)")
    }

    @Test(arguments: [
        (#"{"spanId":"1112131415161718"}"#, "span dropped", 0),
        (#"{\#(fieldIDs),"kind":9}"#, "kind read as unspecified", 1),
        (#"{\#(fieldIDs),"startTimeUnixNano":"-5","endTimeUnixNano":"7"}"#, "start read as missing", 1),
        (#"{\#(fieldIDs),"parentSpanId":"xyz"}"#, "parent ignored: shown as a root", 1),
        (#"{\#(fieldIDs),"status":{"code":"WHATEVER"}}"#, "status code read as unset", 1),
        (
            #"{\#(fieldIDs),"links":[{"traceId":"00000000000000000000000000000000","spanId":"0000000000000000"},{"traceId":"\#(fieldTrace)","spanId":"0102030405060708"}]}"#,
            "link dropped", 1
        ),
        (#"{\#(fieldIDs),"events":[{"timeUnixNano":"x","name":"a"},{"timeUnixNano":"5","name":"b"}]}"#, "event dropped", 1),
        (
            #"{\#(fieldIDs),"attributes":[{"key":"n","value":{"intValue":"1e99"}},{"key":"m","value":{"intValue":"2"}}]}"#,
            "attribute dropped", 1
        ),
        (#"{\#(fieldIDs),"droppedAttributesCount":-1}"#, "droppedAttributesCount ignored", 1),
    ])
    func eachFaultCostsItsRecordOrIsRepaired(_ span: String, _ action: String, _ kept: Int) throws {
        let (read, issues) = try decodeWithIssues(document(span + #",{\#(fieldIDs),"name":"good"}"#))
        #expect(read.count == kept + 1 && read.last?.name == "good")
        let spans = read.dropLast()
        #expect(issues.reasons.map(\.action) == [action], "\(issues)")
        #expect(issues.reasons.first?.firstPlace.hasPrefix("line 2, column ") == true)
        if let span = spans.first {
            #expect(span.links.count == (action == "link dropped" ? 1 : 0))
            #expect(span.events.map(\.name) == (action == "event dropped" ? ["b"] : []))
            #expect(span.attributes.map(\.key) == (action == "attribute dropped" ? ["m"] : []))
            #expect(span.kind == .unspecified && span.status.code == .unset && span.parentSpanID == nil)
        }
    }

    @Test func aDocumentBrokenMidWayKeepsWhatWasReadBefore() throws {
        let spans = (1...5).map { #"{"traceId":"\#(fieldTrace)","spanId":"000000000000000\#($0)","name":"s\#($0)"}"# }
        let whole = document(spans.joined(separator: ","))
        let cut = String(whole.prefix(whole.range(of: "s4")!.lowerBound.utf16Offset(in: whole)))
        let (read, issues) = try decodeWithIssues(cut)
        #expect(read.map(\.name) == ["s1", "s2", "s3"])
        #expect(read.allSatisfy { $0.service == "svc" && $0.scope.name == "lib" }, "their resource and scope were read first")
        #expect(issues.reasons.map(\.action) == ["rest of the input skipped"])
    }

    @Test func jsonLinesResumeAtTheNextLine() throws {
        let line = { (n: Int) in
            document(#"{"traceId":"\#(fieldTrace)","spanId":"000000000000000\#(n)","name":"s\#(n)"}"#).replacingOccurrences(
                of: "\n", with: "")
        }
        let text = [line(1), String(line(2).prefix(60)), line(3), "not json at all", line(4), #"{"resourceLogs":[]}"#, line(5)].joined(
            separator: "\n")
        let (read, issues) = try decodeWithIssues(text)
        #expect(read.map(\.name) == ["s1", "s3", "s4", "s5"])
        #expect(issues.reasons.map(\.action) == Array(repeating: "rest of the line skipped", count: 3) && issues.dropped == 3, "\(issues)")
        #expect(issues.reasons.map(\.firstPlace) == ["line 2, column 61", "line 4, column 1", "line 6, column 1"], "\(issues)")
    }

    @Test func rejectsDocumentsThatAreNotTraces() {
        let error = decodeError(#"{"resourceLogs":[]}"#)
        #expect(error?.message.contains("not an OTLP trace export") == true)
        #expect(error?.message.contains("'resourceLogs'") == true)
        #expect(decodeError("[1,2]")?.message.contains("expected '{'") == true)
        #expect(decodeError(#"{"resourceSpans":[]} x"#)?.column == 22)
    }

    @Test func emptyInputHasNoSpans() throws {
        #expect(try decode("").isEmpty)
        #expect(try decode(" \n\n ").isEmpty)
    }

    @Test func limitsAttributeNesting() throws {
        let depth = OTLPJSONDecoder.maximumValueDepth + 1
        let value =
            String(repeating: #"{"arrayValue":{"values":["#, count: depth) + #"{"intValue":1}"# + String(repeating: "]}}", count: depth)
        let text = document(#"{\#(ids),"attributes":[{"key":"deep","value":\#(value)},{"key":"flat","value":{"intValue":1}}]}"#)
        #expect(decodeError(text)?.message.contains("nested deeper") == true)
        let (spans, issues) = try decodeWithIssues(text)
        #expect(spans.first?.attributes.map(\.key) == ["flat"] && issues.reasons.map(\.action) == ["attribute dropped"])
    }

    @Test func skipsHostileNestingWithoutRecursion() {
        // 200,000 nested arrays in an unknown member: skipped iteratively, no stack overflow.
        let deep = String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000)
        #expect(throws: Never.self) { try decode(document(#"{\#(ids),"unknown":\#(deep)}"#)) }
        let unclosed = String(repeating: "[", count: 200_000)
        #expect(decodeError(document(#"{\#(ids),"unknown":\#(unclosed)}"#))?.message == "expected a value but found '}'")
        #expect(decodeError(#"{"x":"# + unclosed)?.message.contains("end of input") == true)
    }
}

/// The string scanner skips eight bytes at a time; a special byte at any position must still be seen.
@Test(arguments: 0..<17)
func stringScanningFindsSpecialBytesAtEveryPosition(_ position: Int) throws {
    func name(_ middle: String) -> String {
        String(repeating: "é", count: 3) + String(repeating: "a", count: position) + middle + "xyz0123456789"
    }
    let ids = #""traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"1112131415161718""#
    func decodeName(_ raw: String) throws -> String? {
        let text = #"{"resourceSpans":[{"scopeSpans":[{"spans":[{\#(ids),"name":"\#(raw)"}]}]}]}"#
        return try OTLPJSONDecoder().decode(Array(text.utf8), file: "t").first?.name
    }
    #expect(try decodeName(name(#"\""#)) == name("\""))
    #expect(try decodeName(name(#"\\"#)) == name("\\"))
    #expect(throws: ImportError.self) { try decodeName(name("\u{1F}")) }
    #expect(throws: ImportError.self) { try decodeName(name("\t")) }
}

@Test func aRejectedInputLeavesTheSpansReadBeforeItAlone() throws {
    let good =
        #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"1112131415161718"}]}]}]}"#
    var spans = try OTLPJSONDecoder().decode(Array(good.utf8), file: "first")
    let bytes = Array((good + "\n" + good.replacingOccurrences(of: "1112131415161718", with: "zz")).utf8)
    #expect(throws: ImportError.self) {
        try bytes.withUnsafeBytes { raw in try OTLPJSONDecoder().decode(raw, file: "second", strict: true, into: &spans) }
    }
    #expect(spans.count == 1)
}

/// What the OpenTelemetry Java SDK's logging-otlp exporter writes: one bare `ResourceSpans` a line.
@Test func linesOfBareResourceSpansReadAsTracesData() throws {
    let spans = HardTraffic.spans(traces: 20, seed: 5)
    let lines = SpanEncoders.otlpJSONResourceSpansLines(spans)
    #expect(!lines.contains("resourceSpans"))
    var read: [Span] = []
    let decoded = try Array(lines.utf8).withUnsafeBytes { try SpanFileReader().decode($0, name: "java.jsonl", into: &read) }
    #expect(decoded.format == .otlpJSON && decoded.issues.isEmpty)
    #expect(read == (try OTLPJSONDecoder().decode(Array(SpanEncoders.otlpJSON(spans).utf8), file: "t")))
}

/// Ten links with all-zero ids in one span once rejected the whole file: now they cost themselves.
@Test func tenAllZeroLinksCostThemselvesOnly() throws {
    let zero = #"{"traceId":"00000000000000000000000000000000","spanId":"0000000000000000"}"#
    let span =
        #"{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"1112131415161718","name":"x","links":["#
        + Array(repeating: zero, count: 10).joined(separator: ",") + "]}"
    let text =
        #"{"resourceSpans":[{"scopeSpans":[{"spans":["# + span
        + #",{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"2122232425262728"}]}]}]}"#
    var spans: [Span] = []
    let issues = try Array(text.utf8).withUnsafeBytes { try OTLPJSONDecoder().decode($0, file: "links.json", into: &spans) }
    #expect(spans.count == 2 && spans[0].links.isEmpty)
    #expect(issues.reasons.map { "\($0.action) ×\($0.count)" } == ["link dropped ×10"] && issues.dropped == 10)
}
