internal import CZlib
internal import CZstd

/// gzip and zstd decompression through the system's zlib and libzstd, recognised by magic bytes.
enum Decompression {
    /// A compression format.
    enum Format: String, Sendable {
        case gzip
        case zstd
    }

    /// Inputs that decompress beyond this are rejected rather than exhausting memory.
    static let maximumSize = 4 << 30

    /// The compression of `bytes`, from their magic number, or nil for uncompressed input.
    static func detect(_ bytes: UnsafeRawBufferPointer) -> Format? {
        if bytes.count >= 2, bytes[0] == 0x1F, bytes[1] == 0x8B { return .gzip }
        if bytes.count >= 4, bytes[0] == 0x28, bytes[1] == 0xB5, bytes[2] == 0x2F, bytes[3] == 0xFD { return .zstd }
        return nil
    }

    /// True when `bytes` are a run of compressed frames each preceded by its length as a 4-byte
    /// big-endian integer, as the OpenTelemetry Collector's file exporter writes with `compression`.
    static func isLengthPrefixedFrames(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 8 else { return false }
        var offset = 0
        while offset + 4 <= bytes.count {
            let length = Int(UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
            guard length <= bytes.count - offset - 4,
                detect(UnsafeRawBufferPointer(rebasing: bytes[(offset + 4)..<(offset + 4 + length)])) != nil
            else { return false }
            offset += 4 + length
        }
        return offset == bytes.count
    }

    /// Decompresses every frame of a length-prefixed run and joins the payloads into one input:
    /// JSON documents one per line, protobuf messages back to back (which protobuf reads as one
    /// message whose repeated fields hold them all). A frame that breaks ends the run: what came
    /// before it is returned with the failure.
    static func decompressFrames(_ bytes: UnsafeRawBufferPointer) -> (payload: [UInt8], format: Format, failure: JSONFailure?) {
        var payload: [UInt8] = []
        var offset = 0
        var firstFormat: Format?
        while offset + 4 <= bytes.count {
            let length = Int(UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
            let frame = UnsafeRawBufferPointer(rebasing: bytes[(offset + 4)..<(offset + 4 + length)])
            let format = detect(frame)!
            firstFormat = firstFormat ?? format
            var (plain, _, failure) = decompress(frame, format: format)
            if let failure {
                return (payload, firstFormat ?? .zstd, JSONFailure(offset: offset + 4 + failure.offset, message: failure.message))
            }
            let isJSON =
                plain.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }.map {
                    $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "[")
                } ?? false
            if isJSON { plain.append(0x0A) }
            payload += plain
            guard payload.count <= maximumSize else {
                return (
                    payload, firstFormat ?? .zstd,
                    JSONFailure(offset: offset, message: "decompresses to more than \(maximumSize >> 30) GiB")
                )
            }
            offset += 4 + length
        }
        return (payload, firstFormat ?? .zstd, nil)
    }

    /// The decompressed bytes, and, when the stream broke, where (the compressed offset) and why:
    /// then the bytes are what came out before the break.
    static func decompress(_ bytes: UnsafeRawBufferPointer, format: Format) -> (payload: [UInt8], format: Format, failure: JSONFailure?) {
        var output: [UInt8] = []
        let failure: JSONFailure?
        do {
            switch format {
            case .gzip: try gunzip(bytes, into: &output)
            case .zstd: try unzstd(bytes, into: &output)
            }
            failure = nil
        } catch {
            failure = error
        }
        return (output, format, failure)
    }

    /// All gzip members of `bytes` (concatenated members are one file to gzip too).
    private static func gunzip(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) throws(JSONFailure) {
        output.reserveCapacity(min(input.count * 8, maximumSize))
        var stream = z_stream()
        // 15 window bits + 32: accept both gzip and zlib headers.
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw JSONFailure(offset: 0, message: "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var chunk = [UInt8](repeating: 0, count: 1 << 18)
        var consumed = 0
        while consumed < input.count {
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: UInt8.self) + consumed)
            stream.avail_in = UInt32(min(input.count - consumed, Int(UInt32.max)))
            let before = stream.avail_in
            let status = chunk.withUnsafeMutableBufferPointer { buffer -> Int32 in
                stream.next_out = buffer.baseAddress
                stream.avail_out = UInt32(buffer.count)
                return inflate(&stream, Z_NO_FLUSH)
            }
            let produced = chunk.count - Int(stream.avail_out)
            output.append(contentsOf: chunk[0..<produced])
            consumed += Int(before - stream.avail_in)
            guard output.count <= maximumSize else {
                throw JSONFailure(offset: consumed, message: "decompresses to more than \(maximumSize >> 30) GiB")
            }
            switch status {
            case Z_STREAM_END:
                // Another gzip member may follow.
                guard inflateReset(&stream) == Z_OK else { throw JSONFailure(offset: consumed, message: "zlib could not restart") }
            case Z_OK,
                Z_BUF_ERROR where produced > 0:
                continue
            default:
                let reason = stream.msg.map { String(cString: $0) } ?? "corrupt or truncated data"
                throw JSONFailure(offset: consumed, message: "gzip: \(reason)")
            }
        }
        // A stream that stopped mid-member has produced no Z_STREAM_END.
        if stream.total_in > 0 {
            throw JSONFailure(offset: input.count, message: "gzip: truncated data (unexpected end of file)")
        }
    }

    private static func unzstd(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) throws(JSONFailure) {
        guard let context = ZSTD_createDCtx() else { throw JSONFailure(offset: 0, message: "zstd could not start") }
        defer { ZSTD_freeDCtx(context) }
        output.reserveCapacity(min(input.count * 8, maximumSize))
        var chunk = [UInt8](repeating: 0, count: ZSTD_DStreamOutSize())
        var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        // Feed all input, then keep draining while the decoder says a frame is unfinished
        // (a non-zero result); when no input is left and nothing more comes out, it was truncated.
        var pending = 1
        while inBuffer.pos < inBuffer.size || pending != 0 {
            let (result, produced) = chunk.withUnsafeMutableBytes { buffer -> (Int, Int) in
                var outBuffer = ZSTD_outBuffer(dst: buffer.baseAddress, size: buffer.count, pos: 0)
                let result = ZSTD_decompressStream(context, &outBuffer, &inBuffer)
                return (result, outBuffer.pos)
            }
            if ZSTD_isError(result) != 0 {
                throw JSONFailure(offset: inBuffer.pos, message: "zstd: \(String(cString: ZSTD_getErrorName(result)))")
            }
            if inBuffer.pos == inBuffer.size && produced == 0 && result != 0 {
                throw JSONFailure(offset: input.count, message: "zstd: truncated data (unexpected end of file)")
            }
            output.append(contentsOf: chunk[0..<produced])
            guard output.count <= maximumSize else {
                throw JSONFailure(offset: inBuffer.pos, message: "decompresses to more than \(maximumSize >> 30) GiB")
            }
            pending = result
        }
    }
}
