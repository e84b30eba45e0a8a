internal import ByteLayout
internal import CZlib
internal import CZstd

/// gzip and zstd, recognised by their magic bytes and decompressed as a stream through the
/// system's zlib and libzstd: memory holds a chunk of the input and of the output, never the
/// whole of either.
enum Decompression {
    /// A compression format.
    enum Format: String, Sendable {
        case gzip
        case zstd
    }

    /// The compression of `bytes`, from their magic number, or nil for uncompressed input.
    static func detect(_ bytes: UnsafeRawBufferPointer) -> Format? {
        if bytes.count >= 2, bytes[0] == 0x1F, bytes[1] == 0x8B { return .gzip }
        if bytes.count >= 4, bytes[0] == 0x28, bytes[1] == 0xB5, bytes[2] == 0x2F, bytes[3] == 0xFD { return .zstd }
        return nil
    }

    /// True when `head` (the start of an input) begins a run of compressed frames each preceded by
    /// its length as a 4-byte big-endian integer, as the OpenTelemetry Collector's file exporter
    /// writes with `compression`. Only the start is judged: an input cut short after it is read
    /// as far as it goes.
    static func beginsLengthPrefixedFrames(_ head: UnsafeRawBufferPointer) -> Bool {
        guard head.count >= 8 else { return false }
        return detect(UnsafeRawBufferPointer(rebasing: head[4...])) != nil
            && Int(BigEndian.uint32(head, at: 0)) > 4
    }

    /// The compression of an input starting with `head`, and whether it is in length-prefixed
    /// frames; nil for uncompressed input.
    static func compression(of head: UnsafeRawBufferPointer) -> (format: Format, framed: Bool)? {
        if let format = detect(head) { return (format, false) }
        if beginsLengthPrefixedFrames(head), let format = detect(UnsafeRawBufferPointer(rebasing: head[4...])) { return (format, true) }
        return nil
    }
}

/// The decompressed bytes of another source. A stream that breaks (cut short, corrupt) gives
/// what came out before the break, then throws, naming the compressed offset.
final class DecompressingSource: ByteSource {
    let format: Decompression.Format
    private let name: String
    private let inner: any ByteSource
    private let framed: Bool
    private var decoder: any StreamDecoder
    private let input = ByteBuffer(capacity: 1 << 18)
    private var inputStart = 0
    private var innerEnded = false
    /// Compressed bytes consumed so far (with frame prefixes): where a break is.
    private var consumed = 0
    /// In framed input, the compressed bytes left in the current frame; nil between frames.
    private var frameLeft: Int?
    /// In framed input, whether the current frame's output is JSON (a line end is added after it).
    private var frameIsJSON: Bool?
    private var frameOutputStarted = false
    private var pendingNewline = false
    private var ended = false

    /// - Parameters:
    ///   - inner: the compressed bytes (positioned at their start).
    ///   - framed: in the Collector's length-prefixed frames.
    ///   - name: how messages call the input.
    init(_ inner: any ByteSource, format: Decompression.Format, framed: Bool, name: String) throws(ImportError) {
        self.inner = inner
        self.format = format
        self.framed = framed
        self.name = name
        decoder = try Self.decoder(format, name: name)
    }

    private static func decoder(_ format: Decompression.Format, name: String) throws(ImportError) -> any StreamDecoder {
        do {
            switch format {
            case .gzip: return try GzipDecoder()
            case .zstd: return try ZstdDecoder()
            }
        } catch {
            throw ImportError(file: name, offset: 0, message: error.message)
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ImportError) -> Int {
        guard buffer.count > 0, !ended else { return 0 }
        if pendingNewline {
            buffer[0] = 0x0A
            pendingNewline = false
            return 1
        }
        while true {
            if framed, frameLeft == nil {
                guard try startFrame() else {
                    ended = true
                    return 0
                }
            }
            if inputStart == input.count, !innerEnded { try refill() }
            let available = min(input.count - inputStart, frameLeft ?? Int.max)
            let step: (consumed: Int, produced: Int, endOfStream: Bool)
            do {
                step = try decoder.decompress(
                    UnsafeRawBufferPointer(rebasing: input.bytes[inputStart..<(inputStart + available)]), into: buffer)
            } catch {
                throw broken(error.message)
            }
            inputStart += step.consumed
            consumed += step.consumed
            if let left = frameLeft { frameLeft = left - step.consumed }
            if step.produced > 0 {
                noteFrameOutput(UnsafeRawBufferPointer(rebasing: buffer[..<step.produced]))
                return step.produced
            }
            if framed, frameLeft == 0 {
                guard step.endOfStream || !decoder.isMidStream else { throw broken("\(format.rawValue): truncated frame") }
                endFrame()
                if pendingNewline {
                    pendingNewline = false
                    buffer[0] = 0x0A
                    return 1
                }
                continue
            }
            if step.endOfStream, !framed { decoder.restart() }  // another gzip member may follow
            if available == 0 && innerEnded {
                guard !decoder.isMidStream else { throw broken("\(format.rawValue): truncated data (unexpected end of file)") }
                if framed { throw broken("\(format.rawValue): the last frame is cut short") }
                ended = true
                return 0
            }
            if step.consumed == 0 && available > 0 && !step.endOfStream {
                throw broken("\(format.rawValue): no progress (corrupt data)")
            }
        }
    }

    /// Reads the next frame's length; false at the end of the input.
    private func startFrame() throws(ImportError) -> Bool {
        var prefix: [UInt8] = []
        while prefix.count < 4 {
            if inputStart == input.count {
                if innerEnded { break }
                try refill()
                continue
            }
            prefix.append(input.bytes[inputStart])
            inputStart += 1
            consumed += 1
        }
        if prefix.isEmpty { return false }
        guard prefix.count == 4 else { throw broken("truncated frame length prefix") }
        frameLeft = Int(UInt32(prefix[0]) << 24 | UInt32(prefix[1]) << 16 | UInt32(prefix[2]) << 8 | UInt32(prefix[3]))
        decoder = try Self.decoder(format, name: name)
        frameIsJSON = nil
        frameOutputStarted = false
        return true
    }

    /// Notes whether the frame's payload is JSON, from its first byte other than white space.
    private func noteFrameOutput(_ bytes: UnsafeRawBufferPointer) {
        guard framed, frameIsJSON == nil else { return }
        frameOutputStarted = true
        if let first = bytes.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) {
            frameIsJSON = first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
        }
    }

