/// Escaping of untrusted text for HTML and SVG (XML) text and quoted attribute values.
public enum Markup {
    /// Escapes `&`, `<`, `>`, `"` and `'`, and replaces characters XML 1.0 forbids (C0 controls
    /// other than tab, newline and return; U+FFFE, U+FFFF) with U+FFFD, so that hostile input can
    /// neither break out of its context nor make a document ill-formed.
    public static func escape(_ text: String) -> String {
        // Fast path: most names and values need nothing.
        if !text.utf8.contains(where: needsAttention) { return text }
        // Byte by byte over the UTF-8 (multi-byte sequences pass through, except U+FFFE and U+FFFF:
        // EF BF BE and EF BF BF), into one buffer.
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "&"): out += "&amp;".utf8
            case UInt8(ascii: "<"): out += "&lt;".utf8
            case UInt8(ascii: ">"): out += "&gt;".utf8
            case UInt8(ascii: "\""): out += "&quot;".utf8
            case UInt8(ascii: "'"): out += "&#39;".utf8
            case 0x09, 0x0A, 0x0D: out.append(byte)
            case 0x00..<0x20: out += replacement
            case 0xEF where index + 1 < bytes.count && bytes[index] == 0xBF && (bytes[index + 1] == 0xBE || bytes[index + 1] == 0xBF):
                out += replacement
                index += 2
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Bytes below 0x40 that escaping changes: C0 controls other than tab, newline and return,
    /// `"`, `&`, `'`, `<` and `>`.
    private static let changedBelow64: UInt64 = 0x5000_00C4_FFFF_D9FF

    /// Whether escaping may change `byte`: the bytes above, and 0xEF, which starts U+FFFE and
    /// U+FFFF (one shift and test per byte, rather than seven comparisons).
    @inline(__always)
    private static func needsAttention(_ byte: UInt8) -> Bool {
        byte < 64 ? (changedBelow64 >> UInt64(byte)) & 1 != 0 : byte == 0xEF
    }

    /// `text` cut to at most `limit` characters, ending in "…" when cut.
    public static func truncate(_ text: String, to limit: Int) -> String {
        // No more bytes than the limit means no more characters: no need to count them.
        guard text.utf8.count > limit, text.count > limit else { return text }
        return String(text.prefix(max(0, limit - 1))) + "…"
    }
}
