import TraceModel

/// Coordinates as SVG text: at most one decimal, no exponent, no "-0".
///
/// A non-finite value, or one beyond ±10¹⁵ (far outside any chart), prints as "NaN", which the RELAX NG schema rejects: a bug in chart
/// arithmetic stops the page from being written instead of producing a broken picture.
public enum SVGNumber {
    public static func format(_ value: Double) -> String {
        guard value.isFinite, value.magnitude < 1e15 else { return "NaN" }
        let tenths = (value * 10).rounded()
        if tenths == 0 { return "0" }
        if tenths.truncatingRemainder(dividingBy: 10) == 0 { return DurationFormat.fixed(tenths / 10, decimals: 0) }
        return DurationFormat.fixed(tenths / 10, decimals: 1)
    }
}
