import TraceModel

extension InstrumentationHealth {
    /// One kind of mistake. A check is a case here and its entry below: what it counts and how,
    /// and what the health page and `summary.json` say of it.
    public enum Check: String, Sendable, CaseIterable {
        case orphanSpans = "orphan-spans"
        case unexpectedRoots = "unexpected-roots"
        case consumersWithoutContext = "consumers-without-context"
        case queueContextLost = "queue-context-lost"
        case sampling = "sampling"
        case lowSampling = "low-sampling"
        case inconsistentSampling = "inconsistent-sampling"
        case defaultServiceNames = "default-service-names"
        case missingSpanKinds = "missing-span-kinds"
        case endBeforeStart = "end-before-start"
        case zeroDuration = "zero-duration"
        case unsetClocks = "unset-clocks"
        case outlyingTimestamps = "outlying-timestamps"
        case clockSkew = "clock-skew"
        case incompleteTraces = "incomplete-traces"
        case keyAttributes = "key-attributes"
        case duplicateSpans = "duplicate-spans"
        case reusedSpanIDs = "reused-span-ids"
        case sharedSpanIDs = "shared-span-ids"
        case spanIDsAcrossTraces = "span-ids-across-traces"
        /// Found while reading, not in the traces: see `addReadingIssues(_:)`.
        case droppedRecords = "dropped-records"
        case repairedValues = "repaired-values"
    }
}

extension InstrumentationHealth.Check {
    /// Everything about a check but its name.
    struct Entry: Sendable {
        /// How much this kind of mistake matters.
        let severity: InstrumentationHealth.Severity
        /// A short name for the finding.
        let title: String
        /// What the rows count, for a table heading.
        let subjectHeading: String
        /// Which spans or traces are its cases.
        let counting: Counting
        /// What is wrong, its likely cause and the fix, in plain words.
        let advice: String
    }

    /// How a check finds its cases.
    enum Counting: Sendable {
        /// A case per span showing `sign`, counted for the span's operation or service (or, for
        /// `.hosts`, its parent's host and its own), out of `outOf`.
        case span(of: SpanSubject, showing: SpanSigns, outOf: SpanTotal = .subjectSpans)
        /// As many cases per trace as `cases` says, counted for the trace's root operation, out
        /// of its traces or of their spans.
        case trace(outOf: TraceTotal, cases: @Sendable (TraceFacts) -> Int)
        /// Judged when the findings are made, from what the tally keeps for it (the comment at
        /// the check's entry says what).
        case judged(of: SpanSubject)
        /// Rows made apart (the comment at the check's entry says where).
        case rowsOfTheirOwn
    }

    enum SpanSubject: Sendable {
        case operation, service
        /// The parent's host and the span's, for spans whose parent ran on another host.
        case hosts
    }

    /// What a row of a span check is out of.
    enum SpanTotal: Sendable {
        /// The subject's spans (for `.hosts`, the calls between the two hosts).
        case subjectSpans
        /// The operation's server or consumer spans that arrived with a parent, and its cases: an
        /// operation whose spans never arrive with one is a real entry point, and not reported.
        case arrivalsWithContext
    }

    /// What a row of a trace check is out of: its root operation's traces, or their spans
    /// (counting dropped duplicates).
    enum TraceTotal: Sendable {
        case traces, spans
    }

    /// What the counting knows of a span.
    struct SpanFacts {
        var kind: SpanKind
        var hasParentID: Bool
        /// Whether its parent is in its trace.
        var parentArrived: Bool
        var hasLinks: Bool
        var serviceIsUnnamed: Bool
        var wasSeparatedFromItsClient: Bool
        var startTimeUnixNano: UInt64
        var endTimeUnixNano: UInt64
        /// Whether an earlier span of its trace has its id.
        var idSeenBeforeInTrace: Bool
        /// Whether its parent ran on another host.
        var crossesHosts: Bool
        /// How far clock-skew adjustment moved it.
        var clockSkewShiftNano: Int64

