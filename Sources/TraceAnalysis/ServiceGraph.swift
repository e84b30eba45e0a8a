public import TraceAssembly
public import TraceModel

/// Calls between services across many traces: nodes, edges and their latency, errors and
/// exemplar traces.
public struct ServiceGraph: Sendable {
    /// A caller → callee pair and how it was called.
    public struct EdgeKey: Hashable, Comparable, Sendable {
        public var caller: String
        public var callee: String
        public var style: ServiceCall.Style

        public static func < (lhs: EdgeKey, rhs: EdgeKey) -> Bool {
            (lhs.caller, lhs.callee, lhs.style == .request ? 0 : 1) < (rhs.caller, rhs.callee, rhs.style == .request ? 0 : 1)
        }
    }

    /// What is known of the calls along one edge, or of the spans of one operation.
    public struct Metrics: Sendable {
        public var latency = LatencySketch()
        public var errors = 0
        /// The trace holding the slowest call.
        public var slowestTrace: TraceID?
        /// Latencies and traces of calls kept to find an exemplar near p99 (the slowest few).
        var slowest: [(UInt64, TraceID)] = []

        public var calls: Int { Int(latency.count) }
        public var errorRate: Double { calls == 0 ? 0 : Double(errors) / Double(calls) }

        mutating func add(_ duration: UInt64, error: Bool, trace: TraceID) {
            if duration >= latency.maximum || latency.count == 0 { slowestTrace = trace }
            latency.add(duration)
            if error { errors += 1 }
            // Keep the slowest 1% (at least one): enough to pick the call nearest p99.
            slowest.append((duration, trace))
            let keep = max(2, calls / 100 + 2)
            if slowest.count > 2 * keep {
                slowest.sort { ($0.0, $0.1) > ($1.0, $1.1) }
                slowest.removeLast(slowest.count - keep)
            }
        }

        /// A trace whose call took about the p99 latency.
        public var nearP99Trace: TraceID? {
            let target = latency.quantile(0.99)
            return slowest.min { (absDiff($0.0, target), $0.1) < (absDiff($1.0, target), $1.1) }?.1
        }
    }

    /// A service and one of its operations.
    public struct OperationKey: Hashable, Comparable, Sendable {
        public var service: String
        public var operation: String

        public static func < (lhs: OperationKey, rhs: OperationKey) -> Bool { (lhs.service, lhs.operation) < (rhs.service, rhs.operation) }
    }

    /// The spans of one operation: their latency and errors, plus self time against total time.
    public struct OperationMetrics: Sendable {
        public var metrics = Metrics()
        public var totalNano: UInt64 = 0
        public var selfNano: UInt64 = 0

        /// The share of the operation's time spent in its own work rather than waiting for children.
        public var selfShare: Double { totalNano == 0 ? 0 : Double(selfNano) / Double(totalNano) }

        mutating func add(_ duration: UInt64, self selfTime: UInt64, error: Bool, trace: TraceID) {
            metrics.add(duration, error: error, trace: trace)
            totalNano &+= duration
            selfNano &+= selfTime
        }
    }

    public internal(set) var edges: [EdgeKey: Metrics] = [:]
    public internal(set) var operations: [OperationKey: OperationMetrics] = [:]
    /// Services and virtual nodes; the value says whether the node is virtual.
    public internal(set) var nodes: [String: Bool] = [:]
    /// Server or consumer spans (or root spans) per service: the service's own latency.
    public internal(set) var serviceLatency: [String: Metrics] = [:]

    public init() {}

    /// The graph of the calls in `traces`.
    public init(traces: [Trace]) {
        var builder = Builder()
        // By index: iterating would copy each trace.
        for index in traces.indices { builder.add(traces[index]) }
        self = builder.graph()
    }

    /// Edges in a stable order.
    public var sortedEdges: [(key: EdgeKey, value: Metrics)] { edges.sorted { $0.key < $1.key } }

    /// The part of the graph around `service`: its operations, and the edges to and from it with
    /// the services at their other ends.
    public func neighbourhood(of service: String) -> ServiceGraph {
        var part = ServiceGraph()
        part.edges = edges.filter { $0.key.caller == service || $0.key.callee == service }
        let names = Set(part.edges.keys.flatMap { [$0.caller, $0.callee] } + [service])
        part.nodes = nodes.filter { names.contains($0.key) }
        part.operations = operations.filter { $0.key.service == service }
        part.serviceLatency = serviceLatency.filter { names.contains($0.key) }
        return part
    }
}

private func absDiff(_ a: UInt64, _ b: UInt64) -> UInt64 { a > b ? a - b : b - a }
