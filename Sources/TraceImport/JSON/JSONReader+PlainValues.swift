import TraceModel

extension JSONReader {
    /// The value that comes next as an attribute value, for formats whose attributes are plain
    /// JSON: a string, a boolean, `null` (empty), an integer within 64 bits, else a double; an
    /// array or object as its JSON text (read without recursion).
    mutating func readPlainScalar() throws(JSONFailure) -> AttributeValue {
        switch peek() {
        case UInt8(ascii: "\"")?: return .string(try readString())
        case UInt8(ascii: "t")?, UInt8(ascii: "f")?: return .bool(try readBool("attribute value"))
        case UInt8(ascii: "n")?:
            try literal("null")
            return .empty
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            let start = offset
            try skipValue()
            return .string(String(decoding: text(start..<offset), as: UTF8.self))
        default:
            let start = offset
            let number = try scanNumber()
            if number.isInteger, let value = Int64(String(decoding: text(number.start..<number.end), as: UTF8.self)) {
                offset = number.end
                return .int(value)
            }
            offset = start
            return .double(try readDouble("attribute value"))
        }
    }
}
