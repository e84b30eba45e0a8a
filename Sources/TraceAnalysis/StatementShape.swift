/// A database statement with its literals taken out, so that the same query made for different
/// rows reads the same: `SELECT * FROM items WHERE id = 42 AND name = 'x'` and the one for id 43
/// both become `SELECT * FROM items WHERE id = ? AND name = ?`. Quoted strings and numbers
/// become `?`, a list of them `(?)`, and runs of white space one space. Identifiers that hold
/// digits (`t1`, `"col2"`) are kept.
enum StatementShape {
    /// Shapes are cut at this many characters: enough to tell queries apart in a table.
    static let maximumLength = 240

    static func shape(_ statement: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(min(statement.utf8.count, maximumLength + 8))
        let bytes = Array(statement.utf8)
        var index = 0
        func isWord(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == 0x5F || byte >= 0x80 || byte == 0x24
        }
        func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        while index < bytes.count, out.count < maximumLength {
            let byte = bytes[index]
            switch byte {
            case 0x27:  // 'string', with '' inside
                index += 1
                while index < bytes.count {
                    if bytes[index] == 0x27 {
                        if index + 1 < bytes.count, bytes[index + 1] == 0x27 {
                            index += 2
                            continue
                        }
                        break
                    }
                    index += 1
                }
                index += 1
                appendPlaceholder(to: &out)
            case 0x22, 0x60:  // "identifier", `identifier`: kept whole
                let close = byte
                out.append(byte)
                index += 1
                while index < bytes.count, bytes[index] != close {
                    out.append(bytes[index])
                    index += 1
                }
                if index < bytes.count { out.append(close) }
                index += 1
            case 0x09, 0x0A, 0x0D, 0x20:
                while index < bytes.count, [0x09, 0x0A, 0x0D, 0x20].contains(bytes[index]) { index += 1 }
                if !out.isEmpty { out.append(0x20) }
            case _
            where isDigit(byte)
                || (byte == 0x2D && index + 1 < bytes.count && isDigit(bytes[index + 1]) && !(out.last.map(isWord) ?? false)):
                if let last = out.last, isWord(last), byte != 0x2D {
                    out.append(byte)
                    index += 1
                    continue
                }
                index += 1
                while index < bytes.count, isWord(bytes[index]) || bytes[index] == 0x2E { index += 1 }
                appendPlaceholder(to: &out)
            case _ where isWord(byte):
                while index < bytes.count, isWord(bytes[index]) {
                    out.append(bytes[index])
                    index += 1
                }
            default:
                out.append(byte)
                index += 1
            }
        }
        while out.last == 0x20 { out.removeLast() }
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `?`, or nothing after `?,` or `?, ` but drops the comma: a list of literals
    /// reads as one, as an IN list's length is not part of a query's shape.
    private static func appendPlaceholder(to out: inout [UInt8]) {
        let spaced = out.last == 0x20
        if spaced { out.removeLast() }
        if out.count >= 2, out[out.count - 1] == 0x2C, out[out.count - 2] == 0x3F {
            out.removeLast()
            return
        }
        if spaced { out.append(0x20) }
        out.append(0x3F)
    }
}
