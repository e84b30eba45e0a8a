public import TraceModel

/// Requests followed across asynchronous boundaries: traces joined by a span link (or Jaeger's
/// FOLLOWS_FROM to another trace), by a consumer span receiving the message a producer span of
/// another trace sent (`messaging.message.id`), or by sharing a value of the join attribute, are
/// one workflow. Each join has the time between its two traces: from the producer span's end (the
/// message enqueued) to the consumer's start (dequeued); for traces joined only by a value, from
/// the earlier trace's end to the later one's start.
public struct Workflows: Sendable, Equatable {
    /// How two traces are joined.
    public enum Via: String, Sendable, Equatable {
        case link, message
        case attribute = "join-attribute"
    }

    /// One join: the earlier trace and the later one (by index into the report's traces).
    public struct Join: Sendable, Equatable {
        public var from: Int
        public var to: Int
        public var via: Via
        /// From enqueue to dequeue (or from one trace's end to the next one's start); negative
        /// when clocks disagree; nil when the span pointed at is not a producer span of the input.
        public var queueNano: Int64?
        /// When the earlier side handed over (the producer span's end, or the trace's end), and
        /// when the later side took over.
        public var sentUnixNano: UInt64?
        public var receivedUnixNano: UInt64
    }

    /// Traces joined together.
    public struct Workflow: Sendable, Equatable {
        /// By index into the report's traces, in report order.
        public var traces: [Int]
        /// In order of the later trace, then the earlier.
        public var joins: [Join]
        /// Traces its spans link to that are not in the input.
        public var missing: [TraceID]
    }

    /// Workflows of two traces or more, the longest first (then by first trace).
    public let workflows: [Workflow]
    /// Traces with links to traces not in the input that joined no other trace: (trace, the
    /// traces it links to).
    public let dangling: [(trace: Int, missing: [TraceID])]

    public static func == (lhs: Workflows, rhs: Workflows) -> Bool {
        lhs.workflows == rhs.workflows && lhs.dangling.elementsEqual(rhs.dangling) { $0.trace == $1.trace && $0.missing == $1.missing }
    }

    /// The workflows of `tally` among `traces` (the report's digests, in report order).
    public init(tally: Tally, traces: [TraceDigest]) {
        var indexOf: [TraceID: Int] = [:]
        for (index, trace) in traces.enumerated() { indexOf[trace.traceID] = index }
        var senderBySpan: [SpanLocation: Tally.Sender] = [:]
        var senderByMessage: [UInt64: Tally.Sender] = [:]
        for sender in tally.senders {
            senderBySpan[SpanLocation(trace: sender.trace, span: sender.span)] =
                senderBySpan[SpanLocation(trace: sender.trace, span: sender.span)] ?? sender
            if let message = sender.message, senderByMessage[message] == nil { senderByMessage[message] = sender }
        }
        var joins: [Join] = []
        var missing: [Int: Set<TraceID>] = [:]
        for receiver in tally.receivers {
            guard let to = indexOf[receiver.trace] else { continue }
            let sender: Tally.Sender?
            let via: Via
            let fromTrace: TraceID
            switch receiver.pointer {
            case .link(let trace, let span):
                (sender, via, fromTrace) = (senderBySpan[SpanLocation(trace: trace, span: span)], .link, trace)
            case .message(let message):
                guard let found = senderByMessage[message], found.trace != receiver.trace else { continue }
                (sender, via, fromTrace) = (found, .message, found.trace)
            }
            guard let from = indexOf[fromTrace] else {
                missing[to, default: []].insert(fromTrace)
                continue
            }
            joins.append(
                Join(
                    from: from, to: to, via: via, queueNano: sender.map { Self.difference(receiver.startUnixNano, $0.endUnixNano) },
                    sentUnixNano: sender?.endUnixNano, receivedUnixNano: receiver.startUnixNano))
        }
        // Traces sharing a value of the join attribute, one after another in report order.
        var start = 0
        while start < tally.keyed.count {
            var end = start + 1
            while end < tally.keyed.count, tally.keyed[end].value == tally.keyed[start].value { end += 1 }
            let members = Set(tally.keyed[start..<end].compactMap { indexOf[$0.trace] }).sorted()
            for (earlier, later) in zip(members, members.dropFirst()) {
                let sent = traces[earlier].startTimeUnixNano.saturatingAdding(traces[earlier].durationNano)
                joins.append(
                    Join(
                        from: earlier, to: later, via: .attribute, queueNano: Self.difference(traces[later].startTimeUnixNano, sent),
                        sentUnixNano: sent, receivedUnixNano: traces[later].startTimeUnixNano))
            }
            start = end
        }
        // Workflows: the sets of traces joins connect, and the joins of each.
        var groups = UnionFind(count: traces.count)
        for join in joins { groups.union(join.from, join.to) }
        var members: [Int: Set<Int>] = [:]
        var joinsOf: [Int: [Join]] = [:]
        for join in joins {
            let root = groups.find(join.from)
            members[root, default: []].formUnion([join.from, join.to])
            joinsOf[root, default: []].append(join)
        }
        var workflows: [Workflow] = []
        for (root, traceIndices) in members {
            let sorted = traceIndices.sorted()
            let own = (joinsOf[root] ?? []).sorted {
                ($0.to, $0.from, $0.via.rawValue, $0.receivedUnixNano, $0.sentUnixNano ?? 0)
                    < ($1.to, $1.from, $1.via.rawValue, $1.receivedUnixNano, $1.sentUnixNano ?? 0)
            }
            let lost = Set(sorted.flatMap { missing[$0] ?? [] }).sorted()
            workflows.append(Workflow(traces: sorted, joins: own, missing: lost))
        }
        func span(_ workflow: Workflow) -> UInt64 {
            let first = traces[workflow.traces[0]].startTimeUnixNano
            let last = workflow.traces.map { traces[$0].startTimeUnixNano.saturatingAdding(traces[$0].durationNano) }.max() ?? first
            return last.saturatingSubtracting(first)
        }
        self.workflows = workflows.sorted { (span($1), $0.traces[0]) < (span($0), $1.traces[0]) }
        let joined = Set(members.values.joined())
        dangling = missing.filter { !joined.contains($0.key) }.map { ($0.key, $0.value.sorted()) }.sorted { $0.trace < $1.trace }
    }

    /// `later - earlier`, signed and clamped to 64 bits.
    static func difference(_ later: UInt64, _ earlier: UInt64) -> Int64 {
        later >= earlier ? Int64(clamping: later - earlier) : -Int64(clamping: earlier - later)
    }

    private struct SpanLocation: Hashable {
        var trace: TraceID
        var span: SpanID
    }
}

/// Sets of integers joined by union; `find` gives one member of each set for all its members.
struct UnionFind {
    private var parent: [Int]

    init(count: Int) { parent = Array(0..<count) }

    mutating func find(_ element: Int) -> Int {
        var root = element
        while parent[root] != root { root = parent[root] }
        var walker = element
        while parent[walker] != root { (parent[walker], walker) = (root, parent[walker]) }
        return root
    }

    mutating func union(_ a: Int, _ b: Int) {
        let (rootA, rootB) = (find(a), find(b))
        if rootA != rootB { parent[max(rootA, rootB)] = min(rootA, rootB) }
    }
}
