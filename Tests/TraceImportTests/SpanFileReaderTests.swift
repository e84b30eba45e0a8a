import Foundation
import SpanRecords
import TestSupport
import Testing
import TraceImport
import TraceModel

/// Format detection, decompression and the reading of many inputs.
struct SpanFileReaderTests {
    static let spans = OTLPProtobufDecoderTests.spans

    func write(_ bytes: [UInt8], named name: String) throws -> String {
        let url = try Fixtures.temporaryDirectory("reader").appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    func read(
        _ bytes: [UInt8], named name: String = "input.bin", format: InputFormat? = nil, strict: Bool = false
    ) throws -> ([Span], SpanFileReader.FileSummary) {
        var spans: [Span] = []
        let summary = try SpanFileReader(format: format, strict: strict).read(try write(bytes, named: name), into: &spans)
        return (spans, summary)
    }

    @Test(arguments: [
        (InputFormat.otlpProtobuf, "gzip"), (.otlpProtobuf, "zstd"), (.jaegerJSON, "gzip"), (.zipkinJSON, "zstd"), (.otlpProtobuf, "none"),
    ])
    func recognisesFormatAndCompressionByContentWhateverTheName(_ format: InputFormat, _ compression: String) throws {
        let plain: [UInt8] =
            switch format {
            case .otlpProtobuf: SpanEncoders.otlpProtobuf(Self.spans)
            case .jaegerJSON: Array(SpanEncoders.jaegerJSON(Self.spans).utf8)
            default: Array(SpanEncoders.zipkinJSON(Self.spans).utf8)
            }
        let bytes =
            switch compression {
            case "gzip": Compression.gzip(plain)
            case "zstd": Compression.zstd(plain)
            default: plain
            }
        let (spans, summary) = try read(bytes, named: "misleading-name.json")
        #expect(summary.format == format)
        #expect(summary.compression == (compression == "none" ? nil : compression))
        #expect(SpanShape.of(spans) == SpanShape.of(Self.spans))
    }

    @Test(arguments: ["gzip", "none"])
    func readsItsOwnSpanRecordsAndNamesTheOffsetOfDamage(_ compression: String) throws {
        let writer = SpanRecordWriter()
        for span in Self.spans { writer.append(span) }
        let plain = SpanRecordWriter.header() + writer.takeChunk()
        let (spans, summary) = try read(compression == "gzip" ? Compression.gzip(plain) : plain, named: "part.json")
        #expect(summary.format == .spanRecords)
        #expect(spans == Self.spans)
        let error = #expect(throws: ImportError.self) { try read(Array(plain.prefix(plain.count - 3)), named: "cut.trspans") }
        #expect(error?.file.hasSuffix("cut.trspans") == true)
        #expect(error?.offset.map { $0 >= SpanRecordFormat.magic.count && $0 < plain.count } == true, "\(String(describing: error))")
        #expect(error?.description.contains("runs past the end") == true, "\(String(describing: error))")
    }

    @Test func readsConcatenatedGzipMembers() throws {
        let first = Array(SpanEncoders.zipkinJSON([Self.spans[0]]).utf8)
        let second = Array(SpanEncoders.zipkinJSON([Self.spans[1]]).utf8)
        let (spans, _) = try read(Compression.gzip(first) + Compression.gzip(second))
        #expect(spans.count == 2)
    }

    @Test(arguments: ["gzip", "zstd"])
    func readsTruncatedCompressedInputAsFarAsItGoes(_ compression: String) throws {
        // Large enough for several compressed blocks, so that some come out before the cut.
        let many = HardTraffic.spans(traces: 400, seed: 3)
        let plain = stride(from: 0, to: many.count, by: 100).map { SpanEncoders.otlpJSON(Array(many[$0..<min($0 + 100, many.count)])) }
            .joined(separator: "\n")
        let bytes = compression == "gzip" ? Compression.gzip(Array(plain.utf8)) : Compression.zstd(Array(plain.utf8))
        let cut = Array(bytes.prefix(bytes.count * 3 / 4))
        let (spans, summary) = try read(cut)
        let whole = try read(bytes).0
        #expect(spans.count >= 100 && spans.count < whole.count && spans == Array(whole.prefix(spans.count)))
        #expect(
            summary.issues.reasons.contains { $0.problem.contains(compression) && $0.problem.contains("compressed input") },
            "\(summary.issues)")
        let error = #expect(throws: ImportError.self) { try read(cut, strict: true) }
        #expect(error?.message.contains(compression) == true, "\(String(describing: error))")
        #expect(error?.message.contains("compressed input") == true)
        // Cut in its header, nothing comes out: the input fails.
        #expect(throws: ImportError.self) { try read(Array(bytes.prefix(3))) }
    }

