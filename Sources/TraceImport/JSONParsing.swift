/// What the schema-directed JSON decoders share: a reader, and loops over arrays and objects.
protocol JSONParsing {
    var reader: JSONReader { get set }
}

extension JSONParsing {
    /// Calls `element` for each element of an array; `null` counts as empty.
    mutating func parseArray(_ element: (inout Self) throws(JSONFailure) -> Void) throws(JSONFailure) {
        if try reader.consumeNull() { return }
        try reader.beginArray()
        var first = true
        while try reader.nextElement(first: &first) {
            try element(&self)
        }
    }

    /// Calls `member` with each member name of an object; `member` must consume the value.
    /// `null` counts as an empty object.
    mutating func parseObject(_ member: (inout Self, JSONReader.Key) throws(JSONFailure) -> Void) throws(JSONFailure) {
        if try reader.consumeNull() { return }
        try reader.beginObject()
        var first = true
        while let key = try reader.nextKey(first: &first) {
            try member(&self, key)
        }
    }

    /// The value `parse` decodes from the value that comes next, or the one it decoded before
    /// from the same text, which is then stepped over (see `RecurringObjects`).
    mutating func recurring<Value>(
        _ cache: RecurringObjects<Value>, parse: (inout Self) throws(JSONFailure) -> Value
    ) throws(JSONFailure) -> Value {
        _ = reader.peek()
        let start = reader.offset
        let rest = reader.text(start..<reader.bytes.count)
        if let known = cache.value(atStartOf: rest) {
            reader.offset = start + known.length
            return known.value
        }
        let value = try parse(&self)
        cache.insert(value, for: reader.text(start..<reader.offset))
        return value
    }
}
