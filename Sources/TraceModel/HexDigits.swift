/// Hex digit conversions shared by the id types.
public enum HexDigits {
    /// The value of one ASCII hex digit of either case, or nil.
    @inlinable
    public static func value(of byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte &- UInt8(ascii: "A") &+ 10
        default: nil
        }
    }

    /// Parses up to 16 hex digits into an integer; nil if any byte is not a hex digit.
    @inlinable
    public static func parse(_ digits: some Collection<UInt8>) -> UInt64? {
        var result: UInt64 = 0
        for byte in digits {
            guard let digit = value(of: byte) else { return nil }
            result = result << 4 | UInt64(digit)
        }
        return result
    }

    /// Exactly 16 lower-case hex digits.
    public static func format(_ value: UInt64) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: 16) { buffer in
            for index in 0..<16 {
                buffer[index] = digits[Int(value >> UInt64(60 - 4 * index) & 0xF)]
            }
            return 16
        }
    }
}
