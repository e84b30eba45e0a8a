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

    /// One kind of mistake.
    public enum Check: String, Sendable, CaseIterable {
        case orphanSpans = "orphan-spans"
        case unexpectedRoots = "unexpected-roots"
        case consumersWithoutContext = "consumers-without-context"
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
        public var count: Int { rows.reduce(0) { $0 + $1.count } }
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
    public let findings: [Finding]
    /// One entry per service, by name.
    public let coverage: [Coverage]

    /// The attributes people search by, from the OpenTelemetry semantic conventions.
    public static let defaultKeyAttributes = ["http.route", "http.response.status_code", "db.system", "enduser.id"]
    /// Examples kept per row.
    public static let examplesPerRow = 3

    /// Spans starting before 2001 had an unset clock or seconds taken for nanoseconds.
    static let earliestPlausibleNano: UInt64 = 978_307_200_000_000_000
    /// Spans starting further than this from the median trace start are outliers.
    static let outlierDistanceNano: UInt64 = 86_400_000_000_000

    /// Examines every span of `traces`; `keyAttributes` are the attributes whose coverage is measured.
    public init(traces: [Trace], keyAttributes: [String] = InstrumentationHealth.defaultKeyAttributes) {
        self.keyAttributes = keyAttributes
        var tally = Tally()
        let starts = traces.map(\.startTimeUnixNano).sorted()
        let median = starts.isEmpty ? 0 : starts[starts.count / 2]
        var coverage: [String: Coverage] = [:]
        var spanLocations: [(spanID: UInt64, trace: Int32, span: Int32)] = []
        spanLocations.reserveCapacity(traces.reduce(0) { $0 + $1.spans.count })
        for (traceNumber, trace) in traces.enumerated() {
            let id = trace.traceID
            var seenIDs = Set<SpanID>(minimumCapacity: trace.spans.count)
            for index in trace.spans.indices {
                let span = trace.spans[index]
                let service = span.service
                let operation = "\(service): \(span.name)"
                tally.spans[operation, default: 0] += 1
                tally.services[service, default: 0] += 1
                spanLocations.append((span.spanID.value, Int32(traceNumber), Int32(index)))
                // Each span after the first with an id counts once.
                if !seenIDs.insert(span.spanID).inserted { tally.add(.reusedSpanIDs, operation, trace: id) }

                if trace.parentIndex[index] == nil, span.parentSpanID != nil {
                    tally.add(.orphanSpans, operation, trace: id)
                }
                if span.kind == .server || span.kind == .consumer {
                    if span.parentSpanID != nil {
                        tally.entryWithParent[operation, default: 0] += 1
                    } else if span.links.isEmpty {
                        tally.add(.unexpectedRoots, operation, trace: id)
                    }
                }
                if span.kind == .consumer, span.parentSpanID == nil, span.links.isEmpty {
                    tally.add(.consumersWithoutContext, operation, trace: id)
                }
                if service.isEmpty || service.hasPrefix(Resource.unknownServiceName) {
                    tally.add(.defaultServiceNames, service, trace: id)
                }
                if span.kind == .unspecified { tally.add(.missingSpanKinds, service, trace: id) }
                if span.wasSeparatedFromItsClient { tally.add(.sharedSpanIDs, operation, trace: id) }
                if span.endTimeUnixNano < span.startTimeUnixNano {
                    tally.add(.endBeforeStart, operation, trace: id)
                } else if span.endTimeUnixNano == span.startTimeUnixNano {
                    tally.add(.zeroDuration, operation, trace: id)
                }
                let start = span.startTimeUnixNano
                if start < Self.earliestPlausibleNano {
                    tally.add(.unsetClocks, service, trace: id)
                } else if (start > median ? start - median : median - start) > Self.outlierDistanceNano {
                    tally.add(.outlyingTimestamps, service, trace: id)
                }
                if let parent = trace.parentIndex[index], trace.spans[parent].resource !== span.resource {
                    let (from, to) = (Self.host(trace.spans[parent]), Self.host(span))
                    if from != to {
                        let pair = "\(from) → \(to)"
                        tally.crossHostCalls[pair, default: 0] += 1
                        let shift = trace.clockSkewShiftNano[index]
                        if shift != 0 {
                            tally.add(.clockSkew, pair, trace: id)
                            tally.shifts[pair, default: []].append(shift.magnitude)
                        }
                    }
                }
                var entry =
                    coverage[service] ?? Coverage(service: service, spans: 0, present: Array(repeating: 0, count: keyAttributes.count))
                entry.spans += 1
                for (position, key) in keyAttributes.enumerated()
                where span.attributes[key: key] != nil || span.resource.attributes[key: key] != nil {
                    entry.present[position] += 1
                }
                coverage[service] = entry
            }
            let root = trace.spans[trace.rootIndices[0]]
            let entryPoint = "\(root.service): \(root.name)"
            tally.traces[entryPoint, default: 0] += 1
            tally.entryPointSpans[entryPoint, default: 0] += trace.spans.count + trace.duplicatesDropped
            if trace.isIncomplete { tally.add(.incompleteTraces, entryPoint, trace: id) }
            if trace.duplicatesDropped > 0 { tally.add(.duplicateSpans, entryPoint, trace: id, count: trace.duplicatesDropped) }
        }
        Self.countIDsAcrossTraces(spanLocations, traces: traces, into: &tally)

        var findings: [Finding] = []
        for check in Check.allCases where check != .keyAttributes {
            guard let subjects = tally.cases[check] else { continue }
            let rows = subjects.map { subject, cases in
                Row(
                    subject: subject, count: cases.count,
                    total: tally.total(check, subject) + (check == .unexpectedRoots ? cases.count : 0),
                    detail: check == .clockSkew ? Self.shiftDetail(tally.shifts[subject] ?? []) : "", examples: cases.examples)
            }
            // An entry operation that always starts traces is a real entry point; only one that
            // also arrives with context elsewhere lost it in the other cases.
            let kept = check == .unexpectedRoots ? rows.filter { tally.entryWithParent[$0.subject, default: 0] > 0 } : rows
            guard !kept.isEmpty else { continue }
            findings.append(Finding(check: check, rows: kept.sorted { ($1.count, $0.subject) < ($0.count, $1.subject) }))
        }
        let coverageRows = coverage.values.sorted { $0.service < $1.service }
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
        self.findings = findings.sorted { ($1.severity, $0.count, $1.check.rawValue) < ($0.severity, $1.count, $0.check.rawValue) }
        self.coverage = coverageRows
    }

    /// The most severe finding, or nil when there is none.
    public var worstSeverity: Severity? { findings.map(\.severity).max() }

    /// Traces the findings give as examples, for pages of their own.
    public var exampleTraces: Set<TraceID> { Set(findings.flatMap { $0.rows.flatMap(\.examples) }) }

    /// The host a span ran on, or its service when its resource names no host.
    static func host(_ span: Span) -> String { span.resource.host ?? "service=\(span.service)" }

    private static func shiftDetail(_ shifts: [UInt64]) -> String {
        let sorted = shifts.sorted()
        guard let largest = sorted.last else { return "" }
        return "moved by \(DurationFormat.string(nanoseconds: sorted[sorted.count / 2])) (median), "
            + "\(DurationFormat.string(nanoseconds: largest)) at most"
    }

    /// Span ids that occur in more than one trace: sorted by id, the spans of a run that are not in
    /// its first trace count.
    private static func countIDsAcrossTraces(
        _ locations: [(spanID: UInt64, trace: Int32, span: Int32)], traces: [Trace], into tally: inout Tally
    ) {
        let sorted = locations.sorted { ($0.spanID, $0.trace, $0.span) < ($1.spanID, $1.trace, $1.span) }
        var start = 0
        while start < sorted.count {
            var end = start + 1
            while end < sorted.count, sorted[end].spanID == sorted[start].spanID { end += 1 }
            if sorted[end - 1].trace != sorted[start].trace {
                for location in sorted[start..<end] where location.trace != sorted[start].trace {
                    let trace = traces[Int(location.trace)]
                    let span = trace.spans[Int(location.span)]
                    tally.add(.spanIDsAcrossTraces, "\(span.service): \(span.name)", trace: trace.traceID)
                }
            }
            start = end
        }
    }

    /// Counts while the spans are read.
    private struct Tally {
        struct Cases {
            var count = 0
            var examples: [TraceID] = []
        }
        var cases: [Check: [String: Cases]] = [:]
        /// Spans per "service: operation", traces per root operation, calls per host pair.
        var spans: [String: Int] = [:]
        var traces: [String: Int] = [:]
        var crossHostCalls: [String: Int] = [:]
        /// Server and consumer spans per operation that arrived with a parent.
        var entryWithParent: [String: Int] = [:]
        var shifts: [String: [UInt64]] = [:]
        /// Spans per service, and per root operation (counting dropped duplicates).
        var services: [String: Int] = [:]
        var entryPointSpans: [String: Int] = [:]

        mutating func add(_ check: Check, _ subject: String, trace: TraceID, count: Int = 1) {
            var entry = cases[check, default: [:]][subject] ?? Cases()
            entry.count += count
            if entry.examples.count < InstrumentationHealth.examplesPerRow, entry.examples.last != trace { entry.examples.append(trace) }
            cases[check, default: [:]][subject] = entry
        }

        /// How many could have had the problem of `check` for `subject`.
        func total(_ check: Check, _ subject: String) -> Int {
            switch check {
            case .incompleteTraces: traces[subject] ?? 0
            case .duplicateSpans: entryPointSpans[subject] ?? 0
            case .clockSkew: crossHostCalls[subject] ?? 0
            case .unexpectedRoots: entryWithParent[subject] ?? 0
            case .defaultServiceNames, .missingSpanKinds, .unsetClocks, .outlyingTimestamps: services[subject] ?? 0
            default: spans[subject] ?? 0
            }
        }
    }
}
