public import TraceAssembly
public import TraceModel

extension WastePatterns {
    /// What the patterns counted over part of an input. Tallies of the parts of an input merge
    /// into the tally of the whole: counts and times add up, and the examples are the traces
    /// where the pattern cost most in either.
    public struct Tally: Sendable, Equatable {
        /// A trace given as an example, with the time the pattern cost in it.
        public struct Example: Sendable, Hashable {
            public var lostNano: UInt64
            public var order: ReportOrder

            public init(lostNano: UInt64, order: ReportOrder) {
                self.lostNano = lostNano
                self.order = order
            }

            public var traceID: TraceID { order.traceID }

            /// Most time lost first, then earliest.
            static func precedes(_ a: Example, _ b: Example) -> Bool {
                a.lostNano != b.lostNano ? a.lostNano > b.lostNano : a.order < b.order
            }
        }

        /// A subject's cases of a pattern.
        public struct Cases: Sendable, Equatable {
            public var occurrences = 0
            public var traces = 0
            public var calls = 0
            public var lostNano: UInt64 = 0
            /// At most `examplesPerRow` traces, most time lost first.
            public var examples: [Example] = []

            public init() {}

            mutating func note(_ example: Example) {
                guard examples.count < WastePatterns.examplesPerRow || Example.precedes(example, examples.last!) else { return }
                examples.insert(example, at: examples.firstIndex { Example.precedes(example, $0) } ?? examples.endIndex)
                if examples.count > WastePatterns.examplesPerRow { examples.removeLast() }
            }

            public mutating func merge(_ other: Cases) {
                occurrences = occurrences.saturatingAdding(other.occurrences)
                traces = traces.saturatingAdding(other.traces)
                calls = calls.saturatingAdding(other.calls)
                lostNano = lostNano.saturatingAdding(other.lostNano)
                for example in other.examples { note(example) }
            }
        }

        public var thresholds: Thresholds
        public var cases: [Pattern: [Subject: Cases]] = [:]

        public init(thresholds: Thresholds) {
            self.thresholds = thresholds
        }

        /// Counts the patterns in `traces`.
        public init(traces: some Collection<Trace>, thresholds: Thresholds) {
            self.init(thresholds: thresholds)
            for trace in traces { add(trace) }
        }

        /// Counts the patterns in one trace.
        public mutating func add(_ trace: Trace) {
            let found = TraceScan(trace: trace, thresholds: thresholds).occurrences()
            guard !found.isEmpty else { return }
            let order = ReportOrder(trace)
            for (pattern, subjects) in found {
                for (subject, occurrence) in subjects {
                    var entry = Cases()
                    entry.occurrences = occurrence.occurrences
                    entry.traces = 1
                    entry.calls = occurrence.calls
                    entry.lostNano = occurrence.lostNano
                    entry.note(Example(lostNano: occurrence.lostNano, order: order))
                    cases[pattern, default: [:]][subject, default: Cases()].merge(entry)
                }
            }
        }

        /// Adds what another part of the input counted (with the same thresholds).
        public mutating func merge(_ other: Tally) {
            for (pattern, subjects) in other.cases {
                for (subject, entry) in subjects { cases[pattern, default: [:]][subject, default: Cases()].merge(entry) }
            }
        }
    }

    /// What one trace holds of a pattern for one subject.
    struct Occurrence: Sendable, Equatable {
        var occurrences = 0
        var calls = 0
        var lostNano: UInt64 = 0

        mutating func add(calls: Int, lostNano: UInt64) {
            occurrences += 1
            self.calls = self.calls.saturatingAdding(calls)
            self.lostNano = self.lostNano.saturatingAdding(lostNano)
        }
    }
}
