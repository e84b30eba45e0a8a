internal import CZlib
internal import CZstd

/// Compression for tests of the decompressing reader.
public enum Compression {
    /// `bytes` as one gzip member.
    public static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        // 15 window bits + 16: write a gzip header and trailer.
        precondition(
            deflateInit2_(&stream, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK)
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 32)
        var input = bytes
        let written = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer -> Int in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = UInt32(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = UInt32(outBuffer.count)
                precondition(deflate(&stream, Z_FINISH) == Z_STREAM_END)
                return outBuffer.count - Int(stream.avail_out)
            }
        }
        return Array(output[0..<written])
    }

    /// `bytes` as one zstd frame.
    public static func zstd(_ bytes: [UInt8]) -> [UInt8] {
        precondition(czstd_load() == nil, "libzstd cannot be loaded: \(String(cString: czstd_load()!))")
        var output = [UInt8](repeating: 0, count: czstd_compress_bound(bytes.count))
        let written = output.withUnsafeMutableBytes { outBuffer in
            bytes.withUnsafeBytes { inBuffer in
                czstd_compress(outBuffer.baseAddress, outBuffer.count, inBuffer.baseAddress, inBuffer.count, 3)
            }
        }
        precondition(czstd_is_error(written) == 0)
        return Array(output[0..<written])
    }
}
