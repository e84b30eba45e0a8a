import TraceModel

/// Attributes, ids, enums and counts of OTLP/JSON.
extension OTLPJSONParser {
    /// A `KeyValue` list.
    mutating func parseAttributes(depth: Int) throws(JSONFailure) -> [Attribute] {
        if try reader.consumeNull() { return [] }
        try reader.beginArray()
        let stack = caches.attributes
        let base = stack.count
        var first = true
        do {
            while try reader.nextElement(first: &first) {
                _ = reader.peek()
                if let attribute = parseCompactKeyValue() {
                    stack.push(attribute)
                } else if let attribute = try tolerating(
                    "attribute dropped", dropsRecord: true,
                    { (parser) throws(JSONFailure) in
                        try parser.parseKeyValue(depth: depth)
                    })
                {
                    stack.push(attribute)
                }
            }
        } catch {
            stack.drop(from: base)
            throw error
        }
        return stack.take(from: base)
    }

    /// The common spelling of a scalar attribute, as exporters write it without whitespace:
    /// `{"key":"…","value":{"stringValue":"…"}}` (or `intValue`, `boolValue`, `doubleValue`).
    /// Anything else, a fault included, rewinds and returns nil for the general parse: the result
    /// is the same, only found with fewer steps.
    private mutating func parseCompactKeyValue() -> Attribute? {
        let start = reader.offset
        guard reader.consume(#"{"key":"#), let key = try? reader.readString(), reader.consume(#","value":{"#) else {
            reader.offset = start
            return nil
        }
        let read: AttributeValue?
        if reader.consume(#""stringValue":"#) {
            read = (try? reader.readString()).map { .string($0) }
        } else if reader.consume(#""intValue":"#) {
            read = (try? reader.readInt64("intValue")).map { .int($0) }
        } else if reader.consume(#""boolValue":"#) {
            read = (try? reader.readBool("boolValue")).map { .bool($0) }
        } else if reader.consume(#""doubleValue":"#) {
            read = (try? reader.readDouble("doubleValue")).map { .double($0) }
        } else {
            read = nil
        }
        guard let value = read else {
            reader.offset = start
            return nil
        }
        guard reader.consume("}}") else {
            reader.offset = start
            return nil
        }
        return Attribute(key: key, value: value)
    }

    private mutating func parseKeyValue(depth: Int) throws(JSONFailure) -> Attribute {
        var attribute = Attribute(key: "", value: .empty)
        try reader.beginObject()
        var first = true
        while let key = try reader.nextKey(first: &first) {
            if try reader.consumeNull() { continue }
            if reader.matches(key, "key") {
                attribute.key = try reader.readString()
            } else if reader.matches(key, "value") {
                attribute.value = try parseAnyValue(depth: depth)
            } else {
                try reader.skipValue()
            }
        }
        return attribute
    }

    /// An `AnyValue` object; nesting deeper than `maximumValueDepth` is rejected.
    private mutating func parseAnyValue(depth: Int) throws(JSONFailure) -> AttributeValue {
        guard depth < OTLPJSONDecoder.maximumValueDepth else {
            throw reader.failure(
                "attribute value nested deeper than \(OTLPJSONDecoder.maximumValueDepth) levels")
        }
        var value = AttributeValue.empty
        try reader.beginObject()
        var first = true
        while let key = try reader.nextKey(first: &first) {
            if try reader.consumeNull() { continue }
            if reader.matches(key, "stringValue") {
                value = .string(try reader.readString())
            } else if reader.matches(key, "intValue") {
                value = .int(try reader.readInt64("intValue"))
            } else if reader.matches(key, "doubleValue") {
                value = .double(try reader.readDouble("doubleValue"))
            } else if reader.matches(key, "boolValue") {
                value = .bool(try reader.readBool("boolValue"))
            } else if reader.matches(key, "bytesValue") {
                let position = reader.offset
                guard let bytes = try reader.withStringBytes({ Base64.decode($0) }) else {
                    throw reader.failure("bytesValue is not base64", at: position)
                }
                value = .bytes(bytes)
            } else if reader.matches(key, "arrayValue") {
                value = .array(try parseArrayValue(depth: depth + 1))
            } else if reader.matches(key, "kvlistValue") {
                value = .keyValueList(try parseKeyValueList(depth: depth + 1))
            } else {
                try reader.skipValue()
            }
        }
        return value
    }

    /// `{"values": [AnyValue...]}`.
    private mutating func parseArrayValue(depth: Int) throws(JSONFailure) -> [AttributeValue] {
        var values: [AttributeValue] = []
        try reader.beginObject()
        var first = true
        while let key = try reader.nextKey(first: &first) {
            if reader.matches(key, "values"), !(try reader.consumeNull()) {
                try reader.beginArray()
                var firstElement = true
                while try reader.nextElement(first: &firstElement) {
                    values.append(try parseAnyValue(depth: depth))
                }
            } else {
                try reader.skipValue()
            }
        }
        return values
    }

