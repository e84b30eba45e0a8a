public import TraceModel

/// Patterns that waste a request's time, found in the shape and timing of its spans: N+1 calls,
/// calls made one after another that could run side by side, retries, time no span accounts for,
/// and chatty caller → callee pairs. Each is counted per subject across every trace, with an
/// estimate of the time it cost and the traces where it cost most.
public struct WastePatterns: Sendable, Equatable {
    /// One kind of waste.
    public enum Pattern: String, Sendable, CaseIterable, Comparable {
        case nPlusOne = "n-plus-one"
        case sequentialCalls = "sequential-calls"
        case retries = "retries"
        case uninstrumentedTime = "uninstrumented-time"
        case chattyEdges = "chatty-edges"

        public static func < (lhs: Pattern, rhs: Pattern) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }

        /// A short name for the finding.
        public var title: String {
            switch self {
            case .nPlusOne: "N+1 calls"
            case .sequentialCalls: "Calls made one after another"
            case .retries: "Retries"
            case .uninstrumentedTime: "Time no span accounts for"
            case .chattyEdges: "Chatty callers"
            }
        }

        /// What a row's subject is, for a table heading.
        public var subjectHeading: String {
            switch self {
            case .nPlusOne, .retries: "Caller → repeated call"
            case .sequentialCalls: "Caller → callees in order"
            case .uninstrumentedTime: "Span"
            case .chattyEdges: "Caller → callee"
            }
        }

        /// What the pattern is, why it costs time, how the time is estimated and what to do.
        public var advice: String {
            switch self {
            case .nPlusOne:
                "One span makes the same call (same operation, callee and statement shape) many times, one after another: typically a loop fetching rows one at a time. Each call pays a round trip. Time lost is estimated as the calls' summed duration less the longest call, what one batched call would have taken. Fetch the rows in one query (IN (…), a join, a batch endpoint) or load them eagerly."
            case .sequentialCalls:
                "One span calls several different services or resources one after another and waits for all of them. If the calls do not need each other's results they could run side by side. Time that could be saved is estimated as their summed duration less the longest call. Issue independent calls concurrently (futures, async let, a task group, Promise.all)."
            case .retries:
                "A call failed and was made again to the same operation. Each failed attempt and the wait before the next are time the request spent without progress. Time lost runs from the first failed attempt's start to the start of the attempt after the last failure. Find why the first attempts fail; check the timeouts and back-off, and that the operation is safe to retry."
            case .uninstrumentedTime:
                "A span spends most of its time on the critical path outside its children: the request waited on work no span describes (CPU work, locks, a pool, an uninstrumented library or call). Time lost is that time on the critical path. Add spans (or profiling) inside the operation to see where it goes."
            case .chattyEdges:
                "A caller makes many calls to one callee within a single request. Every call pays its own round trip, serialisation and queueing. Time lost is estimated as the calls' time on the critical path less the longest call's. Batch the calls, cache what is asked repeatedly, or move the work to the callee."
            }
        }
    }

    /// The options that decide what counts as a pattern. Changing them changes the report, so
    /// parts of an input built with different thresholds do not merge.
    public struct Thresholds: Sendable, Equatable, Hashable, Codable {
        /// N+1: at least this many calls of one kind, one after another, under one span.
        public var nPlusOneCalls = 5
        /// Sequential calls: at least this many calls to different callees, one after another.
        public var sequentialCalls = 3
        /// Chatty edges: at least this many calls from a caller service to one callee in a trace.
        public var chattyCalls = 20
        /// Uninstrumented time: a span's own time on the critical path is at least this share
        /// (per cent) of its duration…
        public var uninstrumentedPercent = 50
        /// …and at least this long.
        public var uninstrumentedNano: UInt64 = 10_000_000

        public init() {}
    }

    /// One subject's cases of a pattern.
    public struct Row: Sendable, Equatable {
        public var subject: Subject
        /// How many times the pattern occurred (a group of calls, a retry chain, a span).
        public var occurrences: Int
        /// In how many traces.
        public var traces: Int
        /// Calls involved, over every occurrence (for uninstrumented time, the spans).
        public var calls: Int
        /// The estimated time lost, over every occurrence.
        public var lostNano: UInt64
        /// The traces where the pattern cost most, most first.
        public var examples: [TraceID]
    }

    /// Where a pattern occurs: the span it occurs under and what it repeats or calls.
    public struct Subject: Sendable, Hashable, Comparable {
        public var service: String
        public var operation: String
        /// The repeated call, the callees in order, the callee: empty for uninstrumented time.
        public var target: String

        public init(service: String, operation: String, target: String) {
            self.service = service
            self.operation = operation
            self.target = target
        }

        /// "service: operation → target", or without the operation for chatty edges.
        public var description: String {
            let place = operation.isEmpty ? service : "\(service): \(operation)"
            return target.isEmpty ? place : "\(place) → \(target)"
        }

        public static func < (lhs: Subject, rhs: Subject) -> Bool {
            (lhs.service, lhs.operation, lhs.target) < (rhs.service, rhs.operation, rhs.target)
        }
    }

    /// A pattern that was found.
    public struct Finding: Sendable, Equatable {
        public var pattern: Pattern
        /// Most time lost first.
        public var rows: [Row]
        public var occurrences: Int { rows.lazy.map(\.occurrences).saturatingSum() }
        public var lostNano: UInt64 { rows.lazy.map(\.lostNano).saturatingSum() }
    }

    public let thresholds: Thresholds
    /// Patterns found, most time lost first.
    public let findings: [Finding]

    /// Examples kept per row.
    public static let examplesPerRow = 3

    /// The findings of what `tally` counted.
    public init(tally: Tally) {
        thresholds = tally.thresholds
        var findings: [Finding] = []
        for pattern in Pattern.allCases {
            guard let subjects = tally.cases[pattern], !subjects.isEmpty else { continue }
            let rows = subjects.map { subject, cases in
                Row(
                    subject: subject, occurrences: cases.occurrences, traces: cases.traces, calls: cases.calls, lostNano: cases.lostNano,
                    examples: cases.examples.map(\.traceID))
            }
            findings.append(
                Finding(
                    pattern: pattern,
                    rows: rows.sorted { ($1.lostNano, $1.occurrences, $0.subject) < ($0.lostNano, $0.occurrences, $1.subject) }))
        }
        self.findings = findings.sorted { ($1.lostNano, $0.pattern) < ($0.lostNano, $1.pattern) }
    }

    /// Traces the findings give as examples, for pages of their own.
    public var exampleTraces: Set<TraceID> { Set(findings.flatMap { $0.rows.flatMap(\.examples) }) }
}
