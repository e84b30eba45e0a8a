public import TraceModel

extension InstrumentationHealth {
    /// What the checks counted over part of an input, by name. Tallies of the parts of an input
    /// merge into the tally of the whole: counts add up, examples are the earliest of either, and
    /// what needs the whole input (the median trace start, span ids met in other parts) is kept
    /// in a form that is only judged when the findings are made.
    public struct Tally: Sendable, Equatable {
        /// What a row counts.
        public enum Subject: Hashable, Sendable {
            case operation(ServiceGraph.OperationKey)
            case service(String)
            case hosts(HostPair)
            /// A root operation.
            case entryPoint(ServiceGraph.OperationKey)
        }

        /// The parent's host and the child's.
        public struct HostPair: Hashable, Comparable, Sendable {
            public var parent: String
            public var child: String

            public init(parent: String, child: String) {
                self.parent = parent
                self.child = child
            }

            public static func < (lhs: HostPair, rhs: HostPair) -> Bool { (lhs.parent, lhs.child) < (rhs.parent, rhs.child) }
        }

        /// How many cases, and the earliest traces among them.
        public struct Cases: Sendable, Equatable {
            public var count = 0
            /// At most `examplesPerRow` distinct traces, earliest first.
            public var examples: [ReportOrder] = []

            public init(count: Int = 0, examples: [ReportOrder] = []) {
                self.count = count
                self.examples = examples
            }

            mutating func add(_ count: Int, example: ReportOrder) {
                self.count = self.count.saturatingAdding(count)
                note(example)
            }

            private mutating func note(_ example: ReportOrder) {
                if let last = examples.last {
                    // Traces are mostly met in report order: the common case is one comparison.
                    if examples.count == InstrumentationHealth.examplesPerRow, last <= example { return }
                    if last == example { return }
                    if last > example {
                        guard !examples.contains(example) else { return }
                        examples.insert(example, at: examples.firstIndex { $0 > example }!)
                        if examples.count > InstrumentationHealth.examplesPerRow { examples.removeLast() }
                        return
                    }
                }
                examples.append(example)
            }

            public mutating func merge(_ other: Cases) {
                count = count.saturatingAdding(other.count)
                for example in other.examples { note(example) }
            }
        }

        /// Per operation: its spans, its server or consumer spans that arrived with a parent,
        /// the traces it is the root of, their spans (counting dropped duplicates) and ids.
        public struct OperationCounts: Sendable, Equatable {
            public var spans = 0
            public var entryWithParent = 0
            public var traces = 0
            public var entryPointSpans = 0
            public var traceIDs = TraceIDSpread()

            public init() {}

            mutating func merge(_ other: OperationCounts) {
                spans = spans.saturatingAdding(other.spans)
                entryWithParent = entryWithParent.saturatingAdding(other.entryWithParent)
                traces = traces.saturatingAdding(other.traces)
                entryPointSpans = entryPointSpans.saturatingAdding(other.entryPointSpans)
                traceIDs.merge(other.traceIDs)
            }
        }

        /// Per service: its spans, those that take or receive a sampling decision (root and
        /// entry spans), its entry spans that arrived with a parent id yet head a trace of their
        /// own (their callers kept nothing of the request), and how many carry each key attribute.
        public struct ServiceCounts: Sendable, Equatable {
            public var spans = 0
            public var decisionSpans = 0
            public var callerlessEntries = 0
            /// In the order of the tally's `keyAttributes`.
            public var present: [Int]

            public init(keyCount: Int) { present = Array(repeating: 0, count: keyCount) }

            mutating func merge(_ other: ServiceCounts) {
                spans = spans.saturatingAdding(other.spans)
                decisionSpans = decisionSpans.saturatingAdding(other.decisionSpans)
                callerlessEntries = callerlessEntries.saturatingAdding(other.callerlessEntries)
                for index in present.indices where index < other.present.count {
                    present[index] = present[index].saturatingAdding(other.present[index])
                }
            }
        }

        public var keyAttributes: [String]
        /// Cases of every check but those judged at the end (outlying timestamps, span ids across
        /// traces, consumers whose queue lost the context).
        public var cases: [Check: [Subject: Cases]] = [:]
        public var operations: [ServiceGraph.OperationKey: OperationCounts] = [:]
        public var services: [String: ServiceCounts] = [:]
        /// Calls from a span on one host to a span on another.
        public var crossHostCalls: [HostPair: Int] = [:]
        /// How far clock-skew adjustment moved the children of each pair of hosts.
        public var shifts: [HostPair: LatencySketch] = [:]
        /// Per service, its spans (from 2001 on) by the hour they start in (hours since 1970):
        /// the spans far from the median trace start of the whole input are known only then.
        public var startHours: [String: [UInt64: Cases]] = [:]
        /// The places of the span ids seen in more than one trace, distinct; a part of an input
        /// filed by span id holds every such place of its ids in the whole input.
        public var spanIDsInSeveralTraces: [SpanIDLocation] = []
        /// The message ids (`messaging.message.id`) producer spans sent, as FNV-1a hashes.
        public var producedMessages: Set<UInt64> = []
        /// Consumer spans with a message id that started a trace of their own, with no link: a
        /// case of `queueContextLost` when a producer sent their message.
        public var contextlessConsumers: [ContextlessConsumer] = []
        /// Per service (its root and entry spans) and per entry point (its root spans): the
        /// sampling they declare, and how many spans declare each.
        public var declaredSampling: [Subject: [SamplingDeclaration: Int]] = [:]
        /// Per caller and callee: the calls and those that reached the callee's spans.
        public var downstreamCalls: [CallPair: DownstreamCalls] = [:]

