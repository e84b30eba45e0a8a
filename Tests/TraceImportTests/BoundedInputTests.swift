import Foundation
import TestSupport
import Testing
import TraceModel

@testable import TraceImport

/// Inputs are opened once and read front to back within bounds: pipes, devices, compressed
/// inputs that expand far beyond their size, files cut short while they are read.
struct BoundedInputTests {
    static let spans = HardTraffic.spans(traces: 300, seed: 11)
    /// OTLP JSON lines of `spans`, a line per hundred spans.
    static let lines: String =
        stride(from: 0, to: spans.count, by: 100).map {
            SpanEncoders.otlpJSON(Array(spans[$0..<min($0 + 100, spans.count)]))
        }.joined(separator: "\n") + "\n"

    func write(_ bytes: [UInt8], named name: String) throws -> String {
        let url = try Fixtures.temporaryDirectory("bounded").appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    func read(_ path: String, reader: SpanFileReader = SpanFileReader()) throws -> ([Span], SpanFileReader.FileSummary) {
        var spans: [Span] = []
        let summary = try reader.read(path, into: &spans)
        return (spans, summary)
    }

    @Test func aPipeIsOpenedOnceAndReadLikeAFile() throws {
        let file = try write(Array(Self.lines.utf8), named: "spans.jsonl")
        let fifo = URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("pipe").path
        #expect(mkfifo(fifo, 0o600) == 0)
        // A writer that writes the file into the pipe once, as process substitution does.
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", "cat \"$0\" > \"$1\"", file, fifo]
        try writer.run()
        let (spans, summary) = try read(fifo)
        writer.waitUntilExit()
        #expect(spans == (try read(file)).0 && spans.count == Self.spans.count)
        #expect(summary.byteCount == Self.lines.utf8.count && summary.issues.isEmpty)
    }

    @Test func anEndlessDeviceEndsWithAClearErrorAtOnce() throws {
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            let error = #expect(throws: ImportError.self) { try read("/dev/zero") }
            #expect(error?.message.contains("not a recognised span export") == true, "\(String(describing: error))")
            #expect(error?.message.contains("00 00 00") == true)
        }
        #expect(elapsed < .seconds(10))
    }

    @Test func aFewKilobytesOfZstdHoldingGigabytesOfZerosAreRefusedAtTheStart() throws {
        // 64 MB of zeros in one zstd frame: read only as far as recognising it takes.
        let bomb = try write(Compression.zstd([UInt8](repeating: 0, count: 64 << 20)), named: "zeros.zst")
        let stored = try FileManager.default.attributesOfItem(atPath: bomb)[.size] as! Int
        #expect(stored < 64 << 10)
        let error = #expect(throws: ImportError.self) { try read(bomb) }
        #expect(error?.message.contains("not a recognised span export") == true, "\(String(describing: error))")
    }

    @Test func compressedJSONLinesLargerThanTheLimitStreamAndADocumentThatLargeIsRefused() throws {
        let limit = 64 << 10
        let reader = SpanFileReader(memoryLimit: limit, pieceSize: 16 << 10)
        // OTLP JSON lines, gzip: read a piece at a time, each batch far below the whole.
        let lines = try write(Compression.gzip(Array(Self.lines.utf8)), named: "lines.json.gz")
        #expect(Self.lines.utf8.count > 10 * limit)
        var batches: [Int] = []
        let summary = try reader.read(
            lines, inBatches: { batches.append($0.count) }, discardDelivered: { Issue.record("nothing to discard") })
        #expect(batches.reduce(0, +) == Self.spans.count && batches.count > 5 && summary.issues.isEmpty)
        #expect(summary.decompressedByteCount == Self.lines.utf8.count)
        // One Jaeger document of that size cannot be read in pieces: it is refused, saying why.
        let jaeger = try write(Compression.zstd(Array(SpanEncoders.jaegerJSON(Self.spans).utf8)), named: "trace.json.zst")
        let error = #expect(throws: ImportError.self) { try read(jaeger, reader: reader) }
        #expect(error?.message.contains("more than the memory budget allows") == true, "\(String(describing: error))")
    }

    /// The Collector's length-prefixed zstd frames, each expanding past the limit: JSON lines are
    /// streamed across them; one document that large is refused without being held.
    @Test func lengthPrefixedFramesLargerThanTheLimitStreamOrAreRefused() throws {
        let limit = 64 << 10
        let reader = SpanFileReader(memoryLimit: limit, pieceSize: 16 << 10)
        func framed(_ documents: [[UInt8]]) -> [UInt8] {
            documents.flatMap { document in
                let frame = Compression.zstd(document)
                return withUnsafeBytes(of: UInt32(frame.count).bigEndian, Array.init) + frame
            }
        }
        let half = Self.spans.count / 2
        let halves = [Array(Self.spans[..<half]), Array(Self.spans[half...])]
        let lines = halves.map { spans in
            Array(
                stride(from: 0, to: spans.count, by: 100).map {
                    SpanEncoders.otlpJSON(Array(spans[$0..<min($0 + 100, spans.count)])) + "\n"
                }.joined().utf8)
        }
        #expect(lines.allSatisfy { $0.count > 4 * limit })
        let streamed = try read(try write(framed(lines), named: "frames.jsonl.zst"), reader: reader)
        #expect(streamed.0.count == Self.spans.count && streamed.1.issues.isEmpty && streamed.1.compression == "zstd")
        let documents = halves.map { Array(SpanEncoders.zipkinJSON($0).utf8) }
        let error = #expect(throws: ImportError.self) { try read(try write(framed(documents), named: "frames.json.zst"), reader: reader) }
        #expect(error?.message.contains("more than the memory budget allows") == true, "\(String(describing: error))")
    }

    @Test func inputsReadTogetherStopAtTheBudget() throws {
        let file = try write(Array(Self.lines.utf8), named: "budget.jsonl")
        let within = InputSet(paths: [file, file], budget: 3 * Self.lines.utf8.count)
        #expect(within.exceededBudget == nil && within.spans.count == 2 * Self.spans.count)
        let over = InputSet(paths: [file, file, file], budget: Self.lines.utf8.count * 3 / 2)
        #expect(over.exceededBudget?.message.contains("--memory-budget") == true)
        #expect(over.outcomes.count == 2, "reading stops at the input that went past the budget")
    }

    @Test func aFileCutShortWhileItIsReadEndsSoonerWithoutACrash() throws {
        let path = try write(Array(Self.lines.utf8), named: "rotated.jsonl")
        let reader = SpanFileReader(pieceSize: 16 << 10)
        var first = true
        var read = 0
        // logrotate's copytruncate: the file is emptied while the reader is half-way through.
        let summary = try reader.read(
            path,
            inBatches: { batch in
                read += batch.count
                if first {
                    first = false
                    #expect(truncate(path, 1_000) == 0)
                }
            }, discardDelivered: { Issue.record("nothing to discard") })
        #expect(read > 0 && read < Self.spans.count && summary.spanCount == read)
    }
}
