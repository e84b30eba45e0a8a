/// The sizes time buckets may take: a ladder of round durations, each a whole multiple of the one
/// below, so buckets of any rung add up exactly into buckets of any rung above it. That is what
/// lets parts of an input be counted apart, each at the rung its own times need, and merged into
/// exactly what one count of the whole gives.
///
/// By default the ladder runs 1 ms, 2 ms, 10 ms, 20 ms, 100 ms, 200 ms, 1 s, 2 s, 10 s, 30 s,
/// 1 min, 5 min, 10 min, 30 min, 1 h, 6 h, 1 day, then doubles (no step above 6×, so a chart of at
/// most 300 buckets has at least 50 once its times span 50 ms). With a size asked for, the ladder
/// is that size, then doubles.
public struct BucketGrid: Sendable, Hashable {
    /// The size asked for (`--bucket`), or nil for the round ladder.
    public let requestedNano: UInt64?

    /// - Parameter requestedNano: a bucket size asked for, at least 1 ms (smaller is taken as 1 ms).
    public init(requestedNano: UInt64? = nil) {
        self.requestedNano = requestedNano.map { max($0, Self.millisecond) }
    }

    private static let millisecond: UInt64 = 1_000_000
    private static let round: [UInt64] = {
        let (ms, s, min, h): (UInt64, UInt64, UInt64, UInt64) = (1_000_000, 1_000_000_000, 60_000_000_000, 3_600_000_000_000)
        return [1, 2, 10, 20, 100, 200].map { $0 * ms } + [1, 2, 10, 30].map { $0 * s } + [1, 5, 10, 30].map { $0 * min }
            + [1, 6, 24].map { $0 * h }
    }()

    /// The highest rung: its buckets hold any two times (it is at least 2^63 ns).
    public var topRung: Int {
        var rung = 0
        while size(ofRung: rung) < 1 << 63 { rung += 1 }
        return rung
    }

    /// The bucket size of `rung` (0 is the smallest), in nanoseconds; past the top rung, the top's.
    public func size(ofRung rung: Int) -> UInt64 {
        let (base, doublings): (UInt64, Int) =
            if let requestedNano { (requestedNano, rung) } else if rung < Self.round.count { (Self.round[rung], 0) } else {
                (Self.round[Self.round.count - 1], rung - Self.round.count + 1)
            }
        var size = base
        for _ in 0..<max(0, doublings) {
            guard size < 1 << 63 else { break }
            size *= 2
        }
        return size
    }

    /// The lowest rung at or above `lowest` whose buckets cover `first...last` in at most `limit`.
    public func rung(covering first: UInt64, _ last: UInt64, inAtMost limit: Int, from lowest: Int = 0) -> Int {
        var rung = max(0, lowest)
        let top = topRung
        while rung < top {
            let size = size(ofRung: rung)
            if last / size - first / size < UInt64(max(1, limit)) { break }
            rung += 1
        }
        return rung
    }
}
