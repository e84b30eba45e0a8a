public import TraceAssembly
public import TraceModel

extension Workflows {
    /// What joins traces, noted trace by trace: the spans other traces may point at (producers),
    /// the spans that point at another trace (by a link, or by the id of the message they
    /// consumed), and the traces carrying each value of the join attribute. Tallies of parts of an
    /// input merge into the tally of the whole (lists in one order); the traces are joined only
    /// when every part is in (`Workflows(tally:traces:)`).
    public struct Tally: Sendable, Equatable {
        /// A producer span.
        public struct Sender: Sendable, Equatable, Comparable {
            public var trace: TraceID
            public var span: SpanID
            public var endUnixNano: UInt64
            /// The hash of the id of the message it sent (`MessageID`), if it has one.
            public var message: UInt64?

            public static func < (lhs: Sender, rhs: Sender) -> Bool {
                (lhs.trace, lhs.span, lhs.endUnixNano, lhs.message ?? 0) < (rhs.trace, rhs.span, rhs.endUnixNano, rhs.message ?? 0)
            }
        }

        /// A span that points at another trace.
        public struct Receiver: Sendable, Equatable, Comparable {
            public enum Pointer: Sendable, Equatable, Comparable {
                /// A span link (Jaeger's FOLLOWS_FROM to another trace arrives as one).
                case link(trace: TraceID, span: SpanID)
                /// A consumer span's message id hash.
                case message(UInt64)
            }

            public var trace: TraceID
            public var span: SpanID
            public var startUnixNano: UInt64
            public var pointer: Pointer

            public static func < (lhs: Receiver, rhs: Receiver) -> Bool {
                (lhs.trace, lhs.span, lhs.startUnixNano) < (rhs.trace, rhs.span, rhs.startUnixNano)
                    || ((lhs.trace, lhs.span, lhs.startUnixNano) == (rhs.trace, rhs.span, rhs.startUnixNano) && lhs.pointer < rhs.pointer)
            }
        }

        /// A trace carrying a value of the join attribute.
        public struct Keyed: Sendable, Equatable, Comparable {
            public var value: String
            public var trace: TraceID

            public static func < (lhs: Keyed, rhs: Keyed) -> Bool { (lhs.value, lhs.trace) < (rhs.value, rhs.trace) }
        }

        /// The attribute whose shared values join traces (`--join-attribute`), if any.
        public let joinAttribute: String?
        public internal(set) var senders: [Sender] = []
        public internal(set) var receivers: [Receiver] = []
        public internal(set) var keyed: [Keyed] = []

        public init(joinAttribute: String?) { self.joinAttribute = joinAttribute }

        /// Notes what joins `traces` to others.
        public init(traces: some Collection<Trace>, joinAttribute: String?) {
            self.init(joinAttribute: joinAttribute)
            for trace in traces { note(trace) }
            sort()
        }

        private mutating func note(_ trace: Trace) {
            var values: Set<String> = []
            for index in trace.spans.indices {
                let kind = trace.spans[index].kind
                if kind == .producer {
                    senders.append(
                        Sender(
                            trace: trace.traceID, span: trace.spans[index].spanID, endUnixNano: trace.spans[index].endTimeUnixNano,
                            message: MessageID.hash(trace.spans[index].attributes)))
                }
                if kind == .consumer, let message = MessageID.hash(trace.spans[index].attributes) {
                    receivers.append(
                        Receiver(
                            trace: trace.traceID, span: trace.spans[index].spanID, startUnixNano: trace.spans[index].startTimeUnixNano,
                            pointer: .message(message)))
                }
                for link in trace.spans[index].links where link.traceID != trace.traceID {
                    receivers.append(
                        Receiver(
                            trace: trace.traceID, span: trace.spans[index].spanID, startUnixNano: trace.spans[index].startTimeUnixNano,
                            pointer: .link(trace: link.traceID, span: link.spanID)))
                }
                if let joinAttribute, let value = trace.spans[index].attributes[key: joinAttribute], !value.description.isEmpty {
                    values.insert(value.description)
                }
            }
            keyed += values.map { Keyed(value: $0, trace: trace.traceID) }
        }

        /// Puts the lists in one order, whatever order the traces came in.
        mutating func sort() {
            senders.sort()
            receivers.sort()
            keyed.sort()
        }

        /// Adds what another part of the input noted (with the same join attribute).
        public mutating func merge(_ other: Tally) {
            senders += other.senders
            receivers += other.receivers
            keyed += other.keyed
            sort()
        }
    }
}
