/// A typed attribute value, as OpenTelemetry's `AnyValue`.
public enum AttributeValue: Sendable {
    case string(String)
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case bytes([UInt8])
    case array([AttributeValue])
    case keyValueList([Attribute])
    /// A value that was present but held nothing (`{}` in OTLP JSON).
    case empty
}

extension AttributeValue: Equatable {
    /// Doubles compare by bit pattern, so that two copies of a span holding NaN are still equal.
    public static func == (lhs: AttributeValue, rhs: AttributeValue) -> Bool {
        switch (lhs, rhs) {
        case let (.string(a), .string(b)): a == b
        case let (.bool(a), .bool(b)): a == b
        case let (.int(a), .int(b)): a == b
        case let (.double(a), .double(b)): a.bitPattern == b.bitPattern
        case let (.bytes(a), .bytes(b)): a == b
        case let (.array(a), .array(b)): a == b
        case let (.keyValueList(a), .keyValueList(b)): a == b
        case (.empty, .empty): true
        default: false
        }
    }
}

/// One key and its value.
public struct Attribute: Equatable, Sendable {
    public var key: String
    public var value: AttributeValue

    public init(key: String, value: AttributeValue) {
        self.key = key
        self.value = value
    }
}

extension AttributeValue: CustomStringConvertible {
    /// The value as a reader sees it: strings bare, bytes in hex, arrays and lists in brackets.
    public var description: String {
        switch self {
        case .string(let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .int(let number): String(number)
        case .double(let number): String(number)
        case .bytes(let bytes):
            "0x"
                + bytes.map { byte in
                    let digits = String(byte, radix: 16)
                    return byte < 16 ? "0" + digits : digits
                }.joined()
        case .array(let values): "[" + values.map(\.quotedDescription).joined(separator: ", ") + "]"
        case .keyValueList(let pairs):
            "{" + pairs.map { "\($0.key): \($0.value.quotedDescription)" }.joined(separator: ", ") + "}"
        case .empty: ""
        }
    }

    /// Like `description`, with strings quoted so that they read apart inside a list.
    private var quotedDescription: String {
        if case .string(let text) = self { return "\"" + text + "\"" }
        return description
    }
}

extension Array where Element == Attribute {
    /// The value of the first attribute with this key.
    public subscript(key key: String) -> AttributeValue? {
        first { $0.key == key }?.value
    }
}
