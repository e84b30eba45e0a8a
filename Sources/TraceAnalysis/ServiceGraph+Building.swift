import TraceAssembly
import TraceModel

extension ServiceGraph {
    /// Builds a graph trace after trace with services and operations numbered as they first
    /// appear: a span costs a look into a small table by its resource's address and one lookup of
    /// its name among its service's operations, rather than hashing its service and name
    /// together in one large dictionary. The graph's dictionaries are filled once, at the end.
    struct Builder {
        /// How many resources are remembered by address; a miss costs one lookup by name.
        private static let recentResourceSlots = 256

        /// The service numbers of resources seen lately, by address (direct-mapped). Resources
        /// outlive the build, as the traces holding them do, so an address stands for one resource.
        private var recentResources: [(resource: ObjectIdentifier?, service: Int)] =
            Array(repeating: (nil, 0), count: Builder.recentResourceSlots)
        private var serviceNumbers: [String: Int] = [:]
        private var serviceNames: [String] = []
        /// Per service: its operations' numbers by name.
        private var operationNumbers: [[String: Int]] = []
        private var serviceLatency: [Metrics?] = []
        private var operations: [(key: OperationKey, metrics: OperationMetrics)] = []
        private var nodes: [String: Bool] = [:]
        private var edges: [EdgeKey: Metrics] = [:]
        private var namespaces: [String: String] = [:]

        /// Adds the calls and services of one trace.
        mutating func add(_ trace: Trace) {
            // Fields are read in place: copying whole spans (a dozen references each) would cost
            // more than the counting.
            for index in trace.spans.indices {
                let service = serviceNumber(of: trace.spans[index].resource)
                let duration = trace.spans[index].durationNano
                let isError = trace.spans[index].status.isError
                if let known = operationNumbers[service][trace.spans[index].name] {
                    operations[known].metrics.add(duration, self: trace.selfTimeNano[index], error: isError, trace: trace.traceID)
                } else {
                    // The node is noted with a new operation.
                    var metrics = OperationMetrics()
                    metrics.add(duration, self: trace.selfTimeNano[index], error: isError, trace: trace.traceID)
                    operationNumbers[service][trace.spans[index].name] = operations.count
                    operations.append((OperationKey(service: serviceNames[service], operation: trace.spans[index].name), metrics))
                    // A service is no virtual node, even if a client span named it as one first.
                    nodes[serviceNames[service]] = false
                }
                let kind = trace.spans[index].kind
                if kind == .server || kind == .consumer || trace.parentIndex[index] == nil {
                    if serviceLatency[service] == nil { serviceLatency[service] = Metrics() }
                    serviceLatency[service]!.add(duration, error: isError, trace: trace.traceID)
                }
            }
            for call in ServiceCalls.derive(trace) {
                if call.calleeIsVirtual, nodes[call.callee] == nil { nodes[call.callee] = true }
                edges[EdgeKey(caller: call.caller, callee: call.callee, style: call.style), default: Metrics()]
                    .add(call.durationNano, error: call.isError, trace: trace.traceID)
            }
        }

        /// The number of the service `resource` belongs to, numbering it if it is new.
        private mutating func serviceNumber(of resource: Resource) -> Int {
            let address = ObjectIdentifier(resource)
            let slot = Int(truncatingIfNeeded: UInt(bitPattern: address.hashValue &>> 4)) & (Self.recentResourceSlots - 1)
            if recentResources[slot].resource == address { return recentResources[slot].service }
            let name = resource.serviceName
            let number: Int
            if let known = serviceNumbers[name] {
                number = known
            } else {
                number = serviceNames.count
                serviceNumbers[name] = number
                serviceNames.append(name)
                operationNumbers.append([:])
                serviceLatency.append(nil)
            }
            recentResources[slot] = (address, number)
            if case .string(let namespace)? = resource.attributes[key: "service.namespace"], !namespace.isEmpty {
                namespaces[name] = min(namespaces[name] ?? namespace, namespace)
            }
            return number
        }

        /// The graph of everything added.
        func graph() -> ServiceGraph {
            var graph = ServiceGraph()
            graph.operations = Dictionary(uniqueKeysWithValues: operations.lazy.map { ($0.key, $0.metrics) })
            graph.nodes = nodes
            graph.edges = edges
            graph.namespaces = namespaces
            for (number, latency) in serviceLatency.enumerated() {
                if let latency { graph.serviceLatency[serviceNames[number]] = latency }
            }
            return graph
        }
    }
}
