/// Tick marks for a time axis that starts at zero: steps of 1, 2 or 5 times a power of ten.
public struct TimeAxis: Sendable {
    /// Tick offsets from the start, in nanoseconds.
    public let ticks: [UInt64]

    /// Ticks covering `0...span` with about `target` steps (any span, up to 2^64−1 ns).
    public init(span: UInt64, target: Int = 8) {
        let span = max(span, 1)
        let raw = max(Double(span) / Double(max(target, 1)), 1)
        var magnitude: UInt64 = 1
        while Double(magnitude) * 10 <= raw { magnitude *= 10 }
        // magnitude ≤ 10^18, so every candidate step fits in 64 bits.
        let step = [1, 2, 5, 10].lazy.map { magnitude * $0 }.first { Double($0) >= raw } ?? magnitude * 10
        var ticks: [UInt64] = [0]
        while case (let next, false) = ticks[ticks.count - 1].addingReportingOverflow(step), next <= span {
            ticks.append(next)
        }
        self.ticks = ticks
    }
}
