public import TraceModel

/// Reads span export files: decompresses gzip and zstd as a stream, recognises the format by
/// content (unless one is given), and decodes. Every input is opened once and read front to back
/// (never mapped), so that files, pipes, process substitution and standard input are all read
/// alike; OTLP JSON is read a piece at a time, other formats whole within `memoryLimit`.
public struct SpanFileReader: Sendable {
    /// The path that stands for standard input.
    public static let standardInputPath = "-"

    /// The format every input is read as, or nil to recognise each by its content.
    public let format: InputFormat?

    /// How many threads may decode pieces of one OTLP JSON input at once.
    public let workers: Int

    /// Whether a record that cannot be read as written fails its whole input (`--strict`), rather
    /// than being dropped or repaired.
    public let strict: Bool

    /// The most bytes of one input (decompressed) held in memory at once: an input of a format
    /// read whole, or one OTLP JSON document. A larger one fails, saying so, rather than taking
    /// memory the run does not have (a few kilobytes of zstd can hold gigabytes of zeros).
    public let memoryLimit: Int

    /// What every input read with this reader may take from memory together, when they are all
    /// kept (see `ReadBudget`); nil when the caller hands their spans on as they come.
    public let readBudget: ReadBudget?

    /// OTLP JSON is read in pieces of this size (a longer document makes its piece grow).
    let pieceSize: Int

    /// - Parameter memoryLimit: see `memoryLimit`; by default 4 GiB.
    public init(
        format: InputFormat? = nil, workers: Int = 1, strict: Bool = false, memoryLimit: Int = SpanFileReader.defaultMemoryLimit,
        readBudget: ReadBudget? = nil, pieceSize: Int = SpanFileReader.defaultPieceSize
    ) {
        self.format = format
        self.workers = max(1, workers)
        self.strict = strict
        self.memoryLimit = max(1, memoryLimit)
        self.readBudget = readBudget
        self.pieceSize = max(1, pieceSize)
    }