        /// `consumers` in one order whatever order they were met in (by message, operation, trace).
        static func sorted(_ consumers: [ContextlessConsumer]) -> [ContextlessConsumer] {
            consumers.sorted { ($0.message, $0.operation, $0.trace) < ($1.message, $1.operation, $1.trace) }
        }

        /// Calls from a caller's CLIENT spans to a callee (the service of a span under them, else
        /// their `peer.service`), and how many of them reached a span of the callee in the trace.
        public struct DownstreamCalls: Sendable, Equatable {
            public var calls = 0
            public var reached = 0

            public init(calls: Int = 0, reached: Int = 0) { (self.calls, self.reached) = (calls, reached) }

            mutating func merge(_ other: DownstreamCalls) {
                calls = calls.saturatingAdding(other.calls)
                reached = reached.saturatingAdding(other.reached)
            }
        }

        /// A caller service and the callee of its client spans.
        public struct CallPair: Hashable, Comparable, Sendable {
            public var caller: String
            public var callee: String

            public init(caller: String, callee: String) { (self.caller, self.callee) = (caller, callee) }

            public static func < (lhs: CallPair, rhs: CallPair) -> Bool { (lhs.caller, lhs.callee) < (rhs.caller, rhs.callee) }
        }

        /// A consumer span that started a trace of its own (see `contextlessConsumers`).
        public struct ContextlessConsumer: Sendable, Equatable {
            /// The FNV-1a hash of its message id.
            public var message: UInt64
            public var operation: ServiceGraph.OperationKey
            public var trace: ReportOrder

            public init(message: UInt64, operation: ServiceGraph.OperationKey, trace: ReportOrder) {
                (self.message, self.operation, self.trace) = (message, operation, trace)
            }
        }

        public init(keyAttributes: [String]) {
            self.keyAttributes = keyAttributes
        }

        /// Adds what another part of the input counted (with the same key attributes).
        public mutating func merge(_ other: Tally) {
            for (check, subjects) in other.cases {
                for (subject, entry) in subjects { cases[check, default: [:]][subject, default: Cases()].merge(entry) }
            }
            for (key, counts) in other.operations { operations[key, default: OperationCounts()].merge(counts) }
            for (name, counts) in other.services {
                services[name, default: ServiceCounts(keyCount: keyAttributes.count)].merge(counts)
            }
            for (pair, count) in other.crossHostCalls {
                crossHostCalls[pair, default: 0] = crossHostCalls[pair, default: 0].saturatingAdding(count)
            }
            for (pair, sketch) in other.shifts { shifts[pair, default: LatencySketch()].merge(sketch) }
            for (service, hours) in other.startHours {
                for (hour, entry) in hours { startHours[service, default: [:]][hour, default: Cases()].merge(entry) }
            }
            spanIDsInSeveralTraces += other.spanIDsInSeveralTraces
            producedMessages.formUnion(other.producedMessages)
            contextlessConsumers = Self.sorted(contextlessConsumers + other.contextlessConsumers)
            for (subject, declarations) in other.declaredSampling {
                for (declaration, count) in declarations {
                    declaredSampling[subject, default: [:]][declaration, default: 0] =
                        declaredSampling[subject, default: [:]][declaration, default: 0].saturatingAdding(count)
                }
            }
            for (pair, calls) in other.downstreamCalls { downstreamCalls[pair, default: DownstreamCalls()].merge(calls) }
        }

        /// The places of the span ids among `locations` that occur in more than one trace, each
        /// once, sorted.
        public static func spanIDsInSeveralTraces(_ locations: [SpanIDLocation]) -> [SpanIDLocation] {
            var sorted = locations.sorted {
                ($0.spanID, $0.traceID, $0.service, $0.operation) < ($1.spanID, $1.traceID, $1.service, $1.operation)
            }
            sorted = sorted.indices.compactMap { $0 > 0 && sorted[$0] == sorted[$0 - 1] ? nil : sorted[$0] }
            var kept: [SpanIDLocation] = []
            var start = 0
            while start < sorted.count {
                var end = start + 1
                while end < sorted.count, sorted[end].spanID == sorted[start].spanID { end += 1 }
                if sorted[end - 1].traceID != sorted[start].traceID { kept += sorted[start..<end] }
                start = end
            }
            return kept
        }
    }
}
