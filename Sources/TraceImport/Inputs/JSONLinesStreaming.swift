import Synchronization
import TraceModel

/// Reads OTLP JSON a piece at a time, cut where a line begins a document (`\n{`), so that memory
/// holds the spans and a few pieces but never the whole input: large files, compressed input and
/// pipes alike. Pieces are decoded on up to `workers` threads, their spans appended in input order.
/// Records dropped or repaired in a piece are noted with their place in the input. A document
/// that spans lines (pretty-printed JSON) is never cut: its piece grows until it holds it.
enum JSONLinesStreaming {
    /// Files at least this large are read in pieces (and smaller ones whole, in one piece).
    static let minimumSize = 32 << 20
    /// The size of each piece; a longer document makes its piece grow until it holds it.
    static let pieceSize = 8 << 20

    /// What an input gave.
    struct Outcome {
        /// The bytes read (decompressed, when the input was compressed).
        var byteCount: Int
        var issues: RecordIssues
    }

    /// Decodes `source` (a file, a pipe, a decompressing stream) piece by piece, appending its spans.
    /// - Parameters:
    ///   - file: how messages call the input.
    ///   - lines: where the input's lines are, for placing what a piece noted: re-read from a
    ///     file (`LineCounter.file`), or counted piece by piece as they pass.
    ///   - limit: the longest document (so the largest piece) that may be held; a longer one ends
    ///     the input with an error.
    ///   - afterPieces: given `spans` after each round of pieces, to take them away (and keep
    ///     memory to a few pieces' worth).
    /// - Throws: `ImportError` for a document longer than `limit`, or (with `strict`) the first
    ///   record dropped or repaired; a failure of the source ends the input as a break.
    static func decode(
        _ source: any ByteSource, file: String, lines: LineCounter, pieceSize: Int = pieceSize, workers: Int = 1, strict: Bool = false,
        limit: Int = Int.max, budget: ReadBudget? = nil, into spans: inout [Span], afterPieces: ((inout [Span]) -> Void)? = nil
    ) throws(ImportError) -> Outcome {
        let lanes = max(1, workers)
        let caches = (0..<lanes).map { _ in LaneCaches() }
        var reader = PieceReader(source: source, pieceSize: max(pieceSize, 1), limit: limit, file: file)
        var lines = lines
        // One buffer per lane, refilled piece after piece: memory the process has already touched.
        let pieces = (0..<lanes).map { _ in ByteBuffer() }
        var starts = [Int](repeating: 0, count: lanes)
        var issues = RecordIssues()
        // The first case that lost a record: what the input fails with if nothing of it is read.
        var firstLoss: ImportError?
        var read = 0
        while true {
            var filled = 0
            while filled < lanes {
                starts[filled] = reader.consumed
                guard try reader.next(into: pieces[filled]) else { break }
                filled += 1
            }
            if filled == 0 { break }
            if let budget, !budget.spend(reader.consumed - starts[0]) { throw ReadBudget.exceeded(by: file) }
            // Under --strict a source that broke (a compressed stream cut short) fails the input,
            // whatever its text became at the break.
            if strict, let failure = reader.failure { throw failure }
            let roundStart = spans.count
            let batch = pieces
            let decoded: [(spans: [Span], log: IssueLog)]
            if filled == 1 {
                // One piece (or one worker): decoded straight into `spans`, nothing copied.
                decoded = [([], caches[0].caches.withLock { decode(batch[0], caches: $0, into: &spans) })]
            } else {
                // Piece `index` uses the caches of lane `index` only, and each piece is decoded by
                // one thread. The first piece is decoded straight onto `spans` (lent to its thread
                // alone until all are done), the others into arrays of their own, appended after.
                nonisolated(unsafe) var lead: [Span] = []
                swap(&lead, &spans)
                decoded = ParallelWork.map(count: filled, workers: lanes) { index in
                    var part: [Span] = []
                    let log = caches[index].caches.withLock { caches in
                        index == 0 ? decode(batch[0], caches: caches, into: &lead) : decode(batch[index], caches: caches, into: &part)
                    }
                    return (part, log)
                }
                swap(&lead, &spans)
            }
            for (index, (part, log)) in decoded.enumerated() {
                spans.append(contentsOf: part)
                if log.count > 0 {
                    let base = InputPlace(offset: starts[index], line: lines.line(at: starts[index], before: batch[..<index]), column: 1)
                    func placed(_ fault: (offset: Int, message: String)) -> ImportError {
                        let place = IssueLog.places(of: [fault.offset], in: batch[index].bytes, textual: true, base: base)[0]
                        return ImportError(file: file, line: place.line, column: place.column, offset: place.offset, message: fault.message)
                    }
                    if strict, let fault = log.fault(readAny: true, strict: true) { throw placed(fault) }
                    if firstLoss == nil, let fault = log.fault(readAny: false, strict: false) { firstLoss = placed(fault) }
                    issues.merge(log.issues(in: batch[index].bytes, textual: true, base: base))
                }
                lines.passed(batch[index])
            }
            read += spans.count - roundStart
            afterPieces?(&spans)
        }
        if read == 0, let firstLoss, reader.failure == nil { throw firstLoss }
        if let failure = reader.failure {
            // The source broke (a compressed stream cut short, a read error): what came before
            // it stands.
            if strict || read == 0 { throw failure }
            let place = failure.offset.map { "byte \($0) of the compressed file" } ?? "byte \(reader.consumed)"
            issues.merge(
                RecordIssues(reasons: [
                    RecordIssues.Reason(
                        action: "rest of the input skipped", problem: failure.message, dropsRecord: true, count: 1, firstPlace: place)
                ]))
        }
        return Outcome(byteCount: reader.consumed, issues: issues)
    }

