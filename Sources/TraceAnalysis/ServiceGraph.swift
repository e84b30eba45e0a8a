public import TraceAssembly
public import TraceModel

/// Calls between services across many traces: nodes, edges and their latency, errors and
/// exemplar traces.
public struct ServiceGraph: Sendable, Equatable {
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
    public struct Metrics: Sendable, Equatable {
        public var latency = LatencySketch()
        public var errors = 0
        /// The slowest call of each band of durations, for example traces.
        public var exemplars = Exemplars()

        public var calls: Int { Int(clamping: latency.count) }
        public var errorRate: Double { calls == 0 ? 0 : Double(errors) / Double(calls) }

        public init() {}

        mutating func add(_ duration: UInt64, error: Bool, trace: TraceID) {
            latency.add(duration)
            if error { errors += 1 }
            exemplars.add(Exemplars.Call(durationNano: duration, traceID: trace))
        }

        /// Adds the calls another part of the input saw.
        public mutating func merge(_ other: Metrics) {
            latency.merge(other.latency)
            errors = errors.saturatingAdding(other.errors)
            exemplars.merge(other.exemplars)
        }

        /// The trace holding the slowest call (of equally slow ones, the largest id).
        public var slowestTrace: TraceID? { exemplars.slowest?.traceID }

        /// A trace whose call took about the p99 latency: the kept call nearest it.
        public var nearP99Trace: TraceID? { exemplars.nearest(to: latency.quantile(0.99))?.traceID }
    }

    /// A service and one of its operations.
    public struct OperationKey: Hashable, Comparable, Sendable {
        public var service: String
        public var operation: String

        public init(service: String, operation: String) {
            self.service = service
            self.operation = operation
        }

        public static func < (lhs: OperationKey, rhs: OperationKey) -> Bool { (lhs.service, lhs.operation) < (rhs.service, rhs.operation) }
    }

    /// The spans of one operation: their latency and errors, plus self time against total time.
    public struct OperationMetrics: Sendable, Equatable {
        public var metrics = Metrics()
        public var totalNano: UInt64 = 0
        public var selfNano: UInt64 = 0

        public init() {}

        /// Adds the spans another part of the input saw.
        public mutating func merge(_ other: OperationMetrics) {
            metrics.merge(other.metrics)
            totalNano = totalNano.saturatingAdding(other.totalNano)
            selfNano = selfNano.saturatingAdding(other.selfNano)
        }

        /// The share of the operation's time spent in its own work rather than waiting for children.
        public var selfShare: Double { totalNano == 0 ? 0 : Double(selfNano) / Double(totalNano) }

        mutating func add(_ duration: UInt64, self selfTime: UInt64, error: Bool, trace: TraceID) {
            metrics.add(duration, error: error, trace: trace)
            totalNano = totalNano.saturatingAdding(duration)
            selfNano = selfNano.saturatingAdding(selfTime)
        }
    }

    public internal(set) var edges: [EdgeKey: Metrics] = [:]
    public internal(set) var operations: [OperationKey: OperationMetrics] = [:]
    /// Services and virtual nodes; the value says whether the node is virtual.
    public internal(set) var nodes: [String: Bool] = [:]
    /// Server or consumer spans (or root spans) per service: the service's own latency.
    public internal(set) var serviceLatency: [String: Metrics] = [:]
    /// The `service.namespace` of services whose resources name one (the first in name order
    /// where they name several).
    public internal(set) var namespaces: [String: String] = [:]

    public init() {}

    /// The graph of the calls in `traces`.
    public init(traces: [Trace]) {
        var builder = Builder()
        // By index: iterating would copy each trace.
        for index in traces.indices { builder.add(traces[index]) }
        self = builder.graph()
    }

    /// Adds what another part of the input saw: the graph of two parts merged is the graph of
    /// their union (a name is a service, not a virtual node, if either part instrumented it).
    public mutating func merge(_ other: ServiceGraph) {
        for (key, metrics) in other.edges { edges[key, default: Metrics()].merge(metrics) }
        for (key, metrics) in other.operations { operations[key, default: OperationMetrics()].merge(metrics) }
        for (name, virtual) in other.nodes { nodes[name] = (nodes[name] ?? true) && virtual }
        for (name, metrics) in other.serviceLatency { serviceLatency[name, default: Metrics()].merge(metrics) }
        for (name, namespace) in other.namespaces { namespaces[name] = min(namespaces[name] ?? namespace, namespace) }
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
        part.namespaces = namespaces.filter { names.contains($0.key) }
        return part
    }
}
