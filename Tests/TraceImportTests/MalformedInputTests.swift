import Foundation
import TestSupport
import Testing
import TraceAssembly
import TraceImport
import TraceModel

/// Broken and hostile inputs: each gives spans (with what was dropped or repaired, placed) or an
/// error naming the file and a position — never a crash, a hang or unbounded memory. Time limits
/// here are generous bounds against hangs and quadratic blow-ups (debug build, shared machine),
/// not speed claims.
struct MalformedInputTests {
    /// Decodes `bytes` as an input file would be; returns the error, if any, and what was
    /// dropped or repaired.
    func decode(
        _ bytes: [UInt8], name: String = "bad.json", format: InputFormat? = nil, strict: Bool = false
    ) -> (spans: [Span], error: ImportError?, issues: RecordIssues) {
        var spans: [Span] = []
        let result = bytes.withUnsafeBytes { raw -> Result<RecordIssues, ImportError> in
            do throws(ImportError) {
                return .success(try SpanFileReader(format: format, strict: strict).decode(raw, name: name, into: &spans).issues)
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let issues): return (spans, nil, issues)
        case .failure(let error): return (spans, error, RecordIssues())
        }
    }

    /// Every reason is placed in the input.
    func expectPlaced(_ issues: RecordIssues, _ comment: Comment? = nil) {
        for reason in issues.reasons {
            #expect(reason.firstPlace.hasPrefix("line ") || reason.firstPlace.hasPrefix("byte "), comment)
            #expect(reason.count > 0 && !reason.problem.isEmpty && !reason.action.isEmpty, comment)
        }
    }

    func expectPositioned(_ error: ImportError?, _ name: String = "bad.json", _ comment: Comment? = nil) {
        guard let error else { return }
        #expect(error.file.hasPrefix(name), comment)
        #expect(error.line != nil || error.offset != nil, "no position in: \(error)")
        #expect(!error.message.isEmpty)
    }

    func within(_ seconds: Double, _ body: () throws -> Void) rethrows {
        let clock = ContinuousClock()
        let elapsed = try clock.measure(body)
        #expect(elapsed < .seconds(seconds), "took \(elapsed)")
    }

    static let sample = Array(SpanEncoders.otlpJSON(SyntheticTraces().nextTraceForTests()).utf8)

    @Test func everyFixtureCutShortFailsAtAPositionOrReadsWhatItHolds() throws {
        var inputs: [(String, [UInt8])] = [("sample.json", Self.sample)]
        if let folder = Fixtures.sharedDirectory {
            for file in try FileManager.default.subpathsOfDirectory(atPath: folder.path).sorted()
            where file.hasSuffix(".json") || file.hasSuffix(".pb") || file.hasSuffix(".jsonl") || file.hasSuffix(".gz") {
                inputs.append((file, try Fixtures.shared(file)))
            }
        }
        within(120) {
            for (name, bytes) in inputs {
                // Twenty cuts spread over the file, and every cut within its first 64 bytes.
                let cuts = Set((0..<20).map { bytes.count * $0 / 20 } + (0..<min(64, bytes.count)))
                for cut in cuts.sorted() {
                    let result = decode(Array(bytes.prefix(cut)), name: name)
                    expectPositioned(result.error, name, "\(name) cut at \(cut)")
                    expectPlaced(result.issues, "\(name) cut at \(cut)")
                }
            }
        }
    }

    @Test func emptyWhitespaceAndByteOrderMarkedFiles() {
        #expect(decode([]).error == nil && decode([]).spans.isEmpty)
        #expect(decode(Array(" \n\t\r\n".utf8)).error == nil)
        let marked = decode([0xEF, 0xBB, 0xBF] + Self.sample)
        #expect(marked.error == nil && !marked.spans.isEmpty)
    }