    /// `{"values": [KeyValue...]}`.
    private mutating func parseKeyValueList(depth: Int) throws(JSONFailure) -> [Attribute] {
        var pairs: [Attribute] = []
        try reader.beginObject()
        var first = true
        while let key = try reader.nextKey(first: &first) {
            if reader.matches(key, "values") {
                pairs = try parseAttributes(depth: depth)
            } else {
                try reader.skipValue()
            }
        }
        return pairs
    }

    mutating func readTraceID(_ field: String) throws(JSONFailure) -> TraceID {
        let position = reader.offset
        if let (high, low) = reader.readHexID(wordPairs: 2) {
            let id = TraceID(high: high, low: low)
            guard !id.isZero else { throw reader.failure("invalid \(field): all zeros", at: position) }
            return id
        }
        // The id text is quoted for the message only when it is rejected: ids are on the hot path.
        let parsed = try reader.withStringBytes { text -> Result<TraceID, IDRejection> in
            guard let id = IDDecoding.traceID(text) else { return .failure(IDRejection(quoted: IDDecoding.quoted(text))) }
            return .success(id)
        }
        switch parsed {
        case .failure(let rejection):
            throw reader.failure(
                "invalid \(field) \(rejection.quoted): expected 32 hex digits or base64 of 16 bytes", at: position)
        case .success(let id):
            guard !id.isZero else { throw reader.failure("invalid \(field): all zeros", at: position) }
            return id
        }
    }

    /// A span id; with `allowEmpty`, "" (and all zeros) mean "no parent" and give nil.
    mutating func readSpanID(_ field: String, allowEmpty: Bool) throws(JSONFailure) -> SpanID? {
        let position = reader.offset
        if let (_, value) = reader.readHexID(wordPairs: 1), value != 0 { return SpanID(value) }
        let parsed = try reader.withStringBytes { text -> Result<SpanID, IDRejection> in
            if text.isEmpty { return .success(SpanID(0)) }
            guard let id = IDDecoding.spanID(text) else { return .failure(IDRejection(quoted: IDDecoding.quoted(text))) }
            return .success(id)
        }
        switch parsed {
        case .failure(let rejection):
            throw reader.failure(
                "invalid \(field) \(rejection.quoted): expected 16 hex digits or base64 of 8 bytes", at: position)
        case .success(let id) where id.isZero:
            guard allowEmpty else { throw reader.failure("invalid \(field): empty or all zeros", at: position) }
            return nil
        case .success(let id):
            return id
        }
    }

    private static let kindNames: [(StaticString, SpanKind)] = [
        ("SPAN_KIND_UNSPECIFIED", .unspecified), ("SPAN_KIND_INTERNAL", .internal),
        ("SPAN_KIND_SERVER", .server), ("SPAN_KIND_CLIENT", .client),
        ("SPAN_KIND_PRODUCER", .producer), ("SPAN_KIND_CONSUMER", .consumer),
    ]

    private static let statusNames: [(StaticString, SpanStatus.Code)] = [
        ("STATUS_CODE_UNSET", .unset), ("STATUS_CODE_OK", .ok), ("STATUS_CODE_ERROR", .error),
    ]

    mutating func readKind() throws(JSONFailure) -> SpanKind {
        try readEnum("kind", names: Self.kindNames) { SpanKind(rawValue: $0) }
    }

    mutating func readStatusCode() throws(JSONFailure) -> SpanStatus.Code {
        try readEnum("status code", names: Self.statusNames) { SpanStatus.Code(rawValue: $0) }
    }

    /// An enum written as its number or as its proto name; anything else is rejected.
    private mutating func readEnum<Value>(
        _ field: String, names: [(StaticString, Value)], byNumber: (UInt8) -> Value?
    ) throws(JSONFailure) -> Value {
        let position = reader.offset
        if reader.peek() == UInt8(ascii: "\"") {
            let match = try reader.withStringBytes { text -> Value? in
                let entry = names.first { name, _ in
                    text.count == name.utf8CodeUnitCount && sameBytes(text.baseAddress!, name.utf8Start, text.count)
                }
                return entry?.1
            }
            guard let match else {
                var copy = JSONReader(bytes: reader.bytes, offset: position)
                let text = (try? copy.readString()) ?? ""
                throw reader.failure(
                    "unknown \(field) \"\(text.prefix(40))\"; expected a number or one of "
                        + names.map { "\($0.0)" }.joined(separator: ", "), at: position)
            }
            return match
        }
        let number = try reader.readInt64(field)
        guard number >= 0, number <= 255, let value = byNumber(UInt8(number)) else {
            throw reader.failure("unknown \(field) \(number)", at: position)
        }
        return value
    }

    /// A uint32 count or flags field.
    mutating func readCount(_ field: String) throws(JSONFailure) -> UInt32 {
        let position = reader.offset
        let number = try reader.readInt64(field)
        guard number >= 0, number <= Int64(UInt32.max) else {
            throw reader.failure("\(field) must be an unsigned 32-bit integer, not \(number)", at: position)
        }
        return UInt32(number)
    }
}

/// An id that is neither hex nor base64, quoted for the error message.
struct IDRejection: Error {
    let quoted: String
}
