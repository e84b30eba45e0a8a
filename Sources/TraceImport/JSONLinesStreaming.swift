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
    /// nil (with nothing appended) when the file must be read whole instead.
    static func decode(path: String, file: String, pieceSize: Int = pieceSize, into spans: inout [Span]) -> Int? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        let before = spans.count
        let strings = StringInterner()
        var buffer = [UInt8](repeating: 0, count: max(pieceSize, 1))
        var filled = 0
        var total = 0
        var atEnd = false
        while !atEnd || filled > 0 {
            if !atEnd {
                if filled == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
                let count = buffer.withUnsafeMutableBytes { raw in
                    Foundation.read(descriptor, raw.baseAddress! + filled, raw.count - filled)
                }
                if count < 0 {
                    if errno == EINTR { continue }
                    spans.removeSubrange(before...)
                    return nil
                }
                atEnd = count == 0
                filled += count
                total += count
            }
            // Decode up to the last line end (or everything, at the end of the file).
            let end = atEnd ? filled : (buffer[0..<filled].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0)
            if end == 0 { continue }
            let failed = buffer.withUnsafeBytes { raw -> Bool in
                do {
                    try OTLPJSONDecoder().decode(
                        UnsafeRawBufferPointer(rebasing: raw[0..<end]), file: file, strings: strings, into: &spans)
                    return false
                } catch {
                    return true
                }
            }
            if failed {
                spans.removeSubrange(before...)
                return nil
            }
            buffer.withUnsafeMutableBytes { raw in
                raw.baseAddress!.copyMemory(from: raw.baseAddress! + end, byteCount: filled - end)
            }
            filled -= end
        }
        return total
    }
}
