import Foundation
import TestSupport
import Testing
import TraceImport
import TraceModel

/// The console output of OpenTelemetry SDKs: Go's `stdouttrace` and Python's
/// `ConsoleSpanExporter`, read with the fidelity of OTLP. `Inputs/` holds a Go file written by
/// hand after the Go SDK's own test of its output, and what `Inputs/python-sdk-spans.py` made
/// with the real Python SDK: its console output and the same spans as OTLP protobuf. `.ci/run`
/// runs the script again with the SDK of the day and points `TRACEREPORT_PYTHON_SDK_OUTPUT` at
/// the fresh files.
struct SDKConsoleOutputTests {
    static let inputs = Fixtures.repositoryRoot.appendingPathComponent("Tests/TraceImportTests/Inputs")

    static func read(_ url: URL) throws -> (spans: [Span], summary: SpanFileReader.FileSummary) {
        var spans: [Span] = []
        let summary = try SpanFileReader().read(url.path, into: &spans)
        return (spans, summary)
    }

    /// The checkout flow of `samples/`, as OTLP JSON gives it.
    static func checkoutSpans() throws -> [Span] {
        try read(Fixtures.repositoryRoot.appendingPathComponent("samples/checkout.jsonl")).spans
    }

    /// Expects `read` to hold `source`'s spans field for field, in order: times cut to
    /// `timeUnit`, kinds as `kind` maps them; scopes and flags only where the format has them.
    static func expectSame(
        _ read: [Span], _ source: [Span], timeUnit: UInt64 = 1, kind: (SpanKind) -> SpanKind = { $0 }, scopes: Bool,
        flags: Bool, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(read.count == source.count, sourceLocation: sourceLocation)
        for (got, want) in zip(read, source) {
            let place = "span \(want.spanID.hex) \(want.name)"
            #expect(got.traceID == want.traceID && got.spanID == want.spanID && got.parentSpanID == want.parentSpanID, "\(place)")
            #expect(got.name == want.name && got.kind == kind(want.kind) && got.status == want.status, "\(place)")
            #expect(got.startTimeUnixNano == want.startTimeUnixNano / timeUnit * timeUnit, "\(place)")
            #expect(got.endTimeUnixNano == want.endTimeUnixNano / timeUnit * timeUnit, "\(place)")
            #expect(got.attributes == want.attributes, "\(place)")
            #expect(got.events.map(\.name) == want.events.map(\.name), "\(place)")
            #expect(got.events.map(\.attributes) == want.events.map(\.attributes), "\(place)")
            #expect(got.events.map(\.timeUnixNano) == want.events.map { $0.timeUnixNano / timeUnit * timeUnit }, "\(place)")
            #expect(got.links == want.links && got.traceState == want.traceState, "\(place)")
            #expect(got.resource.attributes == want.resource.attributes, "\(place)")
            if scopes { #expect(got.scope == want.scope, "\(place)") }
            if flags { #expect(got.flags == want.flags & 0xFF, "\(place)") }
        }
    }

    @Test func goStdoutTraceWrittenThroughItsFieldNamesReadsAsTheOTLPSpans() throws {
        let source = try Self.checkoutSpans()
        #expect(source.count > 10)
        let text = SpanEncoders.goStdoutTrace(source, lineBetween: "2026/03/01 09:15:02 INFO request served")
        var spans: [Span] = []
        let issues = try Array(text.utf8).withUnsafeBytes { try GoStdoutTraceDecoder().decode($0, file: "go.txt", into: &spans) }
        Self.expectSame(spans, source, scopes: true, flags: true)
        // The program's own lines are skipped, each noted; nothing is dropped.
        #expect(issues.reasons.map(\.action) == ["skipped"] && issues.reasons[0].count == source.count && issues.dropped == 0)
        #expect(Set(spans.map { ObjectIdentifier($0.resource) }).count == Set(source.map(\.service)).count, "a resource per service")
    }

    @Test func pythonConsoleWrittenThroughItsFieldNamesReadsAsTheOTLPSpans() throws {
        let source = try Self.checkoutSpans()
        let text = SpanEncoders.pythonConsole(source, lineBetween: "order placed")
        var spans: [Span] = []
        let issues = try Array(text.utf8).withUnsafeBytes { try PythonConsoleDecoder().decode($0, file: "python.txt", into: &spans) }
        // The SDK prints times to the microsecond, an unspecified kind as INTERNAL, no scope or flags.
        Self.expectSame(spans, source, timeUnit: 1_000, kind: { $0 == .unspecified ? .internal : $0 }, scopes: false, flags: false)
        #expect(issues.reasons.map(\.action) == ["skipped"] && issues.reasons[0].count == source.count && issues.dropped == 0)
    }

    @Test func theGoSDKsOwnShapeIsReadFieldForField() throws {
        let (spans, summary) = try Self.read(Self.inputs.appendingPathComponent("go-stdouttrace.txt"))
        #expect(summary.format == .goStdoutTrace && spans.count == 2)
        let (query, root) = (spans[0], spans[1])
        #expect(root.name == "GET /orders/{id}" && root.kind == .server && root.parentSpanID == nil)
        #expect(root.traceID == TraceID(hex: "0102030405060708090a0b0c0d0e0f10") && root.spanID == SpanID(hex: "0102030405060708"))
        #expect(root.traceState == "ot=th:8" && root.flags == 1 && root.status.code == .unset)
        // 10:15:02.123456789+01:00 is 09:15:02.123456789 UTC.
        let nineFifteen: UInt64 = 1_772_356_502 * 1_000_000_000
        #expect(root.startTimeUnixNano == nineFifteen + 123_456_789 && root.endTimeUnixNano == nineFifteen + 200_000_000)
        #expect(
            root.attributes == [
                Attribute(key: "http.route", value: .string("/orders/{id}")),
                Attribute(key: "http.response.status_code", value: .int(200)), Attribute(key: "sampled.ratio", value: .double(1)),
                Attribute(key: "cache.hit", value: .bool(false)),
                Attribute(key: "order.items", value: .array([.string("book"), .string("lamp")])),
            ])
        #expect(root.service == "orders" && root.scope.name == "net/http" && root.scope.version == "0.49.0")
        #expect(query.parentSpanID == root.spanID && query.kind == .client && query.scope.name == "database/sql")
        #expect(query.status == SpanStatus(code: .error, message: "connection reset"))
        #expect(
            query.events == [
                SpanEvent(timeUnixNano: nineFifteen + 150_000_000, name: "retry", attributes: [Attribute(key: "attempt", value: .int(2))])
            ])
        #expect(
            query.links == [
                SpanLink(
                    traceID: TraceID(hex: "a1a2a3a4a5a6a7a8a9aaabacadaeafb0")!, spanID: SpanID(hex: "b1b2b3b4b5b6b7b8")!,
                    attributes: [Attribute(key: "why", value: .string("batched"))])
            ])
        #expect(root.resource === query.resource, "one resource object for the spans that print the same")
        #expect(summary.issues.reasons.map(\.firstPlace) == ["line 96, column 1"], "\(summary.issues)")
    }

    /// The real SDK's console output against its own OTLP encoding of the same spans.
    @Test func thePythonSDKsConsoleOutputHoldsWhatItsOTLPHolds() throws {
        let folder =
            ProcessInfo.processInfo.environment["TRACEREPORT_PYTHON_SDK_OUTPUT"].map { URL(fileURLWithPath: $0) } ?? Self.inputs
        let (console, summary) = try Self.read(folder.appendingPathComponent("python-console.txt"))
        let (otlp, otlpSummary) = try Self.read(folder.appendingPathComponent("python-sdk.otlp.pb"))
        #expect(summary.format == .pythonConsole && otlpSummary.format == .otlpProtobuf)
        #expect(console.count == 15 && otlp.count == 15)
        let byID = Dictionary(uniqueKeysWithValues: otlp.map { ($0.spanID, $0) })
        for span in console {
            let want = try #require(byID[span.spanID])
            let place = "\(span.name) \(span.spanID.hex)"
            #expect(span.traceID == want.traceID && span.parentSpanID == want.parentSpanID && span.name == want.name, "\(place)")
            #expect(span.kind == want.kind && span.status == want.status && span.traceState == want.traceState, "\(place)")
            #expect(span.attributes == want.attributes && span.links == want.links, "\(place)")
            #expect(span.resource.attributes == want.resource.attributes, "\(place)")
            #expect(span.events.map(\.name) == want.events.map(\.name) && span.events.map(\.attributes) == want.events.map(\.attributes))
            // The console prints microseconds, rounded from a float of seconds: within one.
            let times =
                [(span.startTimeUnixNano, want.startTimeUnixNano), (span.endTimeUnixNano, want.endTimeUnixNano)]
                + zip(span.events.map(\.timeUnixNano), want.events.map(\.timeUnixNano))
            for (printed, exact) in times {
                #expect(max(printed, exact) - min(printed, exact) <= 1_000, "\(place): \(printed) vs \(exact)")
            }
        }
        #expect(console.filter { $0.status.code == .error }.map(\.name) == ["charge card"])
        #expect(console.contains { $0.kind == .consumer && $0.links.count == 1 })
    }

    @Test func aSpanThatCannotBeReadCostsThatSpanWithItsPlace() throws {
        var text = SpanEncoders.pythonConsole(try Self.checkoutSpans())
        let bad = text.range(of: "\"trace_id\": \"0x")!
        text.replaceSubrange(bad, with: "\"trace_id\": \"0xzz")
        var spans: [Span] = []
        let issues = try Array(text.utf8).withUnsafeBytes { try PythonConsoleDecoder().decode($0, file: "python.txt", into: &spans) }
        #expect(spans.count == (try Self.checkoutSpans()).count - 1)
        #expect(issues.dropped == 1 && issues.reasons.first?.action == "span dropped")
        #expect(issues.reasons.first?.problem.contains("invalid trace_id") == true, "\(issues)")
        #expect(issues.reasons.first?.firstPlace == "line 4, column 21", "\(issues)")
    }

    @Test(arguments: [
        ("['{key=ot, value=th:c;rv:00ab}', '{key=vendor, value=x}']", "ot=th:c;rv:00ab,vendor=x"), ("[]", ""), ("odd", "odd"),
    ])
    func pythonsTraceStateIsTurnedBackIntoW3CForm(printed: String, w3c: String) {
        #expect(PythonConsoleDecoder.w3cTraceState(printed) == w3c)
    }

    @Test(arguments: [
        (
            #"{"Name": "x", "SpanContext": {"TraceID": "0102030405060708090a0b0c0d0e0f10", "SpanID": "0102030405060708"}}"#,
            InputFormat.goStdoutTrace
        ),
        (
            #"{"name": "x", "context": {"trace_id": "0x0102030405060708090a0b0c0d0e0f10", "span_id": "0x0102030405060708"}}"#,
            .pythonConsole
        ),
    ])
    func eachShapeIsRecognisedByItsMembers(text: String, format: InputFormat) throws {
        var spans: [Span] = []
        let decoded = try Array(text.utf8).withUnsafeBytes { try SpanFileReader().decode($0, name: "x", into: &spans) }
        #expect(decoded.format == format)
    }
}
