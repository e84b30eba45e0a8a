public import TraceAssembly
public import TraceModel

/// The common instrumentation mistakes, found in the data itself: context lost between services,
/// services without names, spans without kinds or with impossible times, clock skew between
/// hosts, incomplete traces, missing key attributes, and span ids used twice. Each check counts
/// its cases per subject (a service, an operation, a host pair or a root operation) against how
/// many could have had the problem, with example traces.
public struct InstrumentationHealth: Sendable {
    /// How much a finding matters, least first.
    public enum Severity: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
        /// Worth knowing; never fails a run.
        case info
        /// Makes traces harder to read.
        case notice
        /// Makes traces misleading or incomplete.
        case warning
        /// Makes the data wrong.
        case error

        public var description: String {
            switch self {
            case .info: "info"
            case .notice: "notice"
            case .warning: "warning"
            case .error: "error"
            }
        }

        /// The severity named `name` ("notice", "warning", "error", "info"), or nil.
        public init?(name: String) {
            guard let match = Self.allCases.first(where: { $0.description == name.lowercased() }) else { return nil }
            self = match
        }

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The cases of one check for one subject.
    public struct Row: Sendable, Equatable {
        /// What the row counts: "service: operation", a service, "host → host" or a root operation.
        public var subject: String
        /// How many spans (or traces, or pairs) have the problem.
        public var count: Int
        /// How many could have had it: the subject's spans (or traces, or calls between the hosts).
        public var total: Int
        /// More about the cases (for clock skew: how far the spans were moved).
        public var detail: String
        /// Up to three traces with the problem, earliest first.
        public var examples: [TraceID]

        public var share: Double { total == 0 ? 0 : Double(count) / Double(total) }
    }

    /// A check that found something.
    public struct Finding: Sendable, Equatable {
        public var check: Check
        /// Subjects with the most cases first.
        public var rows: [Row]
        public var severity: Severity { check.severity }
        /// Cases over every subject.
        public var count: Int { rows.lazy.map(\.count).saturatingSum() }
    }

    /// How often one service's spans carry each key attribute (on the span or its resource).
    public struct Coverage: Sendable, Equatable {
        public var service: String
        public var spans: Int
        /// Spans carrying each key, in the order of `keyAttributes`.
        public var present: [Int]
    }

    /// The key attributes coverage was measured for.
    public let keyAttributes: [String]
    /// Checks that found something, most severe first, then most cases.
    public private(set) var findings: [Finding]
    /// One entry per service, by name.
    public let coverage: [Coverage]

    /// The attributes people search by, from the OpenTelemetry semantic conventions.
    public static let defaultKeyAttributes = ["http.route", "http.response.status_code", "db.system", "enduser.id"]
    /// Examples kept per row.
    public static let examplesPerRow = 3

    /// Spans starting before 2001 had an unset clock or seconds taken for nanoseconds.
    static let earliestPlausibleNano: UInt64 = 978_307_200_000_000_000
    static let hourNano: UInt64 = 3_600_000_000_000
    /// Spans starting in an hour further than this many hours from the hour of the median trace
    /// start are outliers. Counting by the hour lets parts of an input be tallied apart and
    /// judged once the median of the whole is known.
    static let outlierDistanceHours: UInt64 = 24

    /// Examines every span of `traces` (in report order); `keyAttributes` are the attributes whose
    /// coverage is measured.
    public init(traces: [Trace], keyAttributes: [String] = InstrumentationHealth.defaultKeyAttributes) {
        var tally = Tally(traces: traces, keyAttributes: keyAttributes)
        tally.spanIDsInSeveralTraces = Tally.spanIDsInSeveralTraces(inTraces: traces)
        self.init(tally: tally, traces: traces.map(TraceDigest.init))
    }

