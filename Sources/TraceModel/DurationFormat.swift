/// Durations in human units: "850 ns", "12.3 µs", "4.56 ms", "1.2 s", "2 min 5 s".
public enum DurationFormat {
    /// `nanoseconds` with three significant digits in the largest fitting unit.
    public static func string(nanoseconds: UInt64) -> String {
        let value = Double(nanoseconds)
        if nanoseconds < 1_000 { return "\(nanoseconds) ns" }
        // A value that rounds up to 1000 of one unit is shown as 1 of the next: "1 ms", not "1000 µs".
        for (scale, unit, limit) in [(1e3, "µs", 999.5), (1e6, "ms", 999.5), (1e9, "s", 59.95)] where value / scale < limit {
            return significant(value / scale) + " " + unit
        }
        let seconds = (nanoseconds + 500_000_000) / 1_000_000_000
        let (minutes, rest) = seconds.quotientAndRemainder(dividingBy: 60)
        if minutes >= 60 {
            let (hours, minutesLeft) = minutes.quotientAndRemainder(dividingBy: 60)
            return "\(hours) h \(minutesLeft) min"
        }
        return rest == 0 ? "\(minutes) min" : "\(minutes) min \(rest) s"
    }

    /// 1 to 3 significant digits for a value in [1, 1000): "1.23", "12.3", "123".
    public static func significant(_ value: Double) -> String {
        let decimals = value < 10 ? 2 : value < 100 ? 1 : 0
        var text = fixed(value, decimals: decimals)
        // Trim trailing zeros of the fraction: "1.50" -> "1.5", "2.00" -> "2".
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// `value` with exactly `decimals` fraction digits, never in exponent notation.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = value * scale
        guard scaled.isFinite, scaled.magnitude < 9e18 else { return value.isNaN ? "NaN" : "\(value)" }
        // Half away from zero, by hand: Int64 conversion truncates (and needs no libm).
        let whole = Int64(scaled + (scaled < 0 ? -0.5 : 0.5))
        let sign = whole < 0 ? "-" : ""
        let digits = String(whole.magnitude)
        guard decimals > 0 else { return sign + digits }
        let padded = String(repeating: "0", count: max(0, decimals + 1 - digits.count)) + digits
        return sign + padded.dropLast(decimals) + "." + padded.suffix(decimals)
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
