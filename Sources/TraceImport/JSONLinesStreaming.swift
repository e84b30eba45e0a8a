import Foundation
import TraceModel

/// Reads a large OTLP JSON lines file (the Collector's file exporter) a piece at a time, cut at
/// line ends, so that memory holds the spans but never the whole file. Any fault sends the file
/// back to the whole-file path, which gives the exact message and position (or reads a
/// pretty-printed document that happened to span a cut).
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

    /// Decodes the file at `path` piece by piece, appending its spans; returns the bytes read, or
    /// nil (with nothing appended) when the file must be read whole instead. Up to `workers`
    /// pieces are decoded at once, each with a string cache of its own; their spans are appended
    /// in file order, so the result is the same for any number of workers.
    /// - Parameter afterPieces: given `spans` after each round of pieces, to take them away (and
    ///   keep memory to a few pieces' worth); on a fault, `spans` loses only what is still in it.
    static func decode(
        path: String, file: String, pieceSize: Int = pieceSize, workers: Int = 1, into spans: inout [Span],
        afterPieces: ((inout [Span]) -> Void)? = nil
    ) -> Int? {
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
        while true {
            var filled = 0
            while filled < lanes, reader.next(into: &pieces[filled]) { filled += 1 }
            if reader.failed {
                spans.removeSubrange(min(before, spans.count)...)
                return nil
            }
            if filled == 0 { return reader.total }
            if filled == 1 {
                // One piece (or one worker): decoded straight into `spans`, nothing copied.
                guard decode(pieces[0], file: file, caches: caches[0], into: &spans) else {
                    spans.removeSubrange(min(before, spans.count)...)
                    return nil
                }
                afterPieces?(&spans)
                continue
            }
            // Piece `index` uses the caches of lane `index` only, and each piece is decoded by one thread.
            nonisolated(unsafe) let laneCaches = caches
            let batch = pieces
            let decoded = ParallelWork.map(count: filled, workers: lanes) { index -> [Span]? in
                var part: [Span] = []
                return decode(batch[index], file: file, caches: laneCaches[index], into: &part) ? part : nil
            }
            for part in decoded {
                guard let part else {
                    spans.removeSubrange(min(before, spans.count)...)
                    return nil
                }
                spans.append(contentsOf: part)
            }
            afterPieces?(&spans)
        }
    }

    /// Decodes one piece; false when it has a fault.
    private static func decode(_ piece: [UInt8], file: String, caches: DecodingCaches, into spans: inout [Span]) -> Bool {
        piece.withUnsafeBytes { raw in
            (try? OTLPJSONDecoder().decode(raw, file: file, caches: caches, into: &spans)) != nil
        }
    }

    /// Reads a file as pieces of about `pieceSize` bytes that end at a line end (the last one at
    /// the end of the file); a longer line makes its piece grow until it holds the line.
    struct PieceReader {
        let descriptor: Int32
        let pieceSize: Int
        /// What was read after the last line end of the previous piece.
        private var rest: [UInt8] = []
        private var atEnd = false
        private(set) var total = 0
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
                    return true
                }
            }
            return !buffer.isEmpty
        }
    }
}
