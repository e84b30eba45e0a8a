/// A 64-bit span identifier.
public struct SpanID: Hashable, Comparable, Sendable {
    /// The id as a big-endian integer.
    public var value: UInt64

    public init(_ value: UInt64) {
        self.value = value
    }

    /// Builds an id from 8 big-endian bytes (inlinable, as `TraceID.init(bytes:)`).
    @inlinable
    public init(bytes: some Collection<UInt8>) {
        precondition(bytes.count == 8, "a span id has 8 bytes")
        var value: UInt64 = 0
        for byte in bytes { value = value << 8 | UInt64(byte) }
        self.init(value)
    }

    /// Parses 16 hex digits (either case); nil otherwise.
    public init?(hex: some StringProtocol) {
        self.init(hexDigits: Array(hex.utf8))
    }

    /// Parses 16 ASCII hex digits (either case); nil otherwise.
    @inlinable
    public init?(hexDigits digits: some Collection<UInt8>) {
        guard digits.count == 16, let value = HexDigits.parse(digits) else { return nil }
        self.init(value)
    }

    /// True when every bit is zero, which OpenTelemetry defines as an invalid id.
    public var isZero: Bool { value == 0 }

    /// 16 lower-case hex digits.
    public var hex: String { HexDigits.format(value) }

    public static func < (lhs: SpanID, rhs: SpanID) -> Bool { lhs.value < rhs.value }
}

extension SpanID: CustomStringConvertible {
    public var description: String { hex }
}
