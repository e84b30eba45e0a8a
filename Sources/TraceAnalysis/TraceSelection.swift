public import TraceModel

/// Which traces get a page of their own, and why. A night's export holds far more traces than
/// anyone reads; the pages worth having are the failures, the slowest requests of each entry
/// point, requests typical of each percentile, and the exemplars the slowest-hop tables link to.
/// Traces without a page still count in every aggregate.
public struct TraceSelection: Sendable {
    /// Why a trace got a page, in order of priority.
    public enum Reason: Sendable, Hashable, Comparable, CustomStringConvertible {
        /// Named with `--trace-id`.
        case requested
        /// Holds a span with error status.
        case error
        /// Among the slowest requests of its root operation (rank 1 is the slowest).
        case slowest(rank: Int)
        /// The request nearest a percentile (50, 90 or 99) of its root operation's durations.
        case percentile(Int)
        /// The slowest-hop or service tables link to it (its call was the slowest, or near p99).
        case hopExemplar
        /// The health page gives it as an example of an instrumentation mistake.
        case healthExample
        /// The patterns page gives it as an example of time wasted.
        case patternExample
        /// Every trace was asked for.
        case all

        public var description: String {
            switch self {
            case .requested: "asked for"
            case .error: "has errors"
            case .slowest(let rank): rank == 1 ? "slowest of its operation" : "slowest \(rank) of its operation"
            case .percentile(let p): "p\(p) of its operation"
            case .hopExemplar: "exemplar of a slow hop"
            case .healthExample: "example of a health finding"
            case .patternExample: "example of time wasted"
            case .all: "every trace selected"
            }
        }

        private var priority: (Int, Int) {
            switch self {
            case .requested: (0, 0)
            case .error: (1, 0)
            case .slowest(let rank): (2, rank)
            case .percentile(let p): (3, -p)
            case .hopExemplar: (4, 0)
            case .healthExample: (5, 0)
            case .patternExample: (5, 1)
            case .all: (6, 0)
            }
        }

        public static func < (lhs: Reason, rhs: Reason) -> Bool { lhs.priority < rhs.priority }
    }

    /// What to select. Written down (for the stages' settings) without `requested`, which a
    /// merge works out anew over every trace.
    public struct Policy: Sendable, Equatable, Codable {
        /// Every trace gets a page (small inputs, or a full archive).
        public var all = false
        public var errors = true
        /// At most this many pages for failed traces (the earliest), so that a bad night's
        /// failures leave room for the slowest and typical requests.
        public var maximumErrorPages = 250
        /// The slowest this many requests of each root operation.
        public var slowestPerOperation = 3
        /// The requests nearest p50, p90 and p99 of each root operation.
        public var percentiles = true
        /// The traces the slowest-hop tables link to.
        public var hopExemplars = true
        /// The traces the health page gives as examples.
        public var healthExamples = true
        /// Traces that get a page whatever the limits.
        public var requested: Set<TraceID> = []
        /// At most this many pages (requested traces come on top); the highest-priority reasons
        /// are served first.
        public var maximumPages = 1_000

        public init() {}

        private enum CodingKeys: String, CodingKey {
            case all, errors, maximumErrorPages, slowestPerOperation, percentiles, hopExemplars, healthExamples, maximumPages
        }
    }

    /// For each trace that gets a page (by index into the traces given), why; reasons sorted.
    public let reasons: [Int: [Reason]]
    /// How many traces qualified but were left out by `maximumPages`.
    public let leftOut: Int

