import TraceModel

/// Trace and span ids as OTLP JSON writes them: hex as the specification says, or base64 as
/// protobuf's generic JSON printers (and so many real exports) write them.
enum IDDecoding {
    /// A trace id from 32 hex digits (16 for a 64-bit id) or base64 of 16 bytes.
    static func traceID(_ text: UnsafeRawBufferPointer) -> TraceID? {
        switch text.count {
        case 32, 16:
            if let id = TraceID(hexDigits: text) { return id }
        default:
            break
        }
        guard text.count == 24 || text.count == 22, let bytes = Base64.decode(text), bytes.count == 16 else {
            return nil
        }
        return TraceID(bytes: bytes)
    }

    /// A span id from 16 hex digits or base64 of 8 bytes.
    static func spanID(_ text: UnsafeRawBufferPointer) -> SpanID? {
        if text.count == 16, let id = SpanID(hexDigits: text) { return id }
        guard text.count == 12 || text.count == 11, let bytes = Base64.decode(text), bytes.count == 8 else {
            return nil
        }
        return SpanID(bytes: bytes)
    }

    /// The id text for an error message: printable ASCII only, cut at 40 characters.
    static func quoted(_ text: UnsafeRawBufferPointer) -> String {
        var out = "\""
        for byte in text.prefix(40) {
            out +=
                byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\"")
                ? String(Character(Unicode.Scalar(byte))) : "?"
        }
        return out + (text.count > 40 ? "…\"" : "\"")
    }
}