    @Test(arguments: [
        ("{\"resourceMetrics\":[]}", "OpenTelemetry metrics data, not traces"),
        ("{\"hello\":1}", "not a recognised span export: a JSON object with members 'hello'"),
        ("[1,2]", "a JSON array of '1' is not a span export"),
        ("\u{7F}ELF", "neither JSON, OTLP or Zipkin protobuf, nor the Collector"),
    ])
    func saysWhatUnrecognisedContentLooksLike(_ text: String, _ fragment: String) {
        let error = #expect(throws: ImportError.self) { try read(Array(text.utf8)) }
        #expect(error?.message.contains(fragment) == true, "\(String(describing: error))")
    }

    @Test func anExplicitFormatOverridesDetection() throws {
        let zipkin = Array(SpanEncoders.zipkinJSON(Self.spans).utf8)
        let error = #expect(throws: ImportError.self) { try read(zipkin, format: .jaegerJSON) }
        #expect(error?.message.contains("not a Jaeger trace or span") == true, "\(String(describing: error))")
        #expect(try read(zipkin, format: .zipkinJSON).0.count == 2)
    }

    @Test func emptyInputHasNoFormatAndNoSpans() throws {
        let (spans, summary) = try read(Array(" \n".utf8))
        #expect(spans.isEmpty && summary.format == nil)
    }

    @Test func oneBadInputDoesNotLoseTheOthers() throws {
        let good = try write(SpanEncoders.otlpProtobuf(Self.spans), named: "good.pb")
        let bad = try write(Array("{\"resourceSpans\":[".utf8), named: "bad.json")
        let set = InputSet(paths: [bad, good, "/no/such/file"])
        #expect(set.spans.count == 2)
        #expect(set.failures.count == 2)
        #expect(set.outcomes.map { $0.summary != nil } == [false, true, false])
        #expect(set.failures[0].description.hasPrefix("\(bad):1:19: "))
    }

    @Test func foldersAreWalkedSortedSkippingHiddenFilesAndUnknownEndings() throws {
        let folder = try Fixtures.temporaryDirectory("walk")
        for name in ["b.json", "a/z.pb.gz", "a/y.zst", ".hidden.json", "notes.md", "c.ndjson"] {
            let url = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data().write(to: url)
        }
        let files = try InputFiles.expand([folder.path, "-"]).map { $0.replacingOccurrences(of: folder.path + "/", with: "") }
        #expect(files == ["a/y.zst", "a/z.pb.gz", "b.json", "c.ndjson", "-"])
    }
}

/// The Collector's file exporter with `compression: zstd` writes each export as a zstd frame
/// preceded by its length, for protobuf and JSON alike.
@Test(arguments: [InputFormat.otlpProtobuf, .zipkinJSON])
func readsLengthPrefixedCompressedFrames(_ format: InputFormat) throws {
    var file: [UInt8] = []
    for span in SpanFileReaderTests.spans {
        let plain = format == .otlpProtobuf ? SpanEncoders.otlpProtobuf([span]) : Array(SpanEncoders.zipkinJSON([span]).utf8)
        let frame = Compression.zstd(plain)
        file += withUnsafeBytes(of: UInt32(frame.count).bigEndian, Array.init) + frame
    }
    let (spans, summary) = try SpanFileReaderTests().read(file)
    #expect(summary.format == format && summary.compression == "zstd")
    #expect(SpanShape.of(spans) == SpanShape.of(SpanFileReaderTests.spans))
}
