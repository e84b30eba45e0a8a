/// What changed between a baseline summary (say, last night's) and this report: latency
/// regressions and improvements per operation and per edge, error-rate changes, and services,
/// operations and edges that appeared or vanished.
public struct BaselineComparison: Sendable, Equatable {
    /// When a difference counts as a change.
    public struct Thresholds: Sendable, Equatable {
        /// A p95 or p99 that moved by at least this share (0.2 is 20%)...
        public var relative = 0.2
        /// ...and by at least this much, so that microsecond jitter is not news.
        public var minimumNano: UInt64 = 500_000
        /// An error rate that moved by at least this many percentage points (0.05 is 5 points).
        public var errorRatePoints = 0.05
        /// Both sides need this many calls: a handful of calls has no reliable p95.
        public var minimumCalls = 20

        public init() {}
    }

    public enum Direction: String, Sendable, Equatable {
        case regression, improvement
    }

    /// An operation ("service: operation") or an edge ("caller → callee").
    public struct Subject: Sendable, Equatable, Comparable {
        public enum Kind: Int, Sendable, Comparable {
            case operation, edge
            public static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rawValue < rhs.rawValue }
        }

        public var kind: Kind
        public var name: String

        public static func < (lhs: Subject, rhs: Subject) -> Bool { (lhs.kind, lhs.name) < (rhs.kind, rhs.name) }
    }

    public struct LatencyChange: Sendable, Equatable {
        public var subject: Subject
        public var percentile: Int
        public var beforeNano: UInt64
        public var afterNano: UInt64
        public var direction: Direction

        /// after / before.
        public var ratio: Double { beforeNano == 0 ? .infinity : Double(afterNano) / Double(beforeNano) }
    }

    public struct ErrorRateChange: Sendable, Equatable {
        public var subject: Subject
        public var before: Double
        public var after: Double
        public var direction: Direction
    }

    public let baselineTitle: String
    public let latency: [LatencyChange]
    public let errorRates: [ErrorRateChange]
    public let newServices: [String]
    public let vanishedServices: [String]
    public let newSubjects: [Subject]
    public let vanishedSubjects: [Subject]

    /// True when something got slower or fails more often: what `--fail-on-regression` acts on.
    public var hasRegressions: Bool {
        latency.contains { $0.direction == .regression } || errorRates.contains { $0.direction == .regression }
    }

    public var isEmpty: Bool {
        latency.isEmpty && errorRates.isEmpty && newServices.isEmpty && vanishedServices.isEmpty && newSubjects.isEmpty
            && vanishedSubjects.isEmpty
    }

    public init(baseline: SiteSummary, current: SiteSummary, thresholds: Thresholds = Thresholds()) {
        baselineTitle = baseline.title
        let before = Self.latencies(baseline)
        let after = Self.latencies(current)
        var latency: [LatencyChange] = []
        var errorRates: [ErrorRateChange] = []
        for (subject, now) in after.sorted(by: { $0.key < $1.key }) {
            guard let then = before[subject], then.count >= thresholds.minimumCalls, now.count >= thresholds.minimumCalls else {
                continue
            }
            for (percentile, old, new) in [(95, then.p95Nano, now.p95Nano), (99, then.p99Nano, now.p99Nano)] {
                let difference = new > old ? new - old : old - new
                guard difference >= thresholds.minimumNano, Double(difference) >= thresholds.relative * Double(max(old, 1)) else {
                    continue
                }
                latency.append(
                    LatencyChange(
                        subject: subject, percentile: percentile, beforeNano: old, afterNano: new,
                        direction: new > old ? .regression : .improvement))
            }
            if abs(now.errorRate - then.errorRate) >= thresholds.errorRatePoints {
                errorRates.append(
                    ErrorRateChange(
                        subject: subject, before: then.errorRate, after: now.errorRate,
                        direction: now.errorRate > then.errorRate ? .regression : .improvement))
            }
        }
        self.latency = latency
        self.errorRates = errorRates
        let servicesBefore = Set(baseline.services.map(\.name))
        let servicesAfter = Set(current.services.map(\.name))
        newServices = servicesAfter.subtracting(servicesBefore).sorted()
        vanishedServices = servicesBefore.subtracting(servicesAfter).sorted()
        newSubjects = Set(after.keys).subtracting(before.keys).sorted()
        vanishedSubjects = Set(before.keys).subtracting(after.keys).sorted()
    }

    private static func latencies(_ summary: SiteSummary) -> [Subject: SiteSummary.Latency] {
        var table: [Subject: SiteSummary.Latency] = [:]
        for operation in summary.operations {
            table[Subject(kind: .operation, name: "\(operation.service): \(operation.operation)")] = operation.latency
        }
        for edge in summary.edges {
            let arrow = edge.style == "request" ? " → " : " ⇢ "
            table[Subject(kind: .edge, name: edge.caller + arrow + edge.callee)] = edge.latency
        }
        return table
    }
}

extension BaselineComparison.Subject: Hashable {}
