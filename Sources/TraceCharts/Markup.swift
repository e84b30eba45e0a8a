/// Escaping of untrusted text for HTML and SVG (XML) text and quoted attribute values.
public enum Markup {
    /// Escapes `&`, `<`, `>`, `"` and `'`, and replaces characters XML 1.0 forbids (C0 controls
    /// other than tab, newline and return; U+FFFE, U+FFFF) with U+FFFD, so that hostile input can
    /// neither break out of its context nor make a document ill-formed.
    public static func escape(_ text: String) -> String {
        // Fast path: most names and values need nothing.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 || $0 == 0xEF }) {
            return text
        }
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

    /// `text` cut to at most `limit` characters, ending in "…" when cut.
    public static func truncate(_ text: String, to limit: Int) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(max(0, limit - 1))) + "…"
    }
}
