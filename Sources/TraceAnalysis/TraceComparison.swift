public import TraceAssembly
public import TraceModel

/// Where one trace spent its time against another (a slow request against a typical one of the
/// same entry point): per service and operation, the time each spent on the critical path and
/// in its own work, and its calls, so that the operations that grew most, and the calls made in
/// one trace but not the other, explain the difference in duration. Linear in the spans of both.
public struct TraceComparison: Sendable, Equatable {
    /// One service and operation in both traces.
    public struct Row: Sendable, Equatable {
        public var service: String
        public var operation: String
        /// Time on the critical path, in the trace studied and in the other.
        public var traceNano: UInt64
        public var otherNano: UInt64
        /// Own time (duration less children), summed over the operation's spans.
        public var traceSelfNano: UInt64
        public var otherSelfNano: UInt64
        public var traceCalls: Int
        public var otherCalls: Int
        /// From the start of the operation's first span to the end of its last, from the start of
        /// the trace and of the other; nil where it has no span.
        public var traceWindow: ClosedRange<UInt64>?
        public var otherWindow: ClosedRange<UInt64>?

        /// Critical-path time gained (negative: saved), in nanoseconds.
        public var differenceNano: Int64 { Self.difference(traceNano, otherNano) }

        static func difference(_ a: UInt64, _ b: UInt64) -> Int64 {
            a >= b ? Int64(clamping: a - b) : -Int64(clamping: b - a)
        }
    }

    /// Calls of one operation under one parent operation, counted in both traces.
    public struct Calls: Sendable, Equatable {
        public var parentService: String
        public var parentOperation: String
        public var service: String
        public var operation: String
        public var traceCount: Int
        public var otherCount: Int
    }

    public let traceID: TraceID
    public let otherID: TraceID
    public let traceDurationNano: UInt64
    public let otherDurationNano: UInt64
    /// Every operation of either trace, the one that gained most critical-path time first.
    public let rows: [Row]
    /// Operations called more often in the trace than in the other, most extra calls first.
    public let extraCalls: [Calls]
    /// Operations called less often (or not at all) in the trace, most missing first.
    public let missingCalls: [Calls]

    /// Compares `trace` with `other`.
    public init(_ trace: Trace, with other: Trace) {
        self.init(TraceProfile(trace), with: TraceProfile(other))
    }

    /// Compares the trace `profile` describes with the one `other` describes.
    public init(_ profile: TraceProfile, with other: TraceProfile) {
        traceID = profile.traceID
        otherID = other.traceID
        traceDurationNano = profile.durationNano
        otherDurationNano = other.durationNano
        var operations: [TraceProfile.OperationKey: Row] = [:]
        for (side, subject) in [profile, other].enumerated() {
            for entry in subject.operations {
                let key = TraceProfile.OperationKey(service: entry.service, operation: entry.operation)
                var row =
                    operations[key]
                    ?? Row(
                        service: key.service, operation: key.operation, traceNano: 0, otherNano: 0, traceSelfNano: 0, otherSelfNano: 0,
                        traceCalls: 0, otherCalls: 0, traceWindow: nil, otherWindow: nil)
                if side == 0 {
                    (row.traceNano, row.traceSelfNano, row.traceCalls) = (entry.criticalPathNano, entry.selfNano, entry.spans)
                    row.traceWindow = entry.startOffsetNano...max(entry.startOffsetNano, entry.endOffsetNano)
                } else {
                    (row.otherNano, row.otherSelfNano, row.otherCalls) = (entry.criticalPathNano, entry.selfNano, entry.spans)
                    row.otherWindow = entry.startOffsetNano...max(entry.startOffsetNano, entry.endOffsetNano)
                }
                operations[key] = row
            }
        }
        var calls: [TraceProfile.CallKey: (Int, Int)] = [:]
        for (side, subject) in [profile, other].enumerated() {
            for entry in subject.calls {
                let key = TraceProfile.CallKey(
                    parent: TraceProfile.OperationKey(service: entry.parentService, operation: entry.parentOperation),
                    child: TraceProfile.OperationKey(service: entry.service, operation: entry.operation))
                var counts = calls[key] ?? (0, 0)
                if side == 0 { counts.0 = entry.count } else { counts.1 = entry.count }
                calls[key] = counts
            }
        }
        rows = operations.values.sorted {
            ($1.differenceNano, $0.service, $0.operation) < ($0.differenceNano, $1.service, $1.operation)
        }
        let counted = calls.map { key, counts in
            Calls(
                parentService: key.parent.service, parentOperation: key.parent.operation, service: key.child.service,
                operation: key.child.operation, traceCount: counts.0, otherCount: counts.1)
        }
        func order(_ a: Calls, _ b: Calls, by gap: (Calls) -> Int) -> Bool {
            (gap(b), a.parentService, a.parentOperation, a.service, a.operation) < (
                gap(a), b.parentService, b.parentOperation, b.service, b.operation
            )
        }
        extraCalls = counted.filter { $0.traceCount > $0.otherCount }.sorted { order($0, $1) { $0.traceCount - $0.otherCount } }
        missingCalls = counted.filter { $0.traceCount < $0.otherCount }.sorted { order($0, $1) { $0.otherCount - $0.traceCount } }
    }

    /// The trace's duration less the other's (negative when it was faster).
    public var differenceNano: Int64 { Row.difference(traceDurationNano, otherDurationNano) }

    /// The share of the difference in duration a row's critical-path time accounts for (0 when
    /// the durations are equal).
    public func share(of row: Row) -> Double {
        differenceNano == 0 ? 0 : Double(row.differenceNano) / Double(differenceNano)
    }

    /// The rows that explain the difference: those that moved the same way as the duration,
    /// most first.
    public var explaining: [Row] {
        differenceNano >= 0 ? rows.filter { $0.differenceNano > 0 } : rows.reversed().filter { $0.differenceNano < 0 }
    }
}