    /// Decodes one piece; what it dropped or repaired is noted in the log returned.
    private static func decode(_ piece: ByteBuffer, caches: DecodingCaches, into spans: inout [Span]) -> IssueLog {
        var parser = OTLPJSONParser(reader: JSONReader(bytes: piece.bytes, strings: caches.strings), caches: caches)
        swap(&parser.spans, &spans)
        defer { swap(&parser.spans, &spans) }
        // A document that breaks is noted and reading resumes (see `parseDocuments`), so nothing
        // is thrown.
        try? parser.parseDocuments()
        return parser.issues
    }

    /// Where the lines of an input are: for a file, counted by reading it again when a piece
    /// has something to report (offsets only grow, so each byte is read once); for a stream,
    /// counted in each piece as it passes.
    struct LineCounter {
        private let file: FileSource?
        private var counted = 0
        private var line = 1

        /// Counts the lines of a regular file by reading it again.
        static func file(_ file: FileSource) -> LineCounter { LineCounter(file: file) }
        /// Counts the lines of the pieces as they pass.
        static var passing: LineCounter { LineCounter(file: nil) }

        private init(file: FileSource?) { self.file = file }

        /// The line that byte `offset` is on; `earlier` are the pieces of this round that come
        /// before it (not yet passed).
        mutating func line(at offset: Int, before earlier: ArraySlice<ByteBuffer>) -> Int {
            guard let file else {
                return line + earlier.reduce(0) { $0 + Self.lineEnds(in: $1.bytes) }
            }
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            while counted < offset {
                let wanted = min(buffer.count, offset - counted)
                let count = buffer.withUnsafeMutableBytes {
                    file.read(at: counted, into: UnsafeMutableRawBufferPointer(rebasing: $0[..<wanted]))
                }
                guard count > 0 else { break }
                line += buffer[..<count].count { $0 == 0x0A }
                counted += count
            }
            return line
        }

        /// Notes a piece that has been decoded.
        mutating func passed(_ piece: ByteBuffer) {
            if file == nil { line += Self.lineEnds(in: piece.bytes) }
        }

        private static func lineEnds(in bytes: UnsafeRawBufferPointer) -> Int { bytes.count { $0 == 0x0A } }
    }

    /// Reads a source as pieces of about `pieceSize` bytes that end where a line begins a document
    /// (the last one at the end of the input); a longer document makes its piece grow until it
    /// holds it, up to `limit`.
    struct PieceReader {
        let source: any ByteSource
        let pieceSize: Int
        let limit: Int
        let file: String
        /// What was read after the last cut of the previous piece.
        private let rest = ByteBuffer()
        private var atEnd = false
        /// The bytes handed out in pieces so far: where the next piece starts.
        private(set) var consumed = 0
        /// What ended the source early, if anything did: the pieces hold what came before it.
        private(set) var failure: ImportError?

        init(source: any ByteSource, pieceSize: Int, limit: Int, file: String) {
            (self.source, self.pieceSize, self.limit, self.file) = (source, pieceSize, limit, file)
        }

        /// Refills `buffer` with the next piece, keeping its memory; false at the end.
        /// - Throws: `ImportError` when one document is longer than `limit`.
        mutating func next(into buffer: ByteBuffer) throws(ImportError) -> Bool {
            buffer.removeAll()
            buffer.append(rest.bytes)
            rest.removeAll()
            var searched = 0
            while !atEnd {
                // Read in steps of up to a megabyte, so that a small input costs a small buffer.
                let wanted = buffer.count < pieceSize ? min(pieceSize - buffer.count, 1 << 20) : max(1 << 16, min(buffer.count, 1 << 20))
                let count: Int
                do {
                    count = try buffer.read(from: source, atMost: wanted)
                } catch {
                    failure = error
                    count = 0
                }
                atEnd = count == 0
                // A piece is full once it is big enough and holds a line that begins a document.
                if buffer.count >= pieceSize {
                    if let cut = Self.lastDocumentStart(in: buffer.bytes, from: searched) {
                        rest.append(UnsafeRawBufferPointer(rebasing: buffer.bytes[cut...]))
                        buffer.truncate(to: cut)
                        consumed += buffer.count
                        return true
                    }
                    searched = max(0, buffer.count - 1)
                }
                guard buffer.count <= limit else {
                    throw ImportError(
                        file: file, offset: consumed,
                        message: "a document of more than \(limit >> 20) MB at byte \(consumed): more than the memory budget allows to hold"
                    )
                }
            }
            consumed += buffer.count
            return !buffer.isEmpty
        }

        /// The offset of the last `{` that begins a line (after `from`), if any.
        private static func lastDocumentStart(in bytes: UnsafeRawBufferPointer, from: Int) -> Int? {
            var index = bytes.count - 1
            while index > from {
                if bytes[index] == UInt8(ascii: "{"), bytes[index - 1] == 0x0A { return index }
                index -= 1
            }
            return nil
        }
    }
}

/// The caches of one lane of decoding: a lane's pieces are decoded one at a time, each on one
/// thread, so its lock is never waited for; it is what lets the lane's caches cross threads.
private final class LaneCaches: Sendable {
    let caches = Mutex(DecodingCaches())
}