        /// Server or consumer: a span that usually arrives with a caller's context.
        @inline(__always) var isEntryKind: Bool { kind == .server || kind == .consumer }

        /// The signs of a mistake the span shows. Worked out for every span, in one go: a
        /// test per check per span through a table of closures cost more than the rest of the
        /// counting together.
        @inline(__always) var signs: SpanSigns {
            var signs: SpanSigns = []
            if hasParentID && !parentArrived { signs.insert(.parentMissing) }
            if isEntryKind && !hasParentID && !hasLinks { signs.insert(.rootWhereContextExpected) }
            if kind == .consumer && !hasParentID && !hasLinks { signs.insert(.consumerWithoutContext) }
            if serviceIsUnnamed { signs.insert(.unnamedService) }
            if kind == .unspecified { signs.insert(.noKind) }
            if endTimeUnixNano < startTimeUnixNano { signs.insert(.endsBeforeStart) }
            if endTimeUnixNano == startTimeUnixNano { signs.insert(.lastsNoTime) }
            if startTimeUnixNano < InstrumentationHealth.earliestPlausibleNano { signs.insert(.clockUnset) }
            if crossesHosts && clockSkewShiftNano != 0 { signs.insert(.movedForClockSkew) }
            if idSeenBeforeInTrace { signs.insert(.idUsedBefore) }
            if wasSeparatedFromItsClient { signs.insert(.separatedFromItsClient) }
            return signs
        }
    }

    /// Signs of a mistake in one span (see `SpanFacts.signs`).
    struct SpanSigns: OptionSet, Sendable {
        let rawValue: UInt32

        /// It names a parent that is not in its trace.
        static let parentMissing = Self(rawValue: 1 << 0)
        /// A server or consumer span with neither a parent nor a link.
        static let rootWhereContextExpected = Self(rawValue: 1 << 1)
        static let consumerWithoutContext = Self(rawValue: 1 << 2)
        static let unnamedService = Self(rawValue: 1 << 3)
        static let noKind = Self(rawValue: 1 << 4)
        static let endsBeforeStart = Self(rawValue: 1 << 5)
        static let lastsNoTime = Self(rawValue: 1 << 6)
        /// It starts before 2001.
        static let clockUnset = Self(rawValue: 1 << 7)
        /// Clock-skew adjustment moved it, its parent being on another host.
        static let movedForClockSkew = Self(rawValue: 1 << 8)
        /// An earlier span of its trace has its id.
        static let idUsedBefore = Self(rawValue: 1 << 9)
        /// A server half of a shared span, given an id of its own.
        static let separatedFromItsClient = Self(rawValue: 1 << 10)
    }

    /// What a trace check may ask of a trace.
    struct TraceFacts {
        var isIncomplete: Bool
        var duplicatesDropped: Int
    }

    /// Table headings for what rows count.
    private enum Heading {
        static let operation = "Service: operation"
        static let service = "Service"
        static let hosts = "Parent's host → child's host"
        static let entryPoint = "Root service: operation"
        static let attribute = "Service: attribute"
        static let input = "Input"
        static let serviceOrEntryPoint = "Service, or root service: operation"
        static let callerToCallee = "Caller → callee"
    }

    public var severity: InstrumentationHealth.Severity { entry.severity }
    public var title: String { entry.title }
    public var subjectHeading: String { entry.subjectHeading }
    public var advice: String { entry.advice }
    var counting: Counting { entry.counting }

    /// The span checks, in case order, for the counting loop.
    static let spanChecks: [(check: Self, subject: SpanSubject, sign: SpanSigns)] = allCases.compactMap {
        guard case .span(let subject, let sign, _) = $0.counting else { return nil }
        return ($0, subject, sign)
    }

    /// The trace checks, in case order.
    static let traceChecks: [(check: Self, cases: @Sendable (TraceFacts) -> Int)] = allCases.compactMap {
        guard case .trace(_, let cases) = $0.counting else { return nil }
        return ($0, cases)
    }

    private var entry: Entry { Self.entries[self]! }

