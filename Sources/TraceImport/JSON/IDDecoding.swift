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

/// Ids as Jaeger JSON writes them: hex with leading zeros dropped, base64 in its domain-model JSON,
/// and (in hand-made files) arbitrary text, which is hashed to a stable id and reported.
extension IDDecoding {
    /// How an id was read.
    enum Leniency {
        case exact
        /// The text was neither hex nor base64; the id is a hash of it.
        case hashed
    }

    /// A trace id from up to 32 hex digits, base64 of 16 bytes, or a hash of other text; nil if empty.
    static func lenientTraceID(_ text: UnsafeRawBufferPointer) -> (TraceID, Leniency)? {
        guard !text.isEmpty else { return nil }
        if text.count <= 32, text.allSatisfy({ HexDigits.value(of: $0) != nil }) {
            let split = max(0, text.count - 16)
            let high = HexDigits.parse(text[0..<split]) ?? 0
            let low = HexDigits.parse(text[split...]) ?? 0
            return (TraceID(high: high, low: low), .exact)
        }
        if let id = traceID(text) { return (id, .exact) }
        return (TraceID(high: FNV1a.hash(text, seed: 0x9E37_79B9_7F4A_7C15), low: FNV1a.hash(text)), .hashed)
    }

    /// A span id from up to 16 hex digits, base64 of 8 bytes, or a hash of other text; nil if empty.
    static func lenientSpanID(_ text: UnsafeRawBufferPointer) -> (SpanID, Leniency)? {
        guard !text.isEmpty else { return nil }
        if text.count <= 16, let value = HexDigits.parse(text) { return (SpanID(value), .exact) }
        if let id = spanID(text) { return (id, .exact) }
        return (SpanID(FNV1a.hash(text)), .hashed)
    }
}

extension JSONReader {
    /// The string value at `position`, quoted for an error message (see `IDDecoding.quoted`).
    func quotedString(at position: Int) -> String {
        var copy = JSONReader(bytes: bytes, offset: position)
        return (try? copy.withStringBytes { IDDecoding.quoted($0) }) ?? "\"\""
    }
}
