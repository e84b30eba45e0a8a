/// Arithmetic that stops at the bounds instead of trapping, for values that come from input files:
/// a time, duration or count read from a file may be anything its type holds (0, 2^64−1, an end
/// before its start), and one odd value must never end a run.
extension FixedWidthInteger {
    /// `self + other`, or the nearest bound when the sum does not fit.
    @inlinable
    public func saturatingAdding(_ other: Self) -> Self {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other < 0 ? .min : .max
    }

    /// `self - other`, or the nearest bound when the difference does not fit (0 for unsigned
    /// types when `other` is larger).
    @inlinable
    public func saturatingSubtracting(_ other: Self) -> Self {
        let (difference, overflow) = subtractingReportingOverflow(other)
        guard overflow else { return difference }
        return other < 0 ? .max : .min
    }

    /// `self * other`, or the nearest bound when the product does not fit.
    @inlinable
    public func saturatingMultiplied(by other: Self) -> Self {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        guard overflow else { return product }
        return (self < 0) != (other < 0) ? .min : .max
    }

    /// `value` rounded toward zero, or the nearest bound when it does not fit; 0 for NaN.
    @inlinable
    public init(saturating value: Double) {
        if value.isNaN {
            self = 0
        } else if value <= Double(Self.min) {
            self = .min
        } else if value >= Double(Self.max) {
            // Double(Self.max) rounds up to a power of two that the type cannot hold.
            self = .max
        } else {
            self = Self(value)
        }
    }
}

extension Sequence where Element: FixedWidthInteger {
    /// The sum of the elements, stopping at the type's bounds instead of trapping.
    @inlinable
    public func saturatingSum() -> Element {
        reduce(0) { $0.saturatingAdding($1) }
    }
}