    /// The findings of what `tally` counted over `traces` (every trace of the input, in report
    /// order: they give the median start, and the order of the traces sharing span ids).
    public init(tally: Tally, traces: [TraceDigest]) {
        self.keyAttributes = tally.keyAttributes
        var cases = tally.cases
        Self.judgeStartHours(tally.startHours, traces: traces, into: &cases)
        Self.judgeSpanIDs(tally.spanIDsInSeveralTraces, traces: traces, into: &cases)
        for consumer in tally.contextlessConsumers where tally.producedMessages.contains(consumer.message) {
            cases[.queueContextLost, default: [:]][.operation(consumer.operation), default: Tally.Cases()].add(1, example: consumer.trace)
        }

        var findings: [Finding] = []
        for check in Check.allCases {
            guard let subjects = cases[check] else { continue }
            let rows = subjects.compactMap { subject, entry -> Row? in
                guard let total = Self.total(check, subject, tally, cases: entry.count) else { return nil }
                return Row(
                    subject: Self.name(of: subject), count: entry.count, total: total, detail: Self.shiftDetail(subject, tally.shifts),
                    examples: entry.examples.map(\.traceID))
            }
            guard !rows.isEmpty else { continue }
            findings.append(Finding(check: check, rows: rows.sorted { ($1.count, $0.subject) < ($0.count, $1.subject) }))
        }
        let coverageRows = tally.services.map { name, counts in
            Coverage(service: name, spans: counts.spans, present: counts.present)
        }.sorted { $0.service < $1.service }
        var gaps: [Row] = []
        for entry in coverageRows {
            for (position, key) in keyAttributes.enumerated() where entry.present[position] < entry.spans {
                gaps.append(
                    Row(
                        subject: "\(entry.service): \(key)", count: entry.spans - entry.present[position], total: entry.spans, detail: "",
                        examples: []))
            }
        }
        if !gaps.isEmpty {
            findings.append(Finding(check: .keyAttributes, rows: gaps.sorted { ($1.count, $0.subject) < ($0.count, $1.subject) }))
        }
        findings += Self.samplingFindings(tally)
        self.findings = Self.ordered(findings)
        self.coverage = coverageRows
    }

    /// Below this chance of keeping a trace, a failing request is more likely lost than kept.
    static let lowSamplingProbability = 0.5
    /// A callee that kept fewer than this share of at least `sampledCallsMinimum` calls its
    /// caller traced samples on its own.
    static let keptCallsShare = 0.9
    static let sampledCallsMinimum = 10

