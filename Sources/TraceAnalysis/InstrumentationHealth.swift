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
        var tally = Tally(keyCount: keyAttributes.count)
        let starts = traces.map(\.startTimeUnixNano).sorted()
        let median = starts.isEmpty ? 0 : starts[starts.count / 2]
        var spanLocations: [(spanID: UInt64, trace: Int32, operation: Int32)] = []
        spanLocations.reserveCapacity(traces.reduce(0) { $0 + $1.spans.count })
        for traceNumber in traces.indices {
            let trace = traces[traceNumber]
            let id = trace.traceID
            var seenIDs = Set<SpanID>(minimumCapacity: trace.spans.count)
            // Per span: one lookup by the span's name; the rest is counted by integer.
            let operations = trace.spans.map { tally.operation(resource: $0.resource, name: $0.name, keys: keyAttributes) }
            // Fields are read in place: a copy of each span would cost a dozen reference counts.
            trace.spans.withUnsafeBufferPointer { spans in
                for index in spans.indices {
                    let operation = operations[index]
                    let service = tally.operationService[operation]
                    let known = tally.resources[ObjectIdentifier(spans[index].resource)]!
                    tally.spans[operation] += 1
                    tally.serviceSpans[service] += 1
                    spanLocations.append((spans[index].spanID.value, Int32(traceNumber), Int32(operation)))
                    // Each span after the first with an id counts once.
                    if !seenIDs.insert(spans[index].spanID).inserted { tally.add(.reusedSpanIDs, .operation(operation), trace: id) }

                    if trace.parentIndex[index] == nil, spans[index].parentSpanID != nil {
                        tally.add(.orphanSpans, .operation(operation), trace: id)
                    }
                    if spans[index].kind == .server || spans[index].kind == .consumer {
                        if spans[index].parentSpanID != nil {
                            tally.entryWithParent[operation] += 1
                        } else if spans[index].links.isEmpty {
                            tally.add(.unexpectedRoots, .operation(operation), trace: id)
                        }
                    }
                    if spans[index].kind == .consumer, spans[index].parentSpanID == nil, spans[index].links.isEmpty {
                        tally.add(.consumersWithoutContext, .operation(operation), trace: id)
                    }
                    if known.unnamed { tally.add(.defaultServiceNames, .service(service), trace: id) }
                    if spans[index].kind == .unspecified { tally.add(.missingSpanKinds, .service(service), trace: id) }
                    if spans[index].wasSeparatedFromItsClient { tally.add(.sharedSpanIDs, .operation(operation), trace: id) }
                    if spans[index].endTimeUnixNano < spans[index].startTimeUnixNano {
                        tally.add(.endBeforeStart, .operation(operation), trace: id)
                    } else if spans[index].endTimeUnixNano == spans[index].startTimeUnixNano {
                        tally.add(.zeroDuration, .operation(operation), trace: id)
                    }
                    let start = spans[index].startTimeUnixNano
                    if start < Self.earliestPlausibleNano {
                        tally.add(.unsetClocks, .service(service), trace: id)
                    } else if (start > median ? start - median : median - start) > Self.outlierDistanceNano {
                        tally.add(.outlyingTimestamps, .service(service), trace: id)
                    }
                    if let parent = trace.parentIndex[index], spans[parent].resource !== spans[index].resource {
                        let from = tally.resources[ObjectIdentifier(spans[parent].resource)]!.host
                        if from != known.host {
                            let pair = Int64(from) << 32 | Int64(known.host)
                            tally.crossHostCalls[pair, default: 0] += 1
                            let shift = trace.clockSkewShiftNano[index]
                            if shift != 0 {
                                tally.add(.clockSkew, .hosts(pair), trace: id)
                                tally.shifts[pair, default: []].append(shift.magnitude)
                            }
                        }
                    }
                    for position in keyAttributes.indices
                    where known.keys[position] || Self.carries(spans[index].attributes, keyAttributes[position]) {
                        tally.present[service][position] += 1
                    }
                }
            }
            let root = operations[trace.rootIndices[0]]
            tally.traces[root] += 1
            tally.entryPointSpans[root] += trace.spans.count + trace.duplicatesDropped
            if trace.isIncomplete { tally.add(.incompleteTraces, .entryPoint(root), trace: id) }
            if trace.duplicatesDropped > 0 { tally.add(.duplicateSpans, .entryPoint(root), trace: id, count: trace.duplicatesDropped) }
        }
        Self.countIDsAcrossTraces(spanLocations, traces: traces, into: &tally)

        var findings: [Finding] = []
        for check in Check.allCases where check != .keyAttributes {
            guard let subjects = tally.cases[check] else { continue }
            // An entry operation that always starts traces is a real entry point; only one that
            // also arrives with context elsewhere lost it in the other cases.
            let kept = subjects.filter { subject, _ in
                guard check == .unexpectedRoots, case .operation(let operation) = subject else { return true }
                return tally.entryWithParent[operation] > 0
            }
            let rows = kept.map { subject, cases in
                Row(
                    subject: tally.name(of: subject), count: cases.count,
                    total: tally.total(check, subject) + (check == .unexpectedRoots ? cases.count : 0),
                    detail: Self.shiftDetail(subject, tally.shifts), examples: cases.examples)
            }
            guard !rows.isEmpty else { continue }
            findings.append(Finding(check: check, rows: rows.sorted { ($1.count, $0.subject) < ($0.count, $1.subject) }))
        }
        let coverageRows = tally.serviceNames.indices.map { service in
            Coverage(service: tally.serviceNames[service], spans: tally.serviceSpans[service], present: tally.present[service])
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
        self.findings = findings.sorted { ($1.severity, $0.count, $1.check.rawValue) < ($0.severity, $1.count, $0.check.rawValue) }
        self.coverage = coverageRows
    }

    /// The most severe finding, or nil when there is none.
    public var worstSeverity: Severity? { findings.map(\.severity).max() }

    /// Traces the findings give as examples, for pages of their own.
    public var exampleTraces: Set<TraceID> { Set(findings.flatMap { $0.rows.flatMap(\.examples) }) }

    /// Whether a span's own attributes hold `key` (its resource is looked at once, apart).
    private static func carries(_ attributes: [Attribute], _ key: String) -> Bool {
        attributes.contains { $0.key.utf8.count == key.utf8.count && $0.key == key }
    }

    /// For clock skew, how far the spans between two hosts were moved.
    private static func shiftDetail(_ subject: Tally.Subject, _ shifts: [Int64: [UInt64]]) -> String {
        guard case .hosts(let pair) = subject, let sorted = shifts[pair]?.sorted(), let largest = sorted.last else { return "" }
        return "moved by \(DurationFormat.string(nanoseconds: sorted[sorted.count / 2])) (median), "
            + "\(DurationFormat.string(nanoseconds: largest)) at most"
    }

    /// Span ids that occur in more than one trace: sorted by id, the spans of a run that are not in
    /// its first trace count.
    private static func countIDsAcrossTraces(
        _ locations: [(spanID: UInt64, trace: Int32, operation: Int32)], traces: [Trace], into tally: inout Tally
    ) {
        let sorted = locations.sorted { ($0.spanID, $0.trace, $0.operation) < ($1.spanID, $1.trace, $1.operation) }
        var start = 0
        while start < sorted.count {
            var end = start + 1
            while end < sorted.count, sorted[end].spanID == sorted[start].spanID { end += 1 }
            if sorted[end - 1].trace != sorted[start].trace {
                for location in sorted[start..<end] where location.trace != sorted[start].trace {
                    tally.add(.spanIDsAcrossTraces, .operation(Int(location.operation)), trace: traces[Int(location.trace)].traceID)
                }
            }
            start = end
        }
    }

    /// Counts while the spans are read, by integer: services, hosts and operations are numbered as
    /// they are first seen, and what is known of a resource (its service, host, key attributes) is
    /// worked out once per resource.
    private struct Tally {
        /// What a row counts.
        enum Subject: Hashable {
            case operation(Int)
            case service(Int)
            /// Two host numbers, the parent's in the high half.
            case hosts(Int64)
            /// A root operation.
            case entryPoint(Int)
        }

        struct Cases {
            var count = 0
            var examples: [TraceID] = []
        }

        struct ResourceFacts {
            var service: Int
            var host: Int
            var unnamed: Bool
            /// Which key attributes the resource carries for all its spans.
            var keys: [Bool]
        }

        let keyCount: Int
        var cases: [Check: [Subject: Cases]] = [:]
        var resources: [ObjectIdentifier: ResourceFacts] = [:]
        var serviceNames: [String] = []
        var serviceNumbers: [String: Int] = [:]
        var hostNames: [String] = []
        var hostNumbers: [String: Int] = [:]
        /// Per service, its operations by name.
        var operationNumbers: [[String: Int]] = []
        var operationService: [Int] = []
        var operationNames: [String] = []
        /// Spans, and server or consumer spans that arrived with a parent, per operation; traces
        /// and their spans (counting dropped duplicates) per root operation.
        var spans: [Int] = []
        var entryWithParent: [Int] = []
        var traces: [Int] = []
        var entryPointSpans: [Int] = []
        /// Spans, and spans carrying each key attribute, per service.
        var serviceSpans: [Int] = []
        var present: [[Int]] = []
        var crossHostCalls: [Int64: Int] = [:]
        var shifts: [Int64: [UInt64]] = [:]

        init(keyCount: Int) { self.keyCount = keyCount }

        /// The number of the operation `name` of `resource`'s service, numbering the service and
        /// the host first.
        mutating func operation(resource owner: Resource, name operationName: String, keys: [String]) -> Int {
            let resource = ObjectIdentifier(owner)
            if resources[resource] == nil {
                let name = owner.serviceName
                if serviceNumbers[name] == nil {
                    serviceNumbers[name] = serviceNames.count
                    serviceNames.append(name)
                    serviceSpans.append(0)
                    present.append(Array(repeating: 0, count: keyCount))
                    operationNumbers.append([:])
                }
                // A resource that names no host is taken to be a host of its own service.
                let hostName = owner.host ?? "service=\(name)"
                if hostNumbers[hostName] == nil {
                    hostNumbers[hostName] = hostNames.count
                    hostNames.append(hostName)
                }
                let (service, host) = (serviceNumbers[name]!, hostNumbers[hostName]!)
                resources[resource] = ResourceFacts(
                    service: service, host: host, unnamed: name.isEmpty || name.hasPrefix(Resource.unknownServiceName),
                    keys: keys.map { owner.attributes[key: $0] != nil })
            }
            let service = resources[resource]!.service
            if let known = operationNumbers[service][operationName] { return known }
            operationNumbers[service][operationName] = operationNames.count
            operationNames.append(operationName)
            operationService.append(service)
            spans.append(0)
            entryWithParent.append(0)
            traces.append(0)
            entryPointSpans.append(0)
            return operationNames.count - 1
        }

        mutating func add(_ check: Check, _ subject: Subject, trace: TraceID, count: Int = 1) {
            var entry = cases[check, default: [:]][subject] ?? Cases()
            entry.count += count
            if entry.examples.count < InstrumentationHealth.examplesPerRow, entry.examples.last != trace { entry.examples.append(trace) }
            cases[check, default: [:]][subject] = entry
        }

        func name(of subject: Subject) -> String {
            switch subject {
            case .operation(let operation), .entryPoint(let operation):
                "\(serviceNames[operationService[operation]]): \(operationNames[operation])"
            case .service(let service): serviceNames[service]
            case .hosts(let pair): "\(hostNames[Int(pair >> 32)]) → \(hostNames[Int(pair & 0xFFFF_FFFF)])"
            }
        }

        /// How many could have had the problem of `check` for `subject`.
        func total(_ check: Check, _ subject: Subject) -> Int {
            switch (check, subject) {
            case (.incompleteTraces, .entryPoint(let operation)): traces[operation]
            case (.duplicateSpans, .entryPoint(let operation)): entryPointSpans[operation]
            case (.clockSkew, .hosts(let pair)): crossHostCalls[pair] ?? 0
            case (.unexpectedRoots, .operation(let operation)): entryWithParent[operation]
            case (_, .service(let service)): serviceSpans[service]
            case (_, .operation(let operation)): spans[operation]
            default: 0
            }
        }
    }
}
