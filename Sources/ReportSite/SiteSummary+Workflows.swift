import TraceAnalysis
import TraceModel

extension SiteSummary {
    /// `workflows.html` for machines: every workflow (traces joined across asynchronous
    /// boundaries), longest first, and the traces whose links lead out of the input.
    public struct Workflows: Codable, Equatable, Sendable {
        public struct Join: Codable, Equatable, Sendable {
            /// The earlier trace and the later one (ids).
            public var from: String
            public var to: String
            /// "link", "message" or "join-attribute".
            public var via: String
            /// From enqueue to dequeue (negative when clocks disagree); absent when unknown.
            public var queueNano: Int64?
        }

        public struct Workflow: Codable, Equatable, Sendable {
            /// Trace ids, in report order.
            public var traces: [String]
            public var joins: [Join]
            /// Trace ids its spans link to that are not in the input.
            public var missing: [String]
        }

        public struct Dangling: Codable, Equatable, Sendable {
            public var trace: String
            public var missing: [String]
        }

        public var joinAttribute: String?
        public var workflows: [Workflow]
        public var dangling: [Dangling]

        init(_ found: TraceAnalysis.Workflows, traces: [TraceDigest], joinAttribute: String?) {
            self.joinAttribute = joinAttribute
            workflows = found.workflows.map { workflow in
                Workflow(
                    traces: workflow.traces.map { traces[$0].traceID.hex },
                    joins: workflow.joins.map {
                        Join(
                            from: traces[$0.from].traceID.hex, to: traces[$0.to].traceID.hex, via: $0.via.rawValue, queueNano: $0.queueNano)
                    }, missing: workflow.missing.map(\.hex))
            }
            dangling = found.dangling.map { Dangling(trace: traces[$0.trace].traceID.hex, missing: $0.missing.map(\.hex)) }
        }
    }
}
