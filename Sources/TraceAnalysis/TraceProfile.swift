public import TraceAssembly
public import TraceModel

/// What a comparison needs of a trace: per service and operation, its time on the critical path,
/// its own time and its spans; per parent operation and operation, the calls. Small, and
/// written down with a page a `build` draws, so that `merge` can compare that page's trace with
/// the typical request of its entry point without the spans.
public struct TraceProfile: Sendable, Equatable {
    public struct Operation: Sendable, Equatable, Codable {
        public var service: String
        public var operation: String
        public var criticalPathNano: UInt64
        public var selfNano: UInt64
        public var spans: Int
        /// When its first span started and its last ended, from the trace's start.
        public var startOffsetNano: UInt64
        public var endOffsetNano: UInt64
    }

    public struct Calls: Sendable, Equatable, Codable {
        /// Empty for root spans.
        public var parentService: String
        public var parentOperation: String
        public var service: String
        public var operation: String
        public var count: Int
    }

    public var traceID: TraceID
    public var durationNano: UInt64
    /// By service, then operation.
    public var operations: [Operation]
    /// By parent service, parent operation, service, operation.
    public var calls: [Calls]

    public init(_ trace: Trace) {
        traceID = trace.traceID
        durationNano = trace.durationNano
        var operations: [OperationKey: Operation] = [:]
        var calls: [CallKey: Int] = [:]
        for index in trace.spans.indices {
            let key = OperationKey(service: trace.spans[index].service, operation: trace.spans[index].name)
            var entry =
                operations[key]
                ?? Operation(
                    service: key.service, operation: key.operation, criticalPathNano: 0, selfNano: 0, spans: 0, startOffsetNano: .max,
                    endOffsetNano: 0)
            entry.criticalPathNano = entry.criticalPathNano.saturatingAdding(trace.criticalPathNano[index])
            entry.selfNano = entry.selfNano.saturatingAdding(trace.selfTimeNano[index])
            entry.spans += 1
            let start = trace.spans[index].startTimeUnixNano.saturatingSubtracting(trace.startTimeUnixNano)
            entry.startOffsetNano = min(entry.startOffsetNano, start)
            entry.endOffsetNano = max(entry.endOffsetNano, start.saturatingAdding(trace.spans[index].durationNano))
            operations[key] = entry
            let parent = trace.parentIndex[index].map { OperationKey(service: trace.spans[$0].service, operation: trace.spans[$0].name) }
            calls[CallKey(parent: parent ?? OperationKey(service: "", operation: ""), child: key), default: 0] += 1
        }
        self.operations = operations.values.sorted { ($0.service, $0.operation) < ($1.service, $1.operation) }
        self.calls = calls.map { key, count in
            Calls(
                parentService: key.parent.service, parentOperation: key.parent.operation, service: key.child.service,
                operation: key.child.operation, count: count)
        }.sorted {
            ($0.parentService, $0.parentOperation, $0.service, $0.operation) < (
                $1.parentService, $1.parentOperation, $1.service, $1.operation
            )
        }
    }

    struct OperationKey: Hashable {
        var service: String
        var operation: String
    }

    struct CallKey: Hashable {
        var parent: OperationKey
        var child: OperationKey
    }
}

extension TraceProfile: Codable {
    private enum Keys: String, CodingKey { case trace, duration, operations, calls }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        let hex = try container.decode(String.self, forKey: .trace)
        guard let id = TraceID(hex: hex) else {
            throw DecodingError.dataCorruptedError(forKey: .trace, in: container, debugDescription: "bad trace id '\(hex)'")
        }
        traceID = id
        durationNano = try container.decode(UInt64.self, forKey: .duration)
        operations = try container.decode([Operation].self, forKey: .operations)
        calls = try container.decode([Calls].self, forKey: .calls)
        guard operations.allSatisfy({ $0.spans >= 0 && $0.startOffsetNano <= $0.endOffsetNano }), calls.allSatisfy({ $0.count >= 0 }) else {
            throw DecodingError.dataCorruptedError(forKey: .operations, in: container, debugDescription: "a negative count")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(traceID.hex, forKey: .trace)
        try container.encode(durationNano, forKey: .duration)
        try container.encode(operations, forKey: .operations)
        try container.encode(calls, forKey: .calls)
    }
}
