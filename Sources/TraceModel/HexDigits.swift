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
        if let parsed = digits.withContiguousStorageIfAvailable({ parse(buffer: $0) }) { return parsed }
        return Array(digits).withUnsafeBufferPointer { parse(buffer: $0) }
    }

    /// `parse` over contiguous bytes (ids on the decoders' hot path): sixteen digits are read as
    /// two 64-bit words and checked and converted eight at a time.
    @inlinable
    public static func parse(buffer digits: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard digits.count == 16, let base = digits.baseAddress else {
            var result: UInt64 = 0
            for byte in digits {
                guard let digit = value(of: byte) else { return nil }
                result = result << 4 | UInt64(digit)
            }
            return result
        }
        let raw = UnsafeRawPointer(base)
        guard let high = parseEight(UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))),
            let low = parseEight(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        else { return nil }
        return high << 32 | low
    }

    /// Eight ASCII hex digits, the first in the lowest byte, as a 32-bit value; nil unless every
    /// byte is a hex digit. Each byte is checked against the ranges 0-9 and a-f (upper case folded)
    /// by adding offsets that set its top bit exactly when it lies at or above a bound, and the
    /// nibbles are then gathered pairwise.
    @inlinable
    static func parseEight(_ word: UInt64) -> UInt64? {
        let tops: UInt64 = 0x8080_8080_8080_8080
        guard word & tops == 0 else { return nil }
        let folded = word | 0x2020_2020_2020_2020
        let digit = (word &+ 0x5050_5050_5050_5050) & ~(word &+ 0x4646_4646_4646_4646) & tops
        let letter = (folded &+ 0x1F1F_1F1F_1F1F_1F1F) & ~(folded &+ 0x1919_1919_1919_1919) & tops
        guard digit | letter == tops else { return nil }
        let values = (folded & 0x0F0F_0F0F_0F0F_0F0F) &+ (letter >> 7) &* 9
        let pairs = (values & 0x00FF_00FF_00FF_00FF) << 4 | (values >> 8) & 0x00FF_00FF_00FF_00FF
        let quads = (pairs & 0x0000_FFFF_0000_FFFF) << 8 | (pairs >> 16) & 0x0000_FFFF_0000_FFFF
        return (quads & 0xFFFF_FFFF) << 16 | quads >> 32
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
