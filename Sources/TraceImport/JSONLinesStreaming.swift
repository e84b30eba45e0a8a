import Foundation
import TraceModel

/// Reads a large OTLP JSON lines file (the Collector's file exporter) a piece at a time, cut at
/// line ends, so that memory holds the spans but never the whole file. Records dropped or repaired
/// in a piece are noted with their place in the file; a piece that broke and found no next line
/// to resume at (a pretty-printed document that happened to span a cut, unless it is the last
/// piece), a failed read, or anything at all under `strict`, sends the file back to the whole-file
/// path.
enum JSONLinesStreaming {
    /// Files at least this large are streamed.
    static let minimumSize = 32 << 20
    /// The size of each read; a longer line makes the piece grow until it holds the line.
    static let pieceSize = 8 << 20

    /// Whether the start of a file says it is worth streaming: uncompressed OTLP JSON.
    static func applies(to head: UnsafeRawBufferPointer, format: InputFormat?) -> Bool {
        guard Decompression.detect(head) == nil, !Decompression.isLengthPrefixedFrames(head) else { return false }
        if let format { return format == .otlpJSON }
        return (try? FormatDetection.detect(head)) == .otlpJSON
    }

    /// What a file gave.
    struct Outcome {
        /// The bytes read.
        var byteCount: Int
        var issues: RecordIssues
    }

