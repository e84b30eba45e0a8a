import TraceModel

/// Requests, errors and latency over time (rate, errors, duration: RED) for the whole input, each
/// entry point, each service and each caller → callee edge, counted in time buckets.
///
/// Buckets are as small as `BucketGrid` allows while the spans counted start in at most
/// `tallyLimit` distinct buckets; past that, every series moves up a rung at once (buckets merge
/// exactly). A count
/// of some traces merges with a count of others into exactly the count of all of them, whatever
/// rung each part reached: the rung of a union is the lowest that holds the union's times, and
/// every part's rung is at or below it. Charts take coarser buckets still (`series(of:)`).
public struct Timeline: Sendable, Equatable {
    /// What a series counts.
    public enum Subject: Sendable, Hashable, Comparable {
        /// Every request: the root span of every trace.
        case all
        /// The requests of one entry point: root spans by service and operation.
        case entryPoint(ServiceGraph.OperationKey)
        /// The requests a service served: its server, consumer and root spans.
        case service(String)
        /// The calls from one service to another (or to a dependency named from the caller).
        case edge(caller: String, callee: String)

        private var order: (Int, String, String) {
            switch self {
            case .all: (0, "", "")
            case .entryPoint(let key): (1, key.service, key.operation)
            case .service(let name): (2, name, "")
            case .edge(let caller, let callee): (3, caller, callee)
            }
        }

        public static func < (lhs: Subject, rhs: Subject) -> Bool { lhs.order < rhs.order }
    }

    /// What one bucket of one series holds.
    public struct Bucket: Sendable, Equatable {
        public internal(set) var errors: UInt64 = 0
        public internal(set) var latency = CoarseLatency()

        /// One latency a request: their count is the requests'.
        public var requests: UInt64 { latency.count }

        public init() {}

        mutating func add(_ durationNano: UInt64, error: Bool) {
            if error { errors = errors.saturatingAdding(1) }
            latency.add(durationNano)
        }

        mutating func merge(_ other: Bucket) {
            errors = errors.saturatingAdding(other.errors)
            latency.merge(other.latency)
        }
    }

    /// At most this many distinct buckets (over all series) hold something: twice what a chart
    /// shows (`chartLimit`), so that a window's buckets are never coarser than a chart needs, with
    /// room for requests far from the rest.
    public var tallyLimit: Int { 2 * chartLimit }

    public let grid: BucketGrid
    /// The rung of `grid` the buckets are at.
    public internal(set) var rung = 0
    /// Per subject, its buckets that hold something, by number (start time / bucket size).
    public internal(set) var series: [Subject: [UInt64: Bucket]] = [:]
    /// The numbers of the buckets holding the start of a span counted (of every span of the
    /// traces counted, not only of those counted as requests): what decides the rung.
    var occupied: Set<UInt64> = []

    public init(grid: BucketGrid = BucketGrid()) { self.grid = grid }

    /// The size of the buckets counted, in nanoseconds.
    public var bucketNano: UInt64 { grid.size(ofRung: rung) }

    /// Counts one request of `subject` that started at `startUnixNano`.
    public mutating func add(_ subject: Subject, at startUnixNano: UInt64, durationNano: UInt64, error: Bool) {
        if occupied.insert(startUnixNano / bucketNano).inserted, occupied.count > tallyLimit { coarsen(to: rung + 1) }
        note(subject, at: startUnixNano, durationNano: durationNano, error: error)
    }

    /// Counts one request in its bucket, whose number is known to be occupied.
    mutating func note(_ subject: Subject, at startUnixNano: UInt64, durationNano: UInt64, error: Bool) {
        series[subject, default: [:]][startUnixNano / bucketNano, default: Bucket()].add(durationNano, error: error)
    }

    /// Adds the counts of other traces (counted on the same grid).
    public mutating func merge(_ other: Timeline) {
        precondition(grid == other.grid, "timelines on different grids")
        var other = other
        if other.rung > rung { coarsen(to: other.rung) }
        if rung > other.rung { other.coarsen(to: rung) }
        // In place: a bucket copied to be added to would copy its counts too.
        for (subject, buckets) in other.series {
            for (number, bucket) in buckets { series[subject, default: [:]][number, default: Bucket()].merge(bucket) }
        }
        occupied.formUnion(other.occupied)
        if occupied.count > tallyLimit { coarsen(to: rung + 1) }
    }

    /// Moves every series up to `target` (and further, until at most `tallyLimit` buckets are used).
    mutating func coarsen(to target: Int) {
        var target = target
        while target < grid.topRung {
            let factor = factor(from: rung, to: target)
            if Set(occupied.lazy.map { $0 / factor }).count <= tallyLimit { break }
            target += 1
        }
        guard target > rung else { return }
        let factor = factor(from: rung, to: target)
        rung = target
        occupied = Set(occupied.lazy.map { $0 / factor })
        for (subject, buckets) in series {
            var merged: [UInt64: Bucket] = [:]
            for (number, bucket) in buckets { merged[number / factor, default: Bucket()].merge(bucket) }
            series[subject] = merged
        }
    }

    /// How many buckets of rung `low` make one of rung `high`.
    private func factor(from low: Int, to high: Int) -> UInt64 { grid.size(ofRung: high) / grid.size(ofRung: low) }
}
