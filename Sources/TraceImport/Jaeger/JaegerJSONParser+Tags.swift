import TraceModel

/// The reader of tag lists: the query API's `{"key", "type", "value"}` and the domain model's
/// `{"key", "vType", "vStr"...}`, the usual spelling read on a fast path.
extension JaegerJSONParser {
    /// A list of tags: `{"key", "type", "value"}` (query API) or `{"key", "vType", "vStr"...}` (domain model).
    mutating func parseTags() throws(JSONFailure) -> [Attribute] {
        let stack = attributes
        let base = stack.count
        do {
            try parseArray { (parser) throws(JSONFailure) in
                _ = parser.reader.peek()
                if let tag = parser.parseCompactTag() {
                    stack.push(tag)
                } else if let tag = try parser.tolerating(
                    "tag dropped", dropsRecord: true, { (parser) throws(JSONFailure) in try parser.parseTag() })
                {
                    stack.push(tag)
                }
            }
        } catch {
            stack.drop(from: base)
            throw error
        }
        return stack.take(from: base)
    }

    /// The query API's usual spelling of a tag, without whitespace:
    /// `{"key":"…","type":"string","value":"…"}` (or `int64`, `float64` with a number). Anything
    /// else rewinds and returns nil for the general parse, which gives the same result.
    private mutating func parseCompactTag() -> Attribute? {
        let start = reader.offset
        // Anything unusual, a fault included, is left to the general parse, which says what it is.
        guard reader.consume(#"{"key":"#), let key = try? reader.readString() else {
            reader.offset = start
            return nil
        }
        let value: AttributeValue
        if reader.consume(#","type":"string","value":""#) {
            reader.offset -= 1  // back to the opening quote
            guard let text = try? reader.readString() else {
                reader.offset = start
                return nil
            }
            value = .string(text)
        } else if reader.consume(#","type":"int64","value":"#), reader.peek() != UInt8(ascii: "\""),
            let number = try? reader.readInt64("int64 tag value")
        {
            value = .int(number)
        } else if reader.consume(#","type":"float64","value":"#), reader.peek() != UInt8(ascii: "\""),
            let number = try? reader.readDouble("float64 tag value")
        {
            value = .double(number)
        } else {
            reader.offset = start
            return nil
        }
        guard reader.consume("}") else {
            reader.offset = start
            return nil
        }
        return Attribute(key: key, value: value)
    }

    private mutating func parseTag() throws(JSONFailure) -> Attribute {
        var key = ""
        var type = ""
        var valuePosition: Int?
        try parseObject { (parser, member) throws(JSONFailure) in
            if parser.reader.matches(member, "key") {
                key = try parser.reader.readString()
            } else if parser.reader.matches(member, "type") || parser.reader.matches(member, "vType") {
                type = try parser.reader.readLowercased(knowing: Self.tagTypes)
            } else if ["value", "vStr", "vBool", "vInt64", "vFloat64", "vBinary"].contains(where: { parser.reader.matches(member, $0) }) {
                // The type may come after the value: read the value once the object is done.
                _ = parser.reader.peek()
                valuePosition = parser.reader.offset
                if type.isEmpty, !parser.reader.matches(member, "value") { type = Self.domainTypes[parser.reader.text(of: member)] ?? "" }
                try parser.reader.skipValue()
            } else {
                try parser.reader.skipValue()
            }
        }
        guard let valuePosition else { return Attribute(key: key, value: .empty) }
        var valueReader = JSONReader(bytes: reader.bytes, offset: valuePosition, strings: reader.strings)
        return Attribute(key: key, value: try JaegerTags.value(&valueReader, type: type))
    }

    private static let tagTypes = ["string", "bool", "int64", "float64", "binary"]

    private static let domainTypes = [
        "vStr": "string", "vBool": "bool", "vInt64": "int64", "vFloat64": "float64", "vBinary": "binary",
    ]
}
