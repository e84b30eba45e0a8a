/// Tick marks for a time axis that starts at zero: steps of 1, 2 or 5 times a power of ten.
public struct TimeAxis: Sendable {
    /// Tick offsets from the start, in nanoseconds.
    public let ticks: [UInt64]

    /// Ticks covering `0...span` with about `target` steps.
    public init(span: UInt64, target: Int = 8) {
        let span = max(span, 1)
        let raw = max(Double(span) / Double(max(target, 1)), 1)
        var magnitude: UInt64 = 1
        while Double(magnitude) * 10 <= raw { magnitude *= 10 }
        let step = [1, 2, 5, 10].lazy.map { magnitude * $0 }.first { Double($0) >= raw } ?? magnitude * 10
        ticks = Array(stride(from: 0, through: span, by: Int(step)).map { UInt64($0) })
    }
}