    public static let defaultMemoryLimit = 4 << 30
    /// 8 MB: large enough that decoding a piece dwarfs reading it.
    public static let defaultPieceSize = 8 << 20

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
        /// Bytes once decompressed (`byteCount` for uncompressed input).
        public var decompressedByteCount = 0
    }

    /// How many bytes the input at `path` holds once decompressed (recognised by content, as
    /// reading it would): its size when it is not compressed, counted by decompressing it (memory
    /// holds a chunk at a time) when it is, but only as far as `cap`: past it, the count stops
    /// and is more than `cap`. Nil for standard input and pipes, which can be read only once, and
    /// for an input that cannot be opened.
    public static func plainSize(of path: String, counting cap: Int) -> Int? {
        guard path != standardInputPath, let file = try? FileSource(path: InputPath(resolving: path)),
            case .regular(let size) = file.kind
        else { return nil }
        let input = BufferedInput(file)
        guard let (format, framed) = (try? input.peek(8) { Decompression.compression(of: $0) }) ?? nil else { return size }
        guard let stream = try? DecompressingSource(input, format: format, framed: framed, name: file.name) else { return nil }
        let chunk = ByteBuffer(capacity: 1 << 20)
        var total = 0
        while total <= cap {
            chunk.removeAll()
            guard let count = try? chunk.read(from: stream, atMost: 1 << 20), count > 0 else { break }
            total += count
        }
        return total
    }

    /// Reads and decodes one file (`-` for standard input), appending its spans.
    /// - Throws: `ImportError` naming the file, and the position of a fault in its content; then
    ///   no span of this file is appended.
    public func read(_ path: String, into spans: inout [Span]) throws(ImportError) -> FileSummary {
        let before = spans.count
        do {
            return try read(try open(path), path: path, into: &spans, afterPieces: nil)
        } catch {
            spans.removeSubrange(before...)
            throw error
        }
    }

    /// Reads one file as `read(_:into:)` does, handing its spans to `deliver` a batch at a time
    /// (a few pieces of OTLP JSON, or the whole of any other), so that memory holds a batch rather
    /// than the file's spans. A fault found after some batches were handed over (with `strict`)
    /// calls `discardDelivered`.
    /// - Throws: `ImportError` as `read(_:into:)` does; then no batch of the file stands.
    public func read(
        _ path: String, inBatches deliver: (inout [Span]) -> Void, discardDelivered: () -> Void
    ) throws(ImportError) -> FileSummary {
        var spans: [Span] = []
        var delivered = false
        do {
            let summary = try withoutActuallyEscaping(deliver) { (deliver) throws(ImportError) in
                try read(try open(path), path: path, into: &spans) { batch in
                    delivered = delivered || !batch.isEmpty
                    deliver(&batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            deliver(&spans)
            return summary
        } catch {
            if delivered { discardDelivered() }
            throw error
        }
    }

    /// The source of `path`: a file, a pipe or device, or standard input.
    private func open(_ path: String) throws(ImportError) -> FileSource {
        path == Self.standardInputPath
            ? FileSource(standardInputNamed: "standard input") : try FileSource(path: InputPath(resolving: path))
    }

    /// Decodes an input already in memory (named `name` in messages) as `read` decodes a file:
    /// decompression, format recognition (unless a format was given), decoding.
    @discardableResult
    public func decode(_ bytes: UnsafeRawBufferPointer, name: String, into spans: inout [Span]) throws(ImportError) -> Decoded {
        let before = spans.count
        do {
            let summary = try read(MemorySource(bytes), name: name, kind: .regular(size: bytes.count), into: &spans, afterPieces: nil)
            return Decoded(format: summary.format, spanCount: summary.spanCount, issues: summary.issues)
        } catch {
            spans.removeSubrange(before...)
            throw error
        }
    }

    /// What decoding one input in memory gave.
    public struct Decoded: Sendable {
        /// The format it was read as; nil for an input holding nothing.
        public var format: InputFormat?
        public var spanCount: Int
        /// What was dropped or repaired.
        public var issues: RecordIssues
    }

    private func read(
        _ file: FileSource, path: String, into spans: inout [Span], afterPieces: ((inout [Span]) -> Void)?
    ) throws(ImportError) -> FileSummary {
        var summary = try read(file, name: file.name, kind: file.kind, lines: file, into: &spans, afterPieces: afterPieces)
        summary.path = path
        return summary
    }

    /// Reads `source` (of `kind`, named `name`): its compression, its format, then its spans.
    private func read(
        _ source: any ByteSource, name: String, kind: FileSource.Kind, lines file: FileSource? = nil, into spans: inout [Span],
        afterPieces: ((inout [Span]) -> Void)?
    ) throws(ImportError) -> FileSummary {
        let before = spans.count
        var handedOver = 0
        let counting: ((inout [Span]) -> Void)? = afterPieces.map { afterPieces in
            { batch in
                handedOver += batch.count
                afterPieces(&batch)
            }
        }
        let stored = CountingSource(source)
        let raw = BufferedInput(stored)
        let compression = try raw.peek(8) { Decompression.compression(of: $0) }
        var plain = raw
        var textName = name
        if let (format, framed) = compression {
            plain = BufferedInput(try DecompressingSource(raw, format: format, framed: framed, name: name))
            textName = "\(name) (\(format.rawValue))"
        }
        let summary: FileSummary
        var detected = format
        if detected == nil { detected = try detect(plain, name: textName) }
        guard let detected else {
            return FileSummary(path: name, byteCount: stored.count, spanCount: 0, format: nil, compression: compression?.format.rawValue)
        }
        if detected == .otlpJSON {
            if afterPieces == nil, compression == nil, case .regular(let size) = kind {
                Self.makeRoom(in: &spans, for: size / InputFormat.otlpJSON.bytesPerSpanEstimate)
            }
            // Where the lines are: counted again from the file when it is plain, as pieces pass otherwise.
            let lines: JSONLinesStreaming.LineCounter = compression == nil && file != nil ? .file(file!) : .passing
            let outcome = try JSONLinesStreaming.decode(
                plain, file: textName, lines: lines, pieceSize: pieceSize, workers: workers, strict: strict, limit: memoryLimit,
                budget: readBudget, into: &spans, afterPieces: counting)
            summary = FileSummary(
                path: name, byteCount: stored.count, spanCount: spans.count - before + handedOver, format: .otlpJSON,
                compression: compression?.format.rawValue, issues: outcome.issues, decompressedByteCount: outcome.byteCount)
        } else {
            let expected: Int = if case .regular(let size) = kind, compression == nil { size } else { 0 }
            let budgeted = readBudget.map { min(memoryLimit, $0.bytesLeft) } ?? memoryLimit
            let (bytes, failure) = try plain.readAll(expected: expected, limit: budgeted) { limit in
                if budgeted < memoryLimit { return ReadBudget.exceeded(by: textName) }
                return ImportError(
                    file: textName, offset: limit,
                    message: "holds more than \(limit >> 20) MB of \(detected.displayName), more than the memory budget allows to read "
                        + "at once (give more with --memory-budget, or split the input)")
            }
            if let readBudget, !readBudget.spend(bytes.count) { throw ReadBudget.exceeded(by: textName) }
            if let failure, bytes.isEmpty || strict { throw failure }
            Self.makeRoom(in: &spans, for: bytes.count / detected.bytesPerSpanEstimate)
            var issues = try detected.decode(bytes.bytes, file: textName, strict: strict, into: &spans)
            if let failure {
                // The stream broke (cut short): what came before the break was read.
                issues.merge(
                    RecordIssues(reasons: [
                        RecordIssues.Reason(
                            action: "rest of the input skipped", problem: failure.message, dropsRecord: true, count: 1,
                            firstPlace: failure.offset.map { "byte \($0)\(compression == nil ? "" : " of the compressed file")" }
                                ?? "its end")
                    ]))
            }
            summary = FileSummary(
                path: name, byteCount: stored.count, spanCount: spans.count - before, format: detected,
                compression: compression?.format.rawValue, issues: issues, decompressedByteCount: bytes.count)
            counting?(&spans)
        }
        return summary
    }

    /// Makes room in `spans` for `count` more: at least doubling, so that the inputs of a run of
    /// many files cost a copy of the spans before each a logarithmic number of times, not once
    /// a file (`reserveCapacity` grows to the exact size asked). Memory reserved and never
    /// written is not touched.
    private static func makeRoom(in spans: inout [Span], for count: Int) {
        let needed = spans.count + count
        if needed > spans.capacity { spans.reserveCapacity(max(needed, 2 * spans.capacity)) }
    }

    /// The format of the input starting in `input`, from as much of its start as that takes (its
    /// first object's members); nil for an input of nothing but white space.
    private func detect(_ input: BufferedInput, name: String) throws(ImportError) -> InputFormat? {
        var count = 1 << 16
        while true {
            let complete = input.isWhollyBuffered(upTo: count)
            let result = try input.peek(count) { head in
                Result { () throws(JSONFailure) in
                    try FormatDetection.detect(head, complete: complete || input.isWhollyBuffered(upTo: count))
                }
                .mapError { ImportError(file: name, bytes: head, offset: $0.offset, message: $0.message) }
            }
            switch result {
            case .success(let format): return format
            case .failure(let error):
                // Detection ran into the end of what was looked at: look at more, if there is more.
                let ranOut = (error.offset ?? 0) >= count - 1 && !input.isWhollyBuffered(upTo: count)
                guard ranOut, count < 64 << 20 else { throw error }
                count *= 4
            }
        }
    }
}
