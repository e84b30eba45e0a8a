import Foundation
public import TraceModel

/// Reads span export files: decompresses gzip and zstd, recognises the format by content (unless
/// one is given), and decodes.
public struct SpanFileReader: Sendable {
    /// The path that stands for standard input.
    public static let standardInputPath = "-"

    /// The format every input is read as, or nil to recognise each by its content.
    public let format: InputFormat?

    /// How many threads may decode pieces of one large OTLP JSON lines file at once.
    public let workers: Int

    /// Whether a record that cannot be read as written fails its whole input (`--strict`), rather
    /// than being dropped or repaired.
    public let strict: Bool

    /// Uncompressed OTLP JSON files at least this large are read piece by piece, of this size.
    let streamingMinimumSize: Int
    let pieceSize: Int

    public init(format: InputFormat? = nil, workers: Int = 1, strict: Bool = false) {
        self.init(format: format, workers: workers, strict: strict, streamingMinimumSize: JSONLinesStreaming.minimumSize)
    }

    /// A reader that reads uncompressed OTLP JSON files larger than `pieceSize` a piece of that
    /// size at a time (the default reader streams files of 32 MB and more in 8 MB pieces).
    public init(format: InputFormat?, workers: Int, strict: Bool = false, pieceSize: Int) {
        self.init(format: format, workers: workers, strict: strict, streamingMinimumSize: pieceSize + 1, pieceSize: pieceSize)
    }

    init(
        format: InputFormat?, workers: Int = 1, strict: Bool = false, streamingMinimumSize: Int,
        pieceSize: Int = JSONLinesStreaming.pieceSize
    ) {
        self.format = format
        self.workers = max(1, workers)
        self.strict = strict
        self.streamingMinimumSize = streamingMinimumSize
        self.pieceSize = pieceSize
    }

    /// What was read from one input.
    public struct FileSummary: Sendable, Equatable {
        public var path: String
        /// Bytes as stored (compressed, if it was).
        public var byteCount: Int
        public var spanCount: Int
        /// The format it was read as; nil for an empty input.
        public var format: InputFormat?
        /// "gzip" or "zstd" when the input was compressed.
        public var compression: String?
        /// The records that were dropped or repaired.
        public var issues = RecordIssues()
    }

    /// Whether the file at `path` is gzip or zstd, alone or in the Collector's length-prefixed
    /// frames, judged from its first bytes as reading it would; false if it cannot be read.
    public static func isCompressed(_ path: String) -> Bool {
        guard path != standardInputPath, let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        guard let prefix = try? handle.read(upToCount: 8) else { return false }
        return prefix.withUnsafeBytes { bytes in
            Decompression.detect(bytes) != nil
                || (bytes.count == 8 && Decompression.detect(UnsafeRawBufferPointer(rebasing: bytes[4...])) != nil)
        }
    }

    /// Reads and decodes one file (`-` for standard input), appending its spans.
    /// - Throws: `ImportError` naming the file, and the position of a fault in its content; then
    ///   no span of this file is appended.
    public func read(_ path: String, into spans: inout [Span]) throws(ImportError) -> FileSummary {
        if path != Self.standardInputPath, let streamed = readStreaming(path, into: &spans) { return streamed }
        return try readWhole(path, into: &spans)
    }