    /// Ends a frame: JSON documents of frames are one a line.
    private func endFrame() {
        pendingNewline = frameIsJSON == true
        frameLeft = nil
    }

    private func refill() throws(ImportError) {
        input.removeFirst(inputStart)
        inputStart = 0
        if try input.read(from: inner, atMost: (1 << 18) - input.count) == 0 { innerEnded = true }
    }

    private func broken(_ message: String) -> ImportError {
        ImportError(file: name, offset: consumed, message: message + " (compressed input)")
    }
}

/// One compression format's decoder, fed input as it comes.
protocol StreamDecoder {
    /// Decompresses from `input` into `output`: how much of the input it took, how much output it
    /// gave, and whether a stream (a gzip member, a zstd frame) just ended.
    func decompress(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(JSONFailure) -> (consumed: Int, produced: Int, endOfStream: Bool)
    /// Whether a stream has begun and not ended.
    var isMidStream: Bool { get }
    /// Gets ready for another stream (the next member of a gzip file).
    func restart()
}

/// zlib's inflate, for gzip members (and zlib streams).
private final class GzipDecoder: StreamDecoder {
    private var stream = z_stream()
    private(set) var isMidStream = false

    init() throws(JSONFailure) {
        // 15 window bits + 32: accept both gzip and zlib headers.
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw JSONFailure(offset: 0, message: "zlib could not start")
        }
    }

    deinit { inflateEnd(&stream) }

    func decompress(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(JSONFailure) -> (consumed: Int, produced: Int, endOfStream: Bool) {
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: UInt8.self))
        stream.avail_in = UInt32(min(input.count, Int(UInt32.max)))
        stream.next_out = output.baseAddress?.assumingMemoryBound(to: UInt8.self)
        stream.avail_out = UInt32(min(output.count, Int(UInt32.max)))
        let before = (stream.avail_in, stream.avail_out)
        let status = inflate(&stream, Z_NO_FLUSH)
        let consumed = Int(before.0 - stream.avail_in)
        let produced = Int(before.1 - stream.avail_out)
        if consumed > 0 { isMidStream = true }
        switch status {
        case Z_STREAM_END:
            isMidStream = false
            return (consumed, produced, true)
        case Z_OK, Z_BUF_ERROR:
            return (consumed, produced, false)
        default:
            let reason = stream.msg.map { String(cString: $0) } ?? "corrupt data"
            throw JSONFailure(offset: 0, message: "gzip: \(reason)")
        }
    }

    func restart() {
        inflateReset(&stream)
        isMidStream = false
    }
}

/// libzstd's streaming decompression (frames one after another are read in turn), the library
/// loaded when the first zstd input is met (`CZstd`).
private final class ZstdDecoder: StreamDecoder {
    private let context: UnsafeMutableRawPointer
    private(set) var isMidStream = false

    init() throws(JSONFailure) {
        if let failure = czstd_load() {
            throw JSONFailure(
                offset: 0,
                message:
                    "zstd input, but libzstd cannot be loaded (\(String(cString: failure))): install it (Debian: apt-get install libzstd1)")
        }
        guard let context = czstd_create_decompressor() else { throw JSONFailure(offset: 0, message: "zstd could not start") }
        self.context = context
    }

    deinit { czstd_free_decompressor(context) }

    func decompress(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(JSONFailure) -> (consumed: Int, produced: Int, endOfStream: Bool) {
        var inBuffer = CZstdInBuffer(src: input.baseAddress, size: input.count, pos: 0)
        var outBuffer = CZstdOutBuffer(dst: output.baseAddress, size: output.count, pos: 0)
        let result = czstd_decompress_stream(context, &outBuffer, &inBuffer)
        if czstd_is_error(result) != 0 {
            throw JSONFailure(offset: 0, message: "zstd: \(String(cString: czstd_error_name(result)))")
        }
        if inBuffer.pos > 0 || outBuffer.pos > 0 { isMidStream = result != 0 }
        return (inBuffer.pos, outBuffer.pos, result == 0 && (inBuffer.pos > 0 || outBuffer.pos > 0))
    }

    func restart() {}
}