    /// The sampling the spans declare, where it is low, and callees that sample on their own.
    private static func samplingFindings(_ tally: Tally) -> [Finding] {
        var declared: [Row] = []
        var low: [Row] = []
        for (subject, declarations) in tally.declaredSampling {
            let total: Int =
                switch subject {
                case .entryPoint(let key): tally.operations[key]?.traces ?? 0
                case .service(let name): tally.services[name]?.decisionSpans ?? 0
                default: 0
                }
            for (declaration, count) in declarations {
                let kept = declaration.probability.map { "keeps \(DurationFormat.significant($0 * 100))% of traces" } ?? "no fixed share"
                let row = Row(
                    subject: name(of: subject), count: count, total: max(total, count), detail: "\(declaration.source): \(kept)",
                    examples: [])
                declared.append(row)
                if let probability = declaration.probability, probability < lowSamplingProbability { low.append(row) }
            }
        }
        for (subject, spread) in estimatedSpreads(tally) {
            guard let probability = spread.estimatedProbability else { continue }
            let share = DurationFormat.significant(probability * 100)
            let row = Row(
                subject: name(of: subject), count: spread.traces, total: spread.traces,
                detail: "estimated from the trace ids: a ratio sampler keeping about \(share)% (every id low in its range)", examples: [])
            declared.append(row)
            if probability < lowSamplingProbability { low.append(row) }
        }
        var inconsistent: [Row] = []
        for (pair, calls) in tally.downstreamCalls
        where tally.services[pair.callee] != nil && pair.callee != pair.caller && calls.calls >= sampledCallsMinimum
            && Double(calls.reached) < keptCallsShare * Double(calls.calls)
        {
            let share = DurationFormat.significant(Double(calls.reached) / Double(calls.calls) * 100)
            inconsistent.append(
                Row(
                    subject: "\(pair.caller) → \(pair.callee)", count: calls.calls - calls.reached, total: calls.calls,
                    detail: "\(pair.callee) kept \(share)% of the calls \(pair.caller) traced", examples: []))
        }
        // Requests a service recorded whose callers kept nothing of them: it samples more.
        var entriesWithParent: [String: Int] = [:]
        for (key, counts) in tally.operations { entriesWithParent[key.service, default: 0] += counts.entryWithParent }
        for (service, counts) in tally.services where counts.callerlessEntries >= sampledCallsMinimum {
            let arrived = max(entriesWithParent[service] ?? 0, counts.callerlessEntries)
            let kept = Double(arrived - counts.callerlessEntries) / Double(arrived)
            guard kept < keptCallsShare else { continue }
            inconsistent.append(
                Row(
                    subject: "its callers → \(service)", count: counts.callerlessEntries, total: arrived,
                    detail: "\(service) recorded requests whose callers kept nothing of them (a parent id no span of the input has, "
                        + "heading a trace of their own): it samples more than its callers (or a caller sends no spans), which kept about "
                        + "\(DurationFormat.significant(kept * 100))% of the requests it recorded", examples: []))
        }
        let order: (Row, Row) -> Bool = { ($1.count, $0.subject, $0.detail) < ($0.count, $1.subject, $1.detail) }
        return [(Check.sampling, declared), (.lowSampling, low), (.inconsistentSampling, inconsistent)].compactMap { check, rows in
            rows.isEmpty ? nil : Finding(check: check, rows: rows.sorted(by: order))
        }
    }

    /// The trace ids of each entry point's traces, and of each service's root operations together.
    private static func estimatedSpreads(_ tally: Tally) -> [(Tally.Subject, TraceIDSpread)] {
        var services: [String: TraceIDSpread] = [:]
        var spreads: [(Tally.Subject, TraceIDSpread)] = []
        for (key, counts) in tally.operations where counts.traceIDs.traces > 0 {
            spreads.append((.entryPoint(key), counts.traceIDs))
            services[key.service, default: TraceIDSpread()].merge(counts.traceIDs)
        }
        return spreads + services.map { (.service($0.key), $0.value) }
    }

    /// Most severe first, then most cases.
    private static func ordered(_ findings: [Finding]) -> [Finding] {
        findings.sorted { ($1.severity, $0.count, $1.check.rawValue) < ($0.severity, $1.count, $0.check.rawValue) }
    }

    /// Adds what reading the inputs dropped or repaired: a row per input and reason, out of the
    /// spans read from it (and, for dropped records, the records dropped).
    public mutating func addReadingIssues(_ inputs: [(path: String, spanCount: Int, issues: RecordIssues)]) {
        for check in [Check.droppedRecords, .repairedValues] {
            let rows = inputs.flatMap { input in
                input.issues.reasons.filter { $0.dropsRecord == (check == .droppedRecords) }.map { reason in
                    Row(
                        subject: input.path, count: reason.count,
                        total: input.spanCount.saturatingAdding(check == .droppedRecords ? input.issues.dropped : 0),
                        detail: "\(reason.action): \(reason.problem) (first at \(reason.firstPlace))", examples: [])
                }
            }
            guard !rows.isEmpty else { continue }
            findings.append(
                Finding(check: check, rows: rows.sorted { ($1.count, $0.subject, $0.detail) < ($0.count, $1.subject, $1.detail) }))
        }
        findings = Self.ordered(findings)
    }

    /// The most severe finding, or nil when there is none.
    public var worstSeverity: Severity? { findings.map(\.severity).max() }