    private static let entries: [Self: Entry] = Dictionary(uniqueKeysWithValues: allCases.map { ($0, $0.makeEntry()) })

    private func makeEntry() -> Entry {
        switch self {
        case .orphanSpans:
            Entry(
                severity: .warning, title: "Spans whose parent never arrived", subjectHeading: Heading.operation,
                counting: .span(of: .operation, showing: .parentMissing),
                advice:
                    "These spans name a parent span that is not in the input. Either the parent's service does not export its spans "
                    + "(not instrumented, sampled differently, or its exporter drops spans under load), or the context was carried "
                    + "across a thread pool, queue or callback by hand and went wrong. Fix: instrument the calling service, make every "
                    + "service follow the caller's sampling decision (a parent-based sampler), and check the exporter's dropped-span count."
            )
        case .unexpectedRoots:
            Entry(
                severity: .warning, title: "Traces started where a caller's context was expected", subjectHeading: Heading.operation,
                counting: .span(of: .operation, showing: .rootWhereContextExpected, outOf: .arrivalsWithContext),
                advice:
                    "Server or consumer spans of these operations usually arrive with a caller's context, but these started new traces, "
                    + "so each request shows up as two unrelated traces. Likely cause: a client library or proxy in between that does not "
                    + "forward the traceparent header (or the message attribute), or an async hand-off that loses the context. Fix: "
                    + "enable propagation in that client, proxy or broker integration (W3C traceparent), or carry the context explicitly.")
        case .consumersWithoutContext:
            Entry(
                severity: .warning, title: "Consumer spans without a parent or link", subjectHeading: Heading.operation,
                counting: .span(of: .operation, showing: .consumerWithoutContext),
                advice:
                    "Consumer spans with neither a parent nor a link cannot be tied to the producer of their message. Fix: inject the context "
                    + "into the message headers when producing and extract it when consuming (the messaging instrumentation does this), "
                    + "and for batches add a span link to each message's context.")
        case .queueContextLost:
            // Judged from `Tally.producedMessages` and `Tally.contextlessConsumers`, once every
            // part of the input is in: the producer may be in any trace.
            Entry(
                severity: .warning, title: "Consumers that started a new trace though their producer was traced",
                subjectHeading: Heading.operation, counting: .judged(of: .operation),
                advice:
                    "These consumer spans carry the id of a message (messaging.message.id) that a traced producer span sent, yet started "
                    + "traces of their own with no link back: the context was lost in the queue, so what the request set off shows up "
                    + "apart from it. Likely cause: the producer does not inject the context into the message headers, the broker or a "
                    + "client in between drops them, or the consumer does not extract them (or processes a batch without links). Fix: "
                    + "use the messaging instrumentation on both sides, or inject and extract the W3C traceparent by hand.")
        case .sampling:
            // Rows from `Tally.declaredSampling`, made in `InstrumentationHealth.init(tally:traces:)`.
            Entry(
                severity: .info, title: "Sampling the spans declare", subjectHeading: Heading.serviceOrEntryPoint,
                counting: .rowsOfTheirOwn,
                advice:
                    "What the root and entry spans say of how their traces were sampled: an OpenTelemetry threshold in the W3C "
                    + "tracestate (ot=th:…), Jaeger's sampler.type and sampler.param tags, or sampling.priority. Each row is one "
                    + "declaration, with the spans carrying it; a trace in the input stands for about 1/p traces of the traffic.")
        case .lowSampling:
            Entry(
                severity: .warning, title: "Sampling so low that a failing request is likely lost",
                subjectHeading: Heading.serviceOrEntryPoint,
                counting: .rowsOfTheirOwn,
                advice:
                    "These services or entry points keep fewer than half of their traces, so a given failing request is more likely "
                    + "missing from the input than in it, and rare errors may not show at all. Fix: keep every trace with an error "
                    + "(tail-based sampling in the OpenTelemetry Collector, or Jaeger's adaptive sampling with a floor), or raise the "
                    + "rate for these entry points.")
        case .inconsistentSampling:
            // Rows from `Tally.downstreamCalls`, made in `InstrumentationHealth.init(tally:traces:)`.
            Entry(
                severity: .warning, title: "Services that sample on their own", subjectHeading: Heading.callerToCallee,
                counting: .rowsOfTheirOwn,
                advice:
                    "The callee is traced (its spans are in the input), yet many calls its caller traced have no span of it under them: "
                    + "it makes its own sampling decision instead of following the caller's, so traces lose their downstream parts. "
                    + "Fix: use a parent-based sampler in every service (the OpenTelemetry default, ParentBased), and sample only at "
                    + "the edge.")
        case .defaultServiceNames:
            Entry(
                severity: .warning, title: "Services without a name", subjectHeading: Heading.service,
                counting: .span(of: .service, showing: .unnamedService),
                advice:
                    "Spans without service.name are reported as unknown_service, and every unnamed process melts into one node. Fix: set "
                    + "OTEL_SERVICE_NAME (or the service.name resource attribute, or the Jaeger/Zipkin service name) in every process.")
        case .missingSpanKinds:
            Entry(
                severity: .notice, title: "Spans without a kind", subjectHeading: Heading.service,
                counting: .span(of: .service, showing: .noKind),
                advice:
                    "Without a kind (client, server, producer, consumer, internal) calls between services cannot be told from work inside "
                    + "one, and dependency graphs miss edges. Fix: set the kind when the span is started; instrumentation libraries do this."
            )
        case .endBeforeStart:
            Entry(
                severity: .error, title: "Spans that end before they start", subjectHeading: Heading.operation,
                counting: .span(of: .operation, showing: .endsBeforeStart),
                advice:
                    "An end time before the start time means the span was timed with two different clocks, or its end was never recorded "
                    + "and a default was written. Fix: take both times from one monotonic clock, and end spans exactly once.")
        case .zeroDuration:
            Entry(
                severity: .notice, title: "Spans of zero duration", subjectHeading: Heading.operation,
                counting: .span(of: .operation, showing: .lastsNoTime),
                advice:
                    "Spans that last no time at all were usually ended right after being started (the work ran elsewhere, asynchronously), "
                    + "or carry no timestamps at all. Fix: end the span when the work ends, in the callback or continuation.")
        case .unsetClocks:
            Entry(
                severity: .error, title: "Timestamps before 2001", subjectHeading: Heading.service,
                counting: .span(of: .service, showing: .clockUnset),
                advice:
                    "These spans start before 2001: the clock was not set, or seconds or milliseconds were written where nanoseconds "
                    + "belong. Fix: check the unit of the timestamps the exporter writes (OTLP wants nanoseconds since 1970, Zipkin "
                    + "and Jaeger JSON microseconds).")
        case .outlyingTimestamps:
            // Judged once the median trace start of the whole input is known, from `Tally.startHours`.
            Entry(
                severity: .warning, title: "Timestamps far from the rest", subjectHeading: Heading.service, counting: .judged(of: .service),
                advice:
                    "These spans start more than a day (by the hour) away from the median start of all traces read: a host whose clock is far off, "
                    + "spans replayed from an old buffer, or (harmless) inputs from different days read together. Fix: check the "
                    + "hosts' time synchronisation (NTP), and read one period's exports per report.")
        case .clockSkew:
            Entry(
                severity: .notice, title: "Clock skew between hosts", subjectHeading: Heading.hosts,
                counting: .span(of: .hosts, showing: .movedForClockSkew),
                advice:
                    "Children started before their parent or ended after it by more than the network could explain, so the assembler moved "
                    + "them (as Jaeger does) to keep the waterfall readable. The hosts' clocks disagree. Fix: run time synchronisation "
                    + "(NTP or PTP) on every host; shifts of many milliseconds point to a host that is not synchronised at all.")
        case .incompleteTraces:
            Entry(
                severity: .warning, title: "Incomplete traces", subjectHeading: Heading.entryPoint,
                counting: .trace(outOf: .traces) { $0.isIncomplete ? 1 : 0 },
                advice:
                    "Traces of these entry points lack spans that their other spans name as parents: some services did not export, or "
                    + "sampled the request differently. Fix: use parent-based sampling everywhere, and look at the orphan spans above for "
                    + "which operations lose their parents.")
        case .keyAttributes:
            // Rows made from each service's coverage (`Tally.services`).
            Entry(
                severity: .info, title: "Key attributes missing", subjectHeading: Heading.attribute, counting: .rowsOfTheirOwn,
                advice:
                    "The attributes people search and group by are missing on part of the spans. Fix: add them where the spans are "
                    + "created (http.route on HTTP server spans, db.system on database calls, enduser.id where a user is known); "
                    + "choose the attributes checked with --key-attribute.")
        case .duplicateSpans:
            Entry(
                severity: .notice, title: "Spans exported twice", subjectHeading: Heading.entryPoint,
                counting: .trace(outOf: .spans) { $0.duplicatesDropped },
                advice:
                    "Identical copies of the same span arrived more than once; they were dropped. Likely cause: an exporter or collector "
                    + "retrying a batch that had in fact been received, or the same file read twice. Fix: make retries idempotent "
                    + "downstream, or check the collector pipeline for duplicate exporters.")
        case .reusedSpanIDs:
            Entry(
                severity: .error, title: "Span ids used by different spans of a trace", subjectHeading: Heading.operation,
                counting: .span(of: .operation, showing: .idUsedBefore),
                advice:
                    "Different spans of one trace carry the same span id, so their children cannot be placed with certainty (they attach "
                    + "to the earliest). Likely cause: a broken id generator (a fixed seed, a counter per process) or spans copied "
                    + "and changed. Fix: generate span ids from a good random source, per span.")
        case .sharedSpanIDs:
            Entry(
                severity: .info, title: "Server spans sharing their client's span id", subjectHeading: Heading.operation,
                counting: .span(of: .operation, showing: .separatedFromItsClient),
                advice:
                    "With Zipkin's B3 propagation a server may record its half of an RPC under its client's span id (\"shared\" spans). "
                    + "tracereport gives each server half an id of its own and shows it as the client's child, as Jaeger does, but "
                    + "other tools may merge the halves into one span and mix their times and tags. Fix, if you want one span per "
                    + "process: let servers create their own span ids (W3C traceparent, or B3 without joined spans).")
        case .spanIDsAcrossTraces:
            // Judged on the spans as read, from `Tally.spanIDsInSeveralTraces`.
            Entry(
                severity: .warning, title: "Span ids reused across traces", subjectHeading: Heading.operation,
                counting: .judged(of: .operation),
                advice:
                    "The same span id turns up in different traces. Random 64-bit ids almost never collide, so this points to a "
                    + "generator with little randomness (seeded per process, or a counter). Fix: use the SDK's id generator.")
        case .droppedRecords:
            // Rows added from what reading the inputs noted: `addReadingIssues(_:)`.
            Entry(
                severity: .warning, title: "Records left out of the inputs", subjectHeading: Heading.input, counting: .rowsOfTheirOwn,
                advice:
                    "Records of these inputs could not be read as written and were left out (a span without a valid id, a link, event "
                    + "or attribute that cannot be read, the rest of a line or file that breaks off); everything else in the input "
                    + "was read. The detail says what was wrong and where its first case is. Likely cause: an exporter or a pipeline "
                    + "that writes invalid values, or a file cut short (a collector killed mid-write). With --strict an input with "
                    + "such a record is skipped whole instead.")
        case .repairedValues:
            // Rows added from what reading the inputs noted: `addReadingIssues(_:)`.
            Entry(
                severity: .notice, title: "Values repaired while reading", subjectHeading: Heading.input, counting: .rowsOfTheirOwn,
                advice:
                    "Values of these inputs could not be read as written; their records were kept with the value repaired or left "
                    + "out, as the detail says (an unknown kind read as unspecified, a parent id that cannot be read shown as a root).")
        }
    }
}