    /// Decodes the file at `path` piece by piece, appending its spans; nil (with nothing
    /// appended) when the file must be read whole instead. Up to `workers` pieces are decoded at
    /// once, each with a string cache of its own; their spans are appended in file order, so the
    /// result is the same for any number of workers.
    /// - Parameter afterPieces: given `spans` after each round of pieces, to take them away (and
    ///   keep memory to a few pieces' worth); on a fault, `spans` loses only what is still in it.
    static func decode(
        path: String, file: String, pieceSize: Int = pieceSize, workers: Int = 1, strict: Bool = false, into spans: inout [Span],
        afterPieces: ((inout [Span]) -> Void)? = nil
    ) -> Outcome? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        let before = spans.count
        var status = stat()
        if afterPieces == nil, fstat(descriptor, &status) == 0 {
            // Room for the spans such a file usually holds, so that the array is not copied as it
            // grows; what is not used is never touched, and costs no memory.
            spans.reserveCapacity(spans.count + Int(status.st_size) / InputFormat.otlpJSON.bytesPerSpanEstimate)
        }
        let lanes = max(1, workers)
        let caches = (0..<lanes).map { _ in DecodingCaches() }
        var reader = PieceReader(descriptor: descriptor, pieceSize: max(pieceSize, 1))
        // One buffer per lane, refilled piece after piece: memory the process has already touched.
        var pieces = [[UInt8]](repeating: [], count: lanes)
        var starts = [Int](repeating: 0, count: lanes)
        var issues = RecordIssues()
        var lines = LineCounter(descriptor: descriptor)
        func giveUp() -> Outcome? {
            spans.removeSubrange(min(before, spans.count)...)
            return nil
        }
        while true {
            var filled = 0
            while filled < lanes {
                starts[filled] = reader.consumed
                guard reader.next(into: &pieces[filled]) else { break }
                filled += 1
            }
            if reader.failed { return giveUp() }
            if filled == 0 { return Outcome(byteCount: reader.total, issues: issues) }
            let isLast = reader.atEnd
            if filled == 1 {
                // One piece (or one worker): decoded straight into `spans`, nothing copied.
                guard let log = decode(pieces[0], caches: caches[0], into: &spans), acceptable(log, last: isLast, strict: strict) else {
                    return giveUp()
                }
                issues.merge(placed(log, in: pieces[0], at: starts[0], lines: &lines))
                afterPieces?(&spans)
                continue
            }
            // Piece `index` uses the caches of lane `index` only, and each piece is decoded by one thread.
            nonisolated(unsafe) let laneCaches = caches
            let batch = pieces
            let decoded = ParallelWork.map(count: filled, workers: lanes) { index -> ([Span], IssueLog)? in
                var part: [Span] = []
                return decode(batch[index], caches: laneCaches[index], into: &part).map { (part, $0) }
            }
            for (index, result) in decoded.enumerated() {
                guard let (part, log) = result, acceptable(log, last: isLast && index == filled - 1, strict: strict) else {
                    return giveUp()
                }
                spans.append(contentsOf: part)
                issues.merge(placed(log, in: batch[index], at: starts[index], lines: &lines))
            }
            afterPieces?(&spans)
        }
    }

    /// Decodes one piece; nil when it is not OTLP JSON at all.
    private static func decode(_ piece: [UInt8], caches: DecodingCaches, into spans: inout [Span]) -> IssueLog? {
        piece.withUnsafeBytes { raw in
            var parser = OTLPJSONParser(reader: JSONReader(bytes: raw, strings: caches.strings), caches: caches)
            swap(&parser.spans, &spans)
            defer { swap(&parser.spans, &spans) }
            return (try? parser.parseDocuments()).map { parser.issues }
        }
    }

    /// Whether what a piece noted can stand: nothing under `strict`; a break that lost the rest
    /// of its piece only in the last piece (elsewhere, the document may go on in the next piece).
    private static func acceptable(_ log: IssueLog, last: Bool, strict: Bool) -> Bool {
        if strict { return log.count == 0 }
        return last || !log.lostTheRest
    }

    /// A piece's cases placed in the file: the piece starts at byte `start`.
    private static func placed(_ log: IssueLog, in piece: [UInt8], at start: Int, lines: inout LineCounter) -> RecordIssues {
        guard log.count > 0 else { return RecordIssues() }
        let base = InputPlace(offset: start, line: lines.line(at: start), column: 1)
        return piece.withUnsafeBytes { log.issues(in: $0, textual: true, base: base) }
    }

    /// The line a byte offset of the file is on, counted by reading the file again (only pieces
    /// with something to report ask, and offsets only grow, so each byte is read once).
    struct LineCounter {
        let descriptor: Int32
        private var counted = 0
        private var line = 1

        init(descriptor: Int32) { self.descriptor = descriptor }

        mutating func line(at offset: Int) -> Int {
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            while counted < offset {
                let wanted = min(buffer.count, offset - counted)
                let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, wanted, off_t(counted)) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                line += buffer[..<count].count { $0 == 0x0A }
                counted += count
            }
            return line
        }
    }

    /// Reads a file as pieces of about `pieceSize` bytes that end at a line end (the last one at
    /// the end of the file); a longer line makes its piece grow until it holds the line.
    struct PieceReader {
        let descriptor: Int32
        let pieceSize: Int
        /// What was read after the last line end of the previous piece.
        private var rest: [UInt8] = []
        private(set) var atEnd = false
        private(set) var total = 0
        /// The bytes handed out in pieces so far: where the next piece starts.
        private(set) var consumed = 0
        private(set) var failed = false

        init(descriptor: Int32, pieceSize: Int) {
            self.descriptor = descriptor
            self.pieceSize = pieceSize
        }

        /// Refills `buffer` with the next piece, keeping its capacity; false at the end of the
        /// file (or after a failed read).
        mutating func next(into buffer: inout [UInt8]) -> Bool {
            buffer.removeAll(keepingCapacity: true)
            buffer.append(contentsOf: rest)
            rest.removeAll(keepingCapacity: true)
            while !atEnd {
                let filled = buffer.count
                let wanted = filled < pieceSize ? pieceSize - filled : max(filled, pieceSize)
                buffer.append(contentsOf: repeatElement(0, count: wanted))
                var count = 0
                repeat {
                    count = buffer.withUnsafeMutableBytes { raw in
                        Foundation.read(descriptor, raw.baseAddress! + filled, raw.count - filled)
                    }
                } while count < 0 && errno == EINTR
                if count < 0 {
                    failed = true
                    return false
                }
                buffer.removeLast(wanted - count)
                atEnd = count == 0
                total += count
                // A piece is full once it is big enough and holds a line end.
                if buffer.count >= pieceSize, let lineEnd = buffer.lastIndex(of: 0x0A) {
                    rest.append(contentsOf: buffer[(lineEnd + 1)...])
                    buffer.removeSubrange((lineEnd + 1)...)
                    consumed += buffer.count
                    return true
                }
            }
            consumed += buffer.count
            return !buffer.isEmpty
        }
    }
}