    @Test func invalidUTF8IsReplacedAndNULIsRejected() throws {
        let text = String(decoding: Self.sample, as: UTF8.self)
        let spansStart = try #require(text.range(of: "\"spans\":["))
        let name = try #require(text.range(of: "\"name\":\"", range: spansStart.upperBound..<text.endIndex))
        var bytes = Array(text[..<name.upperBound].utf8) + [0xFF, 0xFE, 0xC0, 0x80] + Array(text[name.upperBound...].utf8)
        let replaced = decode(bytes)
        #expect(replaced.error == nil)
        #expect(replaced.spans.contains { $0.name.contains("\u{FFFD}") })
        // A raw NUL (a control character) inside a string is not JSON: the document breaks
        // there, keeping the spans before it (or, with --strict, failing whole).
        let lastName = try #require(text.range(of: "\"name\":\"", options: .backwards))
        bytes = Array(text[..<lastName.upperBound].utf8) + [0x00] + Array(text[lastName.upperBound...].utf8)
        let rejected = decode(bytes, strict: true)
        expectPositioned(rejected.error)
        #expect(rejected.error?.message.contains("control character") == true)
        let broken = decode(bytes)
        #expect(broken.error == nil && broken.issues.reasons.map(\.action) == ["rest of the input skipped"])
        #expect(broken.issues.reasons.first?.problem.contains("control character") == true)
        expectPlaced(broken.issues)
    }

    @Test(arguments: [
        ("traceId", "123"), ("spanId", "true"), ("parentSpanId", "[]"), ("name", "{}"), ("kind", "\"SPAN_KIND_BOGUS\""),
        ("startTimeUnixNano", "[1]"), ("endTimeUnixNano", "\"soon\""), ("attributes", "\"x\""), ("events", "5"),
        ("links", "{}"), ("status", "7"), ("flags", "-1"), ("traceState", "1.5"),
        ("startTimeUnixNano", "\"99999999999999999999999\""), ("endTimeUnixNano", "-5"),
    ])
    func aWrongTypeInAnyFieldIsNamedWithItsPosition(field: String, value: String) throws {
        let span =
            #"{"traceId":"0123456789abcdef0123456789abcdef","spanId":"0123456789abcdef","name":"op","startTimeUnixNano":"1","endTimeUnixNano":"2","#
            + "\"\(field)\":\(value)}"
        let document = #"{"resourceSpans":[{"scopeSpans":[{"spans":["# + span + "]}]}]}"
        let strict = decode(Array(document.utf8), strict: true)
        let error = try #require(strict.error, "\(field): \(value) was accepted")
        expectPositioned(error)
        #expect(strict.spans.isEmpty)
        // Without --strict: an id that cannot be read costs the span (and so the input, which has
        // no other); any other field is repaired or left out, its span kept, and the case placed.
        let result = decode(Array(document.utf8))
        if field == "traceId" || field == "spanId" {
            expectPositioned(result.error)
            #expect(result.spans.isEmpty && result.error?.column == error.column)
        } else {
            #expect(result.error == nil && result.spans.count == 1)
            #expect(result.issues.reasons.count == 1 && !result.issues.reasons[0].dropsRecord, "\(result.issues)")
            #expect(result.issues.reasons.first?.firstPlace == "line 1, column \(error.column ?? 0)")
        }
    }