    /// Selects among `traces` (in report order) by `policy`; `graph` names the hop exemplars and
    /// `healthExamples` and `patternExamples` the traces the health and patterns pages would link to
    /// (both chosen with `policy.healthExamples`).
    public init(
        traces: [TraceDigest], graph: ServiceGraph, policy: Policy, healthExamples: Set<TraceID> = [], patternExamples: Set<TraceID> = []
    ) {
        var candidates: [Int: [Reason]] = [:]
        func add(_ index: Int, _ reason: Reason) { candidates[index, default: []].append(reason) }

        if policy.all {
            for index in traces.indices { add(index, .all) }
        }
        var indexOfID: [TraceID: Int] = [:]
        for index in traces.indices { indexOfID[traces[index].traceID] = index }
        for id in policy.requested {
            if let index = indexOfID[id] { add(index, .requested) }
        }
        var errorsLeftOut = 0
        if policy.errors {
            let failed = traces.indices.filter { traces[$0].errorCount > 0 }
            let room = max(0, policy.maximumErrorPages)
            for index in failed.prefix(room) { add(index, .error) }
            errorsLeftOut = max(0, failed.count - min(room, failed.count))
        }
        let slowest = max(0, policy.slowestPerOperation)
        if slowest > 0 || policy.percentiles {
            for members in Self.byRootOperation(traces).values {
                let bySpeed = Self.slowestFirst(members, of: traces)
                for (rank, index) in bySpeed.prefix(slowest).enumerated() { add(index, .slowest(rank: rank + 1)) }
                if policy.percentiles {
                    for p in [99, 90, 50] { add(Self.nearest(percentile: p, slowestFirst: bySpeed), .percentile(p)) }
                }
            }
        }
        if policy.hopExemplars {
            var exemplars = Set<TraceID>()
            let metrics = graph.edges.values.map { $0 } + graph.operations.values.map(\.metrics) + graph.serviceLatency.values.map { $0 }
            for metric in metrics {
                if let slowest = metric.slowestTrace { exemplars.insert(slowest) }
                if let p99 = metric.nearP99Trace { exemplars.insert(p99) }
            }
            for id in exemplars {
                if let index = indexOfID[id] { add(index, .hopExemplar) }
            }
        }

        if policy.healthExamples {
            for id in healthExamples {
                if let index = indexOfID[id] { add(index, .healthExample) }
            }
            for id in patternExamples {
                if let index = indexOfID[id] { add(index, .patternExample) }
            }
        }

        // Requested traces always; the others by their best reason, then report order.
        var chosen: [Int: [Reason]] = [:]
        var ranked: [(Reason, Int)] = []
        for (index, reasons) in candidates {
            let sorted = Array(Set(reasons)).sorted()
            if sorted.first == .requested {
                chosen[index] = sorted
            } else {
                ranked.append((sorted[0], index))
            }
        }
        ranked.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        let room = max(0, policy.maximumPages)
        for (_, index) in ranked.prefix(room) { chosen[index] = Array(Set(candidates[index]!)).sorted() }
        reasons = chosen
        leftOut = max(0, ranked.count - room) + errorsLeftOut
    }

    /// Trace indices grouped by root service and operation (the request's entry point).
    /// For each root operation, its typical request: the trace nearest its median duration, the
    /// one its p50 page shows.
    public static func typicalRequests(_ traces: [TraceDigest]) -> [ServiceGraph.OperationKey: Int] {
        byRootOperation(traces).mapValues { nearest(percentile: 50, slowestFirst: slowestFirst($0, of: traces)) }
    }

    /// `members` (indices into `traces`) slowest first; ties by id, so that the order never
    /// depends on input order.
    private static func slowestFirst(_ members: [Int], of traces: [TraceDigest]) -> [Int] {
        members.sorted { (traces[$1].durationNano, traces[$0].traceID) < (traces[$0].durationNano, traces[$1].traceID) }
    }

    /// The member nearest percentile `p`: nearest rank on the ascending order, as the latency
    /// tables compute it.
    private static func nearest(percentile p: Int, slowestFirst bySpeed: [Int]) -> Int {
        let rank = Int((Double(p) / 100 * Double(bySpeed.count - 1)).rounded())
        return bySpeed[bySpeed.count - 1 - rank]
    }

    public static func byRootOperation(_ traces: [TraceDigest]) -> [ServiceGraph.OperationKey: [Int]] {
        var groups: [ServiceGraph.OperationKey: [Int]] = [:]
        for index in traces.indices {
            groups[ServiceGraph.OperationKey(service: traces[index].rootService, operation: traces[index].rootName), default: []]
                .append(index)
        }
        return groups
    }

    /// Whether the trace at `index` gets a page.
    public func contains(_ index: Int) -> Bool { reasons[index] != nil }
}
