/// Where the bulk of some values lies, so that a few far-off ones (a trace dated 1970 in a night
/// of 2026) are drawn apart instead of squeezing every other value into one corner.
public enum OutlierFence {
    /// The values kept: those within three times the spread of the middle 80% (at least `least`)
    /// of the quartiles. Below ten values every value is kept. Returns the bounds of that fence.
    /// - Parameter sorted: the values, in increasing order.
    public static func keptRange(_ sorted: [Double], least: Double) -> ClosedRange<Double> {
        guard let first = sorted.first, let last = sorted.last else { return 0...0 }
        let count = sorted.count
        let spread = max(sorted[count * 9 / 10] - sorted[count / 10], least)
        let reach = 3 * spread
        return max(first, sorted[count / 4] - reach)...min(last, sorted[count * 3 / 4] + reach)
    }
}