    @Test func jaegerAndZipkinWrongTypesAreNamed() {
        for document in [
            #"{"data":[{"traceID":"1","spans":[{"traceID":"1","spanID":"2","operationName":"op","startTime":1,"duration":-5}]}]}"#,
            #"{"data":[{"traceID":"1","spans":[{"traceID":"1","spanID":"2","operationName":7,"startTime":1,"duration":5}]}]}"#,
            #"[{"traceId":"0123456789abcdef","id":"0123456789abcdef","timestamp":"yesterday"}]"#,
            #"[{"traceId":"0123456789abcdef","id":"0123456789abcdef","kind":"SIDEWAYS"}]"#,
        ] {
            let strict = decode(Array(document.utf8), strict: true)
            #expect(strict.error != nil, "accepted: \(document)")
            expectPositioned(strict.error)
            let result = decode(Array(document.utf8))
            #expect(result.error == nil && result.spans.count == 1, "\(document)")
            #expect(
                result.issues.reasons.count == 1 && result.issues.reasons.first?.firstPlace == "line 1, column \(strict.error?.column ?? 0)"
            )
        }
    }

    @Test func binaryGarbageNeverCrashes() {
        var random = SplitMix64(seed: 42)
        for length in [1, 2, 3, 7, 64, 1_000, 100_000] {
            for _ in 0..<10 {
                let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                expectPositioned(decode(bytes).error)
                expectPositioned(decode(bytes, format: .otlpProtobuf).error)
                expectPositioned(decode([0x1F, 0x8B] + bytes).error)  // gzip magic, then garbage
            }
        }
    }

    @Test func aTenMegabyteStringAndAMillionAttributesAreRead() throws {
        let long = String(repeating: "x", count: 10_000_000)
        let big =
            #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0123456789abcdef0123456789abcdef","spanId":"0123456789abcdef","name":"op","startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":[{"key":"sql","value":{"stringValue":""#
            + long + #""}}]}]}]}]}"#
        within(30) {
            let result = decode(Array(big.utf8))
            #expect(result.error == nil)
            #expect(result.spans.first?.attributes.first?.value.description.count == 10_000_000)
        }
        let attribute = #"{"key":"k","value":{"intValue":"1"}}"#
        let many =
            #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0123456789abcdef0123456789abcdef","spanId":"0123456789abcdef","name":"op","startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":["#
            + Array(repeating: attribute, count: 1_000_000).joined(separator: ",") + "]}]}]}]}"
        within(60) {
            let result = decode(Array(many.utf8))
            #expect(result.error == nil)
            #expect(result.spans.first?.attributes.count == 1_000_000)
        }
    }

    @Test func deepNestingIsRejectedWithoutRecursion() {
        let depth = 200_000
        let attribute =
            #"{"key":"deep","value":"# + String(repeating: #"{"arrayValue":{"values":["#, count: depth)
            + String(repeating: "]}}", count: depth) + "}"
        let document =
            #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0123456789abcdef0123456789abcdef","spanId":"0123456789abcdef","name":"op","startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":["#
            + attribute + "]}]}]}]}"
        let strict = decode(Array(document.utf8), strict: true)
        expectPositioned(strict.error)
        #expect(strict.error?.message.contains("nested deeper") == true)
        let result = decode(Array(document.utf8))
        #expect(result.spans.count == 1 && result.spans.first?.attributes.isEmpty == true)
        #expect(result.issues.reasons.map(\.action) == ["attribute dropped"] && result.issues.reasons[0].problem.contains("nested deeper"))
        // Unknown members are skipped without recursion however deep they go.
        let skipped = #"{"resourceSpans":[],"other":"# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
        #expect(decode(Array(skipped.utf8)).error == nil)
    }

    @Test func endBeforeStartAndParentCyclesAreWarningsNotFailures() {
        var spans = [
            SpanBuilder.span(id: 1, parent: 3, start: 0, end: 10),
            SpanBuilder.span(id: 2, parent: 1, start: 1, end: 5),
            SpanBuilder.span(id: 3, parent: 2, start: 2, end: 4),
        ]
        spans.append(SpanBuilder.span(id: 4, parent: 1, start: 9, end: 3))  // ends before it starts
        let traces = TraceAssembler().assemble(spans)
        #expect(traces.count == 1 && traces[0].spans.count == 4)
        #expect(traces[0].warnings.contains { $0.contains("cycle") })
        #expect(traces[0].spans.first { $0.spanID == SpanID(4) }?.durationNano == 0)
    }
}

extension SyntheticTraces {
    /// One trace from the default seed.
    fileprivate func nextTraceForTests() -> [Span] {
        var generator = self
        return generator.nextTrace()
    }
}