    /// Reads one file as `read(_:into:)` does, handing its spans to `deliver` a batch at a time
    /// (a few pieces of a large OTLP JSON lines file, or the whole of any other), so that memory
    /// holds a batch rather than the file's spans. A fault found after some batches were handed
    /// over calls `discardDelivered` first: then the file is read whole, for the exact error (or
    /// its spans, when a piece boundary was at fault), and its spans come as one batch.
    /// - Throws: `ImportError` as `read(_:into:)` does; then no batch of the file stands.
    public func read(
        _ path: String, inBatches deliver: (inout [Span]) -> Void, discardDelivered: () -> Void
    ) throws(ImportError) -> FileSummary {
        var spans: [Span] = []
        if path != Self.standardInputPath {
            var delivered = false
            // The closure lives only as long as this call.
            let streamed = withoutActuallyEscaping(deliver) { deliver in
                readStreaming(path, into: &spans) { batch in
                    delivered = delivered || !batch.isEmpty
                    deliver(&batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if let streamed { return streamed }
            if delivered { discardDelivered() }
            spans = []
        }
        let summary = try readWhole(path, into: &spans)
        deliver(&spans)
        return summary
    }

    /// Reads and decodes one file (`-` for standard input) in one go.
    private func readWhole(_ path: String, into spans: inout [Span]) throws(ImportError) -> FileSummary {
        if path != Self.standardInputPath, let file = MappedFile(path: path) {
            return try decode(file.bytes, file: path, into: &spans).summary(path: path, byteCount: file.bytes.count)
        }
        let data: Data
        do {
            if path == Self.standardInputPath {
                data = try FileHandle.standardInput.readToEnd() ?? Data()
            } else {
                data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
            }
        } catch {
            throw ImportError(file: path, message: "cannot read: \(error.localizedDescription)")
        }
        let name = path == Self.standardInputPath ? "standard input" : path
        let result = data.withUnsafeBytes { raw in
            Result { () throws(ImportError) in try decode(raw, file: name, into: &spans) }
        }
        return try result.get().summary(path: path, byteCount: data.count)
    }

    /// Reads a large OTLP JSON lines file piece by piece (see `JSONLinesStreaming`); nil when the
    /// file is small, of another kind, or has a fault to be reported by the whole-file path.
    private func readStreaming(
        _ path: String, into spans: inout [Span], afterPieces: ((inout [Span]) -> Void)? = nil
    ) -> FileSummary? {
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG, Int(status.st_size) >= streamingMinimumSize,
            let handle = FileHandle(forReadingAtPath: path)
        else { return nil }
        let head = (try? handle.read(upToCount: 1 << 16)) ?? Data()
        try? handle.close()
        guard head.withUnsafeBytes({ JSONLinesStreaming.applies(to: $0, format: format) }) else { return nil }
        let before = spans.count
        var handedOver = 0
        let counting: ((inout [Span]) -> Void)? = afterPieces.map { afterPieces in
            { batch in
                handedOver += batch.count
                afterPieces(&batch)
            }
        }
        guard
            let outcome = JSONLinesStreaming.decode(
                path: path, file: path, pieceSize: pieceSize, workers: workers, strict: strict, into: &spans, afterPieces: counting)
        else { return nil }
        return FileSummary(
            path: path, byteCount: outcome.byteCount, spanCount: spans.count - before + handedOver, format: .otlpJSON, compression: nil,
            issues: outcome.issues)
    }

    /// Decodes an input already in memory (named `name` in messages) as `read` decodes a file:
    /// decompression, format recognition (unless a format was given), decoding.
    /// - Returns: the format it was read as; nil for an input holding nothing.
    @discardableResult
    public func decode(_ bytes: UnsafeRawBufferPointer, name: String, into spans: inout [Span]) throws(ImportError) -> Decoded {
        try decode(bytes, file: name, into: &spans)
    }

    /// What decoding one input gave.
    public struct Decoded: Sendable {
        /// The format it was read as; nil for an input holding nothing.
        public var format: InputFormat?
        var compression: Decompression.Format?
        public var spanCount: Int
        /// What was dropped or repaired.
        public var issues: RecordIssues

        func summary(path: String, byteCount: Int) -> FileSummary {
            FileSummary(
                path: path, byteCount: byteCount, spanCount: spanCount, format: format, compression: compression?.rawValue, issues: issues)
        }
    }

    /// Decodes the bytes of one input, appending its spans. Compressed input cut short is read as
    /// far as it decompresses.
    func decode(_ bytes: UnsafeRawBufferPointer, file: String, into spans: inout [Span]) throws(ImportError) -> Decoded {
        let before = spans.count
        let framed = Decompression.isLengthPrefixedFrames(bytes)
        guard let detected = framed ? Decompression.Format.zstd : Decompression.detect(bytes) else {
            let (format, issues) = try decodePlain(bytes, file: file, into: &spans)
            return Decoded(format: format, compression: nil, spanCount: spans.count - before, issues: issues)
        }
        let (plain, compression, failure) =
            framed ? Decompression.decompressFrames(bytes) : Decompression.decompress(bytes, format: detected)
        if let failure, plain.isEmpty || strict {
            throw ImportError(file: file, offset: failure.offset, message: failure.message + " (compressed input)")
        }
        var (format, issues) = try plain.withUnsafeBufferPointer { (buffer) throws(ImportError) in
            try decodePlain(UnsafeRawBufferPointer(buffer), file: "\(file) (\(compression.rawValue))", into: &spans)
        }
        if let failure {
            issues.merge(
                RecordIssues(reasons: [
                    RecordIssues.Reason(
                        action: "rest of the input skipped", problem: failure.message + " (compressed input)", dropsRecord: true, count: 1,
                        firstPlace: "byte \(failure.offset) of the compressed file")
                ]))
        }
        return Decoded(format: format, compression: compression, spanCount: spans.count - before, issues: issues)
    }

    private func decodePlain(
        _ bytes: UnsafeRawBufferPointer, file: String, into spans: inout [Span]
    ) throws(ImportError) -> (InputFormat?, RecordIssues) {
        let detected: InputFormat?
        if let format {
            detected = format
        } else {
            do {
                detected = try FormatDetection.detect(bytes)
            } catch {
                throw ImportError(file: file, bytes: bytes, offset: error.offset, message: error.message)
            }
        }
        guard let detected else { return (nil, RecordIssues()) }
        spans.reserveCapacity(spans.count + bytes.count / detected.bytesPerSpanEstimate)
        return (detected, try detected.decode(bytes, file: file, strict: strict, into: &spans))
    }
}
