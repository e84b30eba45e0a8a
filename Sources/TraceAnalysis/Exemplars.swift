public import TraceModel

/// Example calls for a latency distribution: in each band of durations (eight bands to each power
/// of two, so a band is at most 12.5% wide), the slowest call and its trace, ties going to the
/// larger trace id.
///
/// Which call a band keeps depends only on the calls, never on their order, so exemplars of parts
/// of an input merge into exactly the exemplars of the whole: the slowest call overall, and the
/// call nearest any percentile (within a band of it), are the same either way.
public struct Exemplars: Sendable, Equatable {
    /// One call: how long it took, and its trace.
    public struct Call: Sendable, Equatable, Comparable {
        public var durationNano: UInt64
        public var traceID: TraceID

        public init(durationNano: UInt64, traceID: TraceID) {
            self.durationNano = durationNano
            self.traceID = traceID
        }

        public static func < (lhs: Call, rhs: Call) -> Bool { (lhs.durationNano, lhs.traceID) < (rhs.durationNano, rhs.traceID) }
    }

    /// The band of `firstBand + i` is `calls[i]`; a few dozen bands cover most distributions.
    private var firstBand = 0
    private var calls: [Call?] = []

    public init() {}

    /// The band a duration falls in: durations below 8 ns each have their own; above, the power
    /// of two and the next three bits.
    static func band(of duration: UInt64) -> Int {
        guard duration >= 8 else { return Int(duration) }
        let exponent = 63 - duration.leadingZeroBitCount
        return exponent * 8 + Int((duration >> UInt64(exponent - 3)) & 7)
    }

    /// Notes one call.
    public mutating func add(_ call: Call) {
        let band = Self.band(of: call.durationNano)
        if calls.isEmpty {
            firstBand = band
            calls = [call]
            return
        }
        if band < firstBand {
            calls.insert(contentsOf: repeatElement(nil, count: firstBand - band), at: 0)
            firstBand = band
        } else if band - firstBand >= calls.count {
            calls.append(contentsOf: repeatElement(nil, count: band - firstBand - calls.count + 1))
        }
        if let kept = calls[band - firstBand], kept >= call { return }
        calls[band - firstBand] = call
    }

    /// Adds every call another set of exemplars keeps.
    public mutating func merge(_ other: Exemplars) {
        for case let call? in other.calls { add(call) }
    }

    /// The slowest call of all.
    public var slowest: Call? { calls.last ?? nil }

    /// The kept call nearest `target`, ties going to the smaller trace id.
    public func nearest(to target: UInt64) -> Call? {
        calls.lazy.compactMap { $0 }.min {
            (distance($0.durationNano, target), $0.traceID) < (distance($1.durationNano, target), $1.traceID)
        }
    }

    /// The calls kept, fastest first.
    public var kept: [Call] { calls.compactMap { $0 } }

    private func distance(_ a: UInt64, _ b: UInt64) -> UInt64 { a > b ? a - b : b - a }
}