    /// Traces the findings give as examples, for pages of their own.
    public var exampleTraces: Set<TraceID> { Set(findings.flatMap { $0.rows.flatMap(\.examples) }) }

    /// Spans more than a day from the median trace start (by the hour), per service.
    private static func judgeStartHours(
        _ startHours: [String: [UInt64: Tally.Cases]], traces: [TraceDigest], into cases: inout [Check: [Tally.Subject: Tally.Cases]]
    ) {
        guard !traces.isEmpty else { return }
        let medianHour = traces[traces.count / 2].startTimeUnixNano / hourNano
        for (service, hours) in startHours {
            for (hour, entry) in hours where (hour > medianHour ? hour - medianHour : medianHour - hour) > outlierDistanceHours {
                cases[.outlyingTimestamps, default: [:]][.service(service), default: Tally.Cases()].merge(entry)
            }
        }
    }

    /// Of the places of a span id met in several traces, those outside the earliest trace count.
    private static func judgeSpanIDs(
        _ locations: [SpanIDLocation], traces: [TraceDigest], into cases: inout [Check: [Tally.Subject: Tally.Cases]]
    ) {
        guard !locations.isEmpty else { return }
        let wanted = Set(locations.map(\.traceID))
        var order: [TraceID: ReportOrder] = [:]
        for trace in traces where wanted.contains(trace.traceID) { order[trace.traceID] = trace.reportOrder }
        func key(_ id: TraceID) -> ReportOrder { order[id] ?? ReportOrder(startTimeUnixNano: 0, traceID: id) }
        let sorted = Tally.spanIDsInSeveralTraces(locations)
        var start = 0
        while start < sorted.count {
            var end = start + 1
            while end < sorted.count, sorted[end].spanID == sorted[start].spanID { end += 1 }
            let first = sorted[start..<end].map { key($0.traceID) }.min()!
            for location in sorted[start..<end] where location.traceID != first.traceID {
                let subject = Tally.Subject.operation(ServiceGraph.OperationKey(service: location.service, operation: location.operation))
                cases[.spanIDsAcrossTraces, default: [:]][subject, default: Tally.Cases()].add(1, example: key(location.traceID))
            }
            start = end
        }
    }

    private static func name(of subject: Tally.Subject) -> String {
        switch subject {
        case .operation(let key), .entryPoint(let key): "\(key.service): \(key.operation)"
        case .service(let name): name
        case .hosts(let pair): "\(pair.parent) → \(pair.child)"
        }
    }

    /// How many could have had the problem of `check` for `subject`, which has `cases`; nil
    /// when the row is not reported.
    private static func total(_ check: Check, _ subject: Tally.Subject, _ tally: Tally, cases: Int) -> Int? {
        switch (check.counting, subject) {
        case (.span(_, _, .arrivalsWithContext), .operation(let key)):
            let arrivals = tally.operations[key]?.entryWithParent ?? 0
            return arrivals > 0 ? arrivals.saturatingAdding(cases) : nil
        case (.trace(.traces, _), .entryPoint(let key)): return tally.operations[key]?.traces ?? 0
        case (.trace(.spans, _), .entryPoint(let key)): return tally.operations[key]?.entryPointSpans ?? 0
        case (_, .hosts(let pair)): return tally.crossHostCalls[pair] ?? 0
        case (_, .service(let name)): return tally.services[name]?.spans ?? 0
        case (_, .operation(let key)): return tally.operations[key]?.spans ?? 0
        default: return 0
        }
    }

    /// For clock skew, how far the spans between two hosts were moved.
    private static func shiftDetail(_ subject: Tally.Subject, _ shifts: [Tally.HostPair: LatencySketch]) -> String {
        guard case .hosts(let pair) = subject, let sketch = shifts[pair], sketch.count > 0 else { return "" }
        return "moved by \(DurationFormat.string(nanoseconds: sketch.quantile(0.5))) (median), "
            + "\(DurationFormat.string(nanoseconds: sketch.maximum)) at most"
    }
}
