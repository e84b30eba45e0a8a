import TraceModel

/// The trace statistics table: spans grouped by service, and by service and operation, with
/// their count, total, average, minimum and maximum duration, and self time (as Jaeger's Trace
/// Statistics view shows them).
public struct TraceStatistics: Sendable {
    /// One group of spans.
    public struct Row: Equatable, Sendable {
        public var service: String
        /// The operation, or nil for a row of the whole service.
        public var operation: String?
        public var count: Int
        public var totalNano: UInt64
        public var minimumNano: UInt64
        public var maximumNano: UInt64
        public var selfTotalNano: UInt64

        public var averageNano: UInt64 { count == 0 ? 0 : totalNano / UInt64(count) }
    }

    /// One row per service, busiest (largest self time) first.
    public let services: [Row]
    /// One row per service and operation, busiest first.
    public let operations: [Row]
    /// The trace's duration, against which self time is shared out.
    public let traceDurationNano: UInt64

    public init(_ trace: Trace) {
        var byService: [String: Row] = [:]
        var byOperation: [OperationKey: Row] = [:]
        for index in trace.spans.indices {
            let (service, name) = (trace.spans[index].service, trace.spans[index].name)
            let duration = trace.spans[index].durationNano
            let selfTime = trace.selfTimeNano[index]
            byService[service, default: Row(service: service, operation: nil)].add(duration, selfTime)
            byOperation[OperationKey(service: service, operation: name), default: Row(service: service, operation: name)]
                .add(duration, selfTime)
        }
        services = Self.sorted(Array(byService.values))
        operations = Self.sorted(Array(byOperation.values))
        traceDurationNano = trace.durationNano
    }

    /// Self time as a share of the trace's duration, in [0, 1] (can exceed 1 with parallel work).
    public func selfShare(_ row: Row) -> Double {
        traceDurationNano == 0 ? 0 : Double(row.selfTotalNano) / Double(traceDurationNano)
    }

    private struct OperationKey: Hashable {
        var service: String
        var operation: String
    }

    private static func sorted(_ rows: [Row]) -> [Row] {
        rows.sorted { ($1.selfTotalNano, $0.service, $0.operation ?? "") < ($0.selfTotalNano, $1.service, $1.operation ?? "") }
    }
}

extension TraceStatistics.Row {
    init(service: String, operation: String?) {
        self.init(service: service, operation: operation, count: 0, totalNano: 0, minimumNano: .max, maximumNano: 0, selfTotalNano: 0)
    }

    mutating func add(_ duration: UInt64, _ selfTime: UInt64) {
        count += 1
        totalNano = totalNano.saturatingAdding(duration)
        minimumNano = min(minimumNano, duration)
        maximumNano = max(maximumNano, duration)
        selfTotalNano = selfTotalNano.saturatingAdding(selfTime)
    }
}
