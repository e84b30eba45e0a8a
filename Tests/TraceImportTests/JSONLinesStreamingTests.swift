import Foundation
import TestSupport
import Testing
import TraceModel

@testable import TraceImport

/// OTLP JSON is read a piece at a time, cut where a line begins a document; the result must not
/// depend on where the pieces are cut or how many threads decode them, and what a piece drops is
/// placed in the whole input.
struct JSONLinesStreamingTests {
    /// Forty synthetic traces, one JSON line per trace and service instance.
    static let lines: [String] = {
        var generator = SyntheticTraces()
        return (0..<40).flatMap { _ in
            let spans = generator.nextTrace()
            return Dictionary(grouping: spans, by: { ObjectIdentifier($0.resource) }).values
                .sorted { $0[0].spanID < $1[0].spanID }
                .map { SpanEncoders.otlpJSON($0) }
        }
    }()

    func write(_ text: String, named name: String) throws -> String {
        let url = try Fixtures.temporaryDirectory("streaming").appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// The spans of `path` decoded in one go, as one document stream.
    func wholeFile(_ path: String) throws -> [Span] {
        var spans: [Span] = []
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        _ = try bytes.withUnsafeBytes { try OTLPJSONDecoder().decode($0, file: path, into: &spans) }
        return spans
    }

    @Test(arguments: [1, 700, 4_096, 1 << 20], [1, 2, 3])
    func givesWhatTheWholeFileGives(pieceSize: Int, workers: Int) throws {
        let path = try write(Self.lines.joined(separator: "\n") + "\n", named: "lines-\(pieceSize)-\(workers).jsonl")
        var spans: [Span] = []
        let summary = try SpanFileReader(workers: workers, pieceSize: pieceSize).read(path, into: &spans)
        #expect(summary.byteCount == (try Data(contentsOf: URL(fileURLWithPath: path))).count)
        #expect(summary.issues.isEmpty)
        #expect(spans == (try wholeFile(path)))
        #expect(spans.count > 500)
    }

    @Test(arguments: [1, 2])
    func batchesHoldTheSpansOfAFewPiecesAndAddUpToTheFile(workers: Int) throws {
        let path = try write(Self.lines.joined(separator: "\n") + "\n", named: "batches-\(workers).jsonl")
        let reader = SpanFileReader(workers: workers, pieceSize: 4_096)
        var batches: [[Span]] = []
        let summary = try reader.read(path, inBatches: { batches.append($0) }, discardDelivered: { Issue.record("nothing to discard") })
        #expect(batches.count > 10)
        #expect(Array(batches.joined()) == (try wholeFile(path)))
        #expect(summary.spanCount == batches.joined().count && summary.format == .otlpJSON)
    }

    @Test func aBrokenLastLineCostsThatLineAndIsPlacedInTheFile() throws {
        // What a collector killed mid-write leaves: the last line cut short.
        let path = try write(Self.lines.joined(separator: "\n") + "\n{\"resourceSpans\": [{\"scopeSpans\"", named: "cut.jsonl")
        let reader = SpanFileReader(workers: 2, pieceSize: 4_096)
        var batches: [[Span]] = []
        let summary = try reader.read(path, inBatches: { batches.append($0) }, discardDelivered: { Issue.record("nothing to discard") })
        #expect(Array(batches.joined()) == (try wholeFile(path)) && batches.joined().count > 500)
        let reason = try #require(summary.issues.reasons.first)
        #expect(summary.issues.reasons.count == 1 && reason.action == "rest of the input skipped" && reason.dropsRecord)
        #expect(reason.firstPlace.hasPrefix("line \(Self.lines.count + 1), column "), "\(reason)")

        // --strict: the whole file fails, at the exact place, and what was handed over is taken back.
        var discarded = false
        let error = #expect(throws: ImportError.self) {
            try SpanFileReader(strict: true, pieceSize: 4_096).read(path, inBatches: { _ in }, discardDelivered: { discarded = true })
        }
        #expect(discarded && error?.line == Self.lines.count + 1, "\(String(describing: error))")
    }

    @Test func aDocumentSpanningLinesIsNeverCut() throws {
        // A pretty-printed document: its inner lines do not begin a document, so no piece ends inside it.
        let pretty = Self.lines[0].replacingOccurrences(of: ",\"", with: ",\n  \"")
        let path = try write(pretty + "\n" + Self.lines[1] + "\n" + pretty + "\n", named: "pretty.json")
        for workers in [1, 2] {
            var spans: [Span] = []
            let summary = try SpanFileReader(workers: workers, pieceSize: 64).read(path, into: &spans)
            let whole = try wholeFile(path)
            #expect(summary.issues.isEmpty && spans == whole && !spans.isEmpty)
        }
    }

    @Test func dropsASpanWithABadIdAndSaysWhere() throws {
        var text = Self.lines.prefix(30).joined(separator: "\n") + "\n"
        text += #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"zz","spanId":"0000000000000001"}]}]}]}"# + "\n"
        text += Self.lines[30] + "\n"
        let path = try write(text, named: "broken.jsonl")
        for pieceSize in [100, 1 << 20] {
            var spans: [Span] = []
            let summary = try SpanFileReader(workers: 2, pieceSize: pieceSize).read(path, into: &spans)
            #expect(spans == (try wholeFile(path)) && spans.count == summary.spanCount)
            #expect(summary.issues.reasons.map(\.action) == ["span dropped"])
            #expect(summary.issues.reasons.first?.firstPlace == "line 31, column 55", "\(summary.issues)")
            #expect(summary.issues.reasons.first?.problem.contains("invalid traceId \"zz\"") == true)
        }
        var spans: [Span] = []
        let error = #expect(throws: ImportError.self) {
            _ = try SpanFileReader(workers: 2, strict: true).read(path, into: &spans)
        }
        #expect(error?.line == 31 && error?.column == 55 && error?.message.contains("invalid traceId") == true)
        #expect(spans.isEmpty)
    }
}
