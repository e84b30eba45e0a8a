/// Helpers for JSON data islands (`<script type="application/json">` blocks a page's script
/// reads): numbers packed as text, and strings escaped so that no text ends the block.
enum DataIsland {
    /// The base64url alphabet, in order.
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Non-negative numbers as base64url variable-length quantities, one after another: five bits
    /// a character, least significant first, 32 added to every character but a number's last.
    static func vlq(_ numbers: some Sequence<some BinaryInteger>) -> String {
        var out: [UInt8] = []
        for number in numbers {
            var value = UInt64(number)
            while value >= 32 {
                out.append(alphabet[Int(32 | value & 31)])
                value >>= 5
            }
            out.append(alphabet[Int(value)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A JSON array of strings, safe inside an HTML `<script>` block.
    static func jsonStrings(_ strings: [String]) -> String {
        "[" + strings.map(jsonString).joined(separator: ",") + "]"
    }

    /// `text` as a JSON string, with `<`, `>`, `&`, U+2028, U+2029 and controls escaped.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "<", ">", "&", "\u{2028}", "\u{2029}", "\u{0}"..."\u{1F}", "\u{7F}":
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
