import TraceModel

/// How high the trace ids of some traces reach in the bits that ratio samplers compare with
/// their bound, from which the share a sampler kept can be told without any declaration: the
/// ids of traces kept with chance p all lie below p of that range, unsampled ids fill it.
/// OpenTelemetry's `TraceIdRatioBased` keeps an id whose low 64 bits are below p × 2^64 (Go,
/// Python) or whose low 64 bits as a signed number have a magnitude below p × (2^63 − 1)
/// (Java); Jaeger's probabilistic sampler masks the top bit and keeps the low 63 below p × 2^63.
public struct TraceIDSpread: Sendable, Equatable, Codable {
    public var traces = 0
    public var highestLow: UInt64 = 0
    public var highestLow63: UInt64 = 0
    public var highestMagnitude: UInt64 = 0

    public init() {}

    /// Fewer traces than this say too little of their ids' range.
    static let tracesMinimum = 20
    /// Below this share the ids were counted up rather than drawn (or the traces were made by hand).
    static let lowestBelievable = 0.001

    mutating func add(_ id: TraceID) {
        traces = traces.saturatingAdding(1)
        highestLow = max(highestLow, id.low)
        highestLow63 = max(highestLow63, id.low & (UInt64.max >> 1))
        highestMagnitude = max(highestMagnitude, Int64(bitPattern: id.low).magnitude)
    }

    mutating func merge(_ other: TraceIDSpread) {
        traces = traces.saturatingAdding(other.traces)
        highestLow = max(highestLow, other.highestLow)
        highestLow63 = max(highestLow63, other.highestLow63)
        highestMagnitude = max(highestMagnitude, other.highestMagnitude)
    }

    /// Whether the fields could come from `add`: the masked and signed maxima fit in 63 bits.
    var isPossible: Bool { traces >= 0 && highestLow63 <= UInt64.max >> 1 && highestMagnitude <= 1 << 63 }

    /// The share of traces a ratio sampler kept, when the ids show one: the highest id of the
    /// three schemes' ranges, as a share of it, scaled by (n + 1)/n (the highest of n uniform
    /// draws below p averages p·n/(n + 1)). Nil unless so many ids this low would come from
    /// unsampled ids less than once in 10,000 runs.
    public var estimatedProbability: Double? {
        guard traces >= Self.tracesMinimum else { return nil }
        let highest = min(Double(highestLow) / 0x1p64, Double(highestLow63) / 0x1p63, Double(highestMagnitude) / 0x1p63)
        var chance = 1.0
        for _ in 0..<traces {
            chance *= highest
            if chance < 0.0001 { break }
        }
        let estimate = highest * Double(traces + 1) / Double(traces)
        guard chance < 0.0001, estimate >= Self.lowestBelievable else { return nil }
        return min(1, estimate)
    }
}
