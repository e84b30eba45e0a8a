/// A 128-bit trace identifier, stored as two fixed-width integers (most significant half first).
public struct TraceID: Hashable, Comparable, Sendable {
    /// The most significant 64 bits.
    public var high: UInt64
    /// The least significant 64 bits.
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Builds an id from 16 big-endian bytes. Inlinable, so that callers get it specialized: the
    /// generic form cost the protobuf decoder more than the rest of a span.
    @inlinable
    public init(bytes: some Collection<UInt8>) {
        precondition(bytes.count == 16, "a trace id has 16 bytes")
        var (high, low): (UInt64, UInt64) = (0, 0)
        var index = 0
        for byte in bytes {
            if index < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt64(byte) }
            index += 1
        }
        self.init(high: high, low: low)
    }

    /// Parses 32 hex digits (either case), or 16 for a 64-bit id; nil otherwise.
    public init?(hex: some StringProtocol) {
        self.init(hexDigits: Array(hex.utf8))
    }

    /// Parses 32 ASCII hex digits (either case), or 16 for a 64-bit id; nil otherwise.
    @inlinable
    public init?<Digits: Collection<UInt8>>(hexDigits digits: Digits) {
        let parsed =
            digits.withContiguousStorageIfAvailable { TraceID(hexBuffer: $0) }
            ?? Array(digits).withUnsafeBufferPointer { TraceID(hexBuffer: $0) }
        guard let parsed else { return nil }
        self = parsed
    }

    /// `init(hexDigits:)` over contiguous bytes, the decoders' hot path.
    @inlinable
    public init?(hexBuffer digits: UnsafeBufferPointer<UInt8>) {
        switch digits.count {
        case 32:
            guard let high = HexDigits.parse(buffer: UnsafeBufferPointer(rebasing: digits[..<16])),
                let low = HexDigits.parse(buffer: UnsafeBufferPointer(rebasing: digits[16...]))
            else { return nil }
            self.init(high: high, low: low)
        case 16:
            guard let low = HexDigits.parse(buffer: digits) else { return nil }
            self.init(high: 0, low: low)
        default:
            return nil
        }
    }

    /// True when every bit is zero, which OpenTelemetry defines as an invalid id.
    public var isZero: Bool { high == 0 && low == 0 }

    /// 32 lower-case hex digits.
    public var hex: String { HexDigits.format(high) + HexDigits.format(low) }

    public static func < (lhs: TraceID, rhs: TraceID) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}

extension TraceID: CustomStringConvertible {
    public var description: String { hex }
}
