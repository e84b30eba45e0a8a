/// Durations in human units: "850 ns", "12.3 µs", "4.56 ms", "1.2 s", "2 min 5 s".
public enum DurationFormat {
    /// `nanoseconds` with three significant digits in the largest fitting unit.
    public static func string(nanoseconds: UInt64) -> String {
        let value = Double(nanoseconds)
        if nanoseconds < 1_000 { return "\(nanoseconds) ns" }
        // A value that rounds up to 1000 of one unit is shown as 1 of the next: "1 ms", not "1000 µs".
        if value / 1e3 < 999.5 { return significant(value / 1e3) + " µs" }
        if value / 1e6 < 999.5 { return significant(value / 1e6) + " ms" }
        if value / 1e9 < 59.95 { return significant(value / 1e9) + " s" }
        let seconds = nanoseconds.saturatingAdding(500_000_000) / 1_000_000_000
        let (minutes, rest) = seconds.quotientAndRemainder(dividingBy: 60)
        if minutes >= 60 {
            let (hours, minutesLeft) = minutes.quotientAndRemainder(dividingBy: 60)
            return "\(hours) h \(minutesLeft) min"
        }
        return rest == 0 ? "\(minutes) min" : "\(minutes) min \(rest) s"
    }

    /// The offset of `time` from `origin`, signed: "+3 ms", "+0 ns", or "−3 ms" (with a minus
    /// sign) for a time before its origin, such as an event logged by a clock behind its span's.
    public static func offset(of time: UInt64, from origin: UInt64) -> String {
        time >= origin ? "+" + string(nanoseconds: time - origin) : "\u{2212}" + string(nanoseconds: origin - time)
    }

    /// 1 to 3 significant digits for a value in [1, 1000): "1.23", "12.3", "123".
    public static func significant(_ value: Double) -> String {
        // Trailing zeros of the fraction are not written: "1.50" -> "1.5", "2.00" -> "2".
        format(value, decimals: value < 10 ? 2 : value < 100 ? 1 : 0, trimmingZeros: true)
    }

    /// `value` with exactly `decimals` fraction digits, never in exponent notation.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        format(value, decimals: decimals, trimmingZeros: false)
    }

    /// The digits of `value` rounded half away from zero to `decimals` places, written into one
    /// buffer (these run for every figure on every page).
    private static func format(_ value: Double, decimals: Int, trimmingZeros: Bool) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = value * scale
        guard scaled.isFinite, scaled.magnitude < 9e18 else { return value.isNaN ? "NaN" : "\(value)" }
        // By hand: Int64 conversion truncates (and needs no libm).
        let whole = Int64(scaled + (scaled < 0 ? -0.5 : 0.5))
        var magnitude = whole.magnitude
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { digits in
            // Digits, least significant first, at least one more than the decimals.
            var count = 0
            repeat {
                digits[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0 || count <= decimals
            // The fraction's last digits come first: zeros there are dropped when trimming.
            var trimmed = 0
            if trimmingZeros {
                while trimmed < decimals, digits[trimmed] == UInt8(ascii: "0") { trimmed += 1 }
            }
            let length = (whole < 0 ? 1 : 0) + count - trimmed + (trimmed < decimals ? 1 : 0)
            return String(unsafeUninitializedCapacity: length) { out in
                var position = 0
                func write(_ byte: UInt8) {
                    out[position] = byte
                    position += 1
                }
                if whole < 0 { write(UInt8(ascii: "-")) }
                for index in stride(from: count - 1, through: decimals, by: -1) { write(digits[index]) }
                if trimmed < decimals {
                    write(UInt8(ascii: "."))
                    for index in stride(from: decimals - 1, through: trimmed, by: -1) { write(digits[index]) }
                }
                return position
            }
        }
    }

    /// Nanoseconds for a duration written with a unit, as Go and most tools print them:
    /// "100000ns", "250us", "250µs", "1.5ms", "2s", "1m", "1h"; nil when malformed or negative.
    public static func nanoseconds(parsing text: String) -> UInt64? {
        let units: [(String, Double)] = [("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let value = Double(text.dropLast(suffix.count)), value >= 0, value * scale < 1.8e19 else { return nil }
            return UInt64(value * scale + 0.5)
        }
        return nil
    }
}
