import Synchronization
import TraceModel

// How a partial report is written down, for `build` to hand to `merge`: plain JSON values in a
// stable order (lists sorted, never dictionary order), so that the same input gives the same
// bytes, with ids as hex. Decoding checks what it reads: a damaged file is an error, never a
// crash or a wrong report.

extension PartialReport {
    /// The largest count (of spans, traces, cases) a report may hold: far beyond any input, and
    /// small enough that sums over many parts cannot overflow.
    public static let maximumCount = 1 << 48
}

/// `count`, once it is checked to be a count (0 through `PartialReport.maximumCount`).
private func checkedCount<Key: CodingKey>(_ count: Int, _ key: Key, in container: KeyedDecodingContainer<Key>) throws -> Int {
    guard (0...PartialReport.maximumCount).contains(count) else {
        throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "\(count) is not a count")
    }
    return count
}

extension PartialReport: Codable {
    private enum Keys: String, CodingKey { case traces, graph, health, waste, timeline, workflows }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        let traces = try container.decode([TraceDigest].self, forKey: .traces)
        guard zip(traces, traces.dropFirst()).allSatisfy({ $0.reportOrder < $1.reportOrder }) else {
            throw DecodingError.dataCorruptedError(forKey: .traces, in: container, debugDescription: "traces out of report order")
        }
        self.init(
            traces: traces, graph: try container.decode(ServiceGraph.self, forKey: .graph),
            health: try container.decode(InstrumentationHealth.Tally.self, forKey: .health),
            waste: try container.decode(WastePatterns.Tally.self, forKey: .waste),
            timeline: try container.decode(Timeline.self, forKey: .timeline),
            workflows: try container.decode(Workflows.Tally.self, forKey: .workflows))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(traces, forKey: .traces)
        try container.encode(graph, forKey: .graph)
        try container.encode(health, forKey: .health)
        try container.encode(waste, forKey: .waste)
        try container.encode(timeline, forKey: .timeline)
        try container.encode(workflows, forKey: .workflows)
    }
}

extension TraceID {
    /// Decodes 32 hex digits.
    static func decode(_ text: String, in container: some SingleValueDecodingContainer) throws -> TraceID {
        guard let id = TraceID(hex: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "bad trace id '\(text)'")
        }
        return id
    }
}

/// A trace id written as its 32 hex digits.
private struct HexTraceID: Codable {
    var id: TraceID

    init(_ id: TraceID) { self.id = id }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        id = try TraceID.decode(try container.decode(String.self), in: container)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(id.hex)
    }
}

/// Shares the strings that digests repeat (service and operation names, lists of services)
/// among the digests decoded with it: put one in a decoder's `userInfo` under `key`.
public final class DigestStrings: Sendable {
    public static let key = CodingUserInfoKey(rawValue: "tracereport.digest-strings")!
    private let tables = Mutex<(strings: [String: String], lists: [[String]: [String]])>(([:], [:]))

    public init() {}

    func shared(_ string: String) -> String {
        tables.withLock { Self.shared(string, in: &$0.strings) }
    }

    func shared(_ list: [String]) -> [String] {
        tables.withLock { tables in
            if let known = tables.lists[list] { return known }
            let shared = list.map { Self.shared($0, in: &tables.strings) }
            tables.lists[shared] = shared
            return shared
        }
    }

    private static func shared(_ string: String, in strings: inout [String: String]) -> String {
        if let known = strings[string] { return known }
        strings[string] = string
        return string
    }
}

extension TraceDigest: Codable {
    private enum Keys: String, CodingKey {
        case id, start, duration, rootService, rootName, spans, errors, incomplete, services
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        let strings = decoder.userInfo[DigestStrings.key] as? DigestStrings
        func text(_ key: Keys) throws -> String {
            let text = try container.decode(String.self, forKey: key)
            return strings?.shared(text) ?? text
        }
        let services = try container.decode([String].self, forKey: .services)
        let start = try container.decode(UInt64.self, forKey: .start)
        let duration = try container.decode(UInt64.self, forKey: .duration)
        guard duration <= UInt64.max - start else {
            throw DecodingError.dataCorruptedError(forKey: .duration, in: container, debugDescription: "a trace ending after 2^64−1 ns")
        }
        let spans = try checkedCount(container.decode(Int.self, forKey: .spans), .spans, in: container)
        let errors = try checkedCount(container.decode(Int.self, forKey: .errors), .errors, in: container)
        guard spans > 0, errors <= spans else {
            throw DecodingError.dataCorruptedError(forKey: .spans, in: container, debugDescription: "\(spans) spans with \(errors) errors")
        }
        self.init(
            traceID: try container.decode(HexTraceID.self, forKey: .id).id, startTimeUnixNano: start, durationNano: duration,
            rootService: try text(.rootService), rootName: try text(.rootName), spanCount: spans, errorCount: errors,
            isIncomplete: try container.decode(Bool.self, forKey: .incomplete), services: strings?.shared(services) ?? services)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(HexTraceID(traceID), forKey: .id)
        try container.encode(startTimeUnixNano, forKey: .start)
        try container.encode(durationNano, forKey: .duration)
        try container.encode(rootService, forKey: .rootService)
        try container.encode(rootName, forKey: .rootName)
        try container.encode(spanCount, forKey: .spans)
        try container.encode(errorCount, forKey: .errors)
        try container.encode(isIncomplete, forKey: .incomplete)
        try container.encode(services, forKey: .services)
    }
}

extension Exemplars: Codable {
    private struct Entry: Codable {
        var duration: UInt64
        var trace: HexTraceID
    }

    public init(from decoder: any Decoder) throws {
        self.init()
        for entry in try decoder.singleValueContainer().decode([Entry].self) {
            add(Call(durationNano: entry.duration, traceID: entry.trace.id))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(kept.map { Entry(duration: $0.durationNano, trace: HexTraceID($0.traceID)) })
    }
}

extension ServiceGraph.Metrics: Codable {
    private enum Keys: String, CodingKey { case latency, errors, exemplars }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        self.init()
        latency = try container.decode(LatencySketch.self, forKey: .latency)
        errors = try checkedCount(container.decode(Int.self, forKey: .errors), .errors, in: container)
        exemplars = try container.decode(Exemplars.self, forKey: .exemplars)
        guard UInt64(errors) <= latency.count else {
            throw DecodingError.dataCorruptedError(forKey: .errors, in: container, debugDescription: "more errors than calls")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(latency, forKey: .latency)
        try container.encode(errors, forKey: .errors)
        try container.encode(exemplars, forKey: .exemplars)
    }
}

extension ServiceGraph: Codable {
    private enum Keys: String, CodingKey { case nodes, operations, edges, serviceLatency }

    private struct Node: Codable {
        var name: String
        var virtual: Bool
        /// Left out where the service names none (and in parts written before namespaces).
        var namespace: String?
    }

    private struct Operation: Codable {
        var service: String
        var operation: String
        var metrics: Metrics
        var totalNano: UInt64
        var selfNano: UInt64
    }

    private struct Edge: Codable {
        var caller: String
        var callee: String
        var asynchronous: Bool
        var metrics: Metrics
    }

    private struct Latency: Codable {
        var service: String
        var metrics: Metrics
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        self.init()
        for node in try container.decode([Node].self, forKey: .nodes) {
            nodes[node.name] = node.virtual
            if let namespace = node.namespace { namespaces[node.name] = namespace }
        }
        for entry in try container.decode([Operation].self, forKey: .operations) {
            var metrics = OperationMetrics()
            metrics.metrics = entry.metrics
            metrics.totalNano = entry.totalNano
            metrics.selfNano = entry.selfNano
            operations[OperationKey(service: entry.service, operation: entry.operation)] = metrics
        }
        for edge in try container.decode([Edge].self, forKey: .edges) {
            edges[EdgeKey(caller: edge.caller, callee: edge.callee, style: edge.asynchronous ? .asynchronous : .request)] = edge.metrics
        }
        for entry in try container.decode([Latency].self, forKey: .serviceLatency) { serviceLatency[entry.service] = entry.metrics }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(
            nodes.sorted { $0.key < $1.key }.map { Node(name: $0.key, virtual: $0.value, namespace: namespaces[$0.key]) }, forKey: .nodes)
        try container.encode(
            operations.sorted { $0.key < $1.key }.map {
                Operation(
                    service: $0.key.service, operation: $0.key.operation, metrics: $0.value.metrics, totalNano: $0.value.totalNano,
                    selfNano: $0.value.selfNano)
            }, forKey: .operations)
        try container.encode(
            sortedEdges.map {
                Edge(caller: $0.key.caller, callee: $0.key.callee, asynchronous: $0.key.style == .asynchronous, metrics: $0.value)
            },
            forKey: .edges)
        try container.encode(
            serviceLatency.sorted { $0.key < $1.key }.map { Latency(service: $0.key, metrics: $0.value) }, forKey: .serviceLatency)
    }
}

extension InstrumentationHealth.Tally: Codable {
    private enum Keys: String, CodingKey {
        case keyAttributes, cases, operations, services, crossHostCalls, shifts, startHours, spanIDsInSeveralTraces
        case producedMessages, contextlessConsumers, declaredSampling, downstreamCalls
    }

    private struct DeclarationEntry: Codable {
        var subject: SubjectFields
        var source: String
        var probability: Double?
        var spans: Int
    }

    private struct CallsEntry: Codable {
        var caller: String
        var callee: String
        var calls: Int
        var reached: Int
    }

    private struct ConsumerFields: Codable {
        var message: UInt64
        var service: String
        var operation: String
        var start: UInt64
        var trace: HexTraceID
    }

    /// A subject as plain fields: `kind` is operation, service, hosts or entry-point.
    private struct SubjectFields: Codable {
        var kind: String
        var first: String
        var second: String

        init(_ subject: Subject) {
            switch subject {
            case .operation(let key): (kind, first, second) = ("operation", key.service, key.operation)
            case .service(let name): (kind, first, second) = ("service", name, "")
            case .hosts(let pair): (kind, first, second) = ("hosts", pair.parent, pair.child)
            case .entryPoint(let key): (kind, first, second) = ("entry-point", key.service, key.operation)
            }
        }

        var subject: Subject? {
            switch kind {
            case "operation": .operation(ServiceGraph.OperationKey(service: first, operation: second))
            case "service": .service(first)
            case "hosts": .hosts(HostPair(parent: first, child: second))
            case "entry-point": .entryPoint(ServiceGraph.OperationKey(service: first, operation: second))
            default: nil
            }
        }
    }

    private struct Example: Codable {
        var start: UInt64
        var trace: HexTraceID
    }

    private struct CasesFields: Codable {
        var count: Int
        var examples: [Example]

        init(_ cases: Cases) {
            count = cases.count
            examples = cases.examples.map { Example(start: $0.startTimeUnixNano, trace: HexTraceID($0.traceID)) }
        }

        var cases: Cases {
            var cases = Cases()
            for example in examples { cases.add(0, example: ReportOrder(startTimeUnixNano: example.start, traceID: example.trace.id)) }
            cases.count = count
            return cases
        }
    }

    private struct CheckEntry: Codable {
        var check: String
        var subject: SubjectFields
        var cases: CasesFields
    }

    private struct OperationEntry: Codable {
        var service: String
        var operation: String
        var spans: Int
        var entryWithParent: Int
        var traces: Int
        var entryPointSpans: Int
        /// Absent for an operation that is no root.
        var traceIDs: TraceIDSpread?
    }

    private struct ServiceEntry: Codable {
        var service: String
        var spans: Int
        var decisionSpans: Int
        var callerlessEntries: Int
        var present: [Int]
    }

    private struct HostsEntry<Value: Codable>: Codable {
        var parent: String
        var child: String
        var value: Value
    }

    private struct HourEntry: Codable {
        var service: String
        var hour: UInt64
        var cases: CasesFields
    }

    private struct Place: Codable {
        var span: String
        var trace: HexTraceID
        var service: String
        var operation: String
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        self.init(keyAttributes: try container.decode([String].self, forKey: .keyAttributes))
        func corrupt(_ key: Keys, _ message: String) -> DecodingError {
            DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: message)
        }
        func counts(_ values: Int..., at key: Keys) throws {
            for value in values { _ = try checkedCount(value, key, in: container) }
        }
        for entry in try container.decode([CheckEntry].self, forKey: .cases) {
            guard let check = InstrumentationHealth.Check(rawValue: entry.check), let subject = entry.subject.subject else {
                throw corrupt(.cases, "unknown check '\(entry.check)' or subject kind '\(entry.subject.kind)'")
            }
            try counts(entry.cases.count, at: .cases)
            cases[check, default: [:]][subject] = entry.cases.cases
        }
        for entry in try container.decode([OperationEntry].self, forKey: .operations) {
            let traceIDs = entry.traceIDs ?? TraceIDSpread()
            try counts(entry.spans, entry.entryWithParent, entry.traces, entry.entryPointSpans, traceIDs.traces, at: .operations)
            guard traceIDs.isPossible else { throw corrupt(.operations, "trace id maxima beyond their bits") }
            var counts = OperationCounts()
            (counts.spans, counts.entryWithParent, counts.traces, counts.entryPointSpans, counts.traceIDs) =
                (entry.spans, entry.entryWithParent, entry.traces, entry.entryPointSpans, traceIDs)
            operations[ServiceGraph.OperationKey(service: entry.service, operation: entry.operation)] = counts
        }
        for entry in try container.decode([ServiceEntry].self, forKey: .services) {
            guard entry.present.count == keyAttributes.count else {
                throw corrupt(.services, "coverage of another number of key attributes")
            }
            try counts(entry.spans, entry.decisionSpans, entry.callerlessEntries, at: .services)
            for present in entry.present { try counts(present, at: .services) }
            var counts = ServiceCounts(keyCount: keyAttributes.count)
            (counts.spans, counts.decisionSpans, counts.callerlessEntries) = (entry.spans, entry.decisionSpans, entry.callerlessEntries)
            counts.present = entry.present
            services[entry.service] = counts
        }
        for entry in try container.decode([HostsEntry<Int>].self, forKey: .crossHostCalls) {
            try counts(entry.value, at: .crossHostCalls)
            crossHostCalls[HostPair(parent: entry.parent, child: entry.child)] = entry.value
        }
        for entry in try container.decode([HostsEntry<LatencySketch>].self, forKey: .shifts) {
            shifts[HostPair(parent: entry.parent, child: entry.child)] = entry.value
        }
        for entry in try container.decode([HourEntry].self, forKey: .startHours) {
            try counts(entry.cases.count, at: .startHours)
            startHours[entry.service, default: [:]][entry.hour] = entry.cases.cases
        }
        spanIDsInSeveralTraces = try container.decode([Place].self, forKey: .spanIDsInSeveralTraces).map { place in
            guard let spanID = SpanID(hex: place.span) else { throw corrupt(.spanIDsInSeveralTraces, "bad span id '\(place.span)'") }
            return SpanIDLocation(spanID: spanID, traceID: place.trace.id, service: place.service, operation: place.operation)
        }
        producedMessages = Set(try container.decode([UInt64].self, forKey: .producedMessages))
        contextlessConsumers = Self.sorted(
            try container.decode([ConsumerFields].self, forKey: .contextlessConsumers).map {
                ContextlessConsumer(
                    message: $0.message, operation: ServiceGraph.OperationKey(service: $0.service, operation: $0.operation),
                    trace: ReportOrder(startTimeUnixNano: $0.start, traceID: $0.trace.id))
            })
        for entry in try container.decode([DeclarationEntry].self, forKey: .declaredSampling) {
            guard let subject = entry.subject.subject, entry.probability.map({ (0...1).contains($0) }) ?? true else {
                throw corrupt(.declaredSampling, "a sampling declaration out of range")
            }
            try counts(entry.spans, at: .declaredSampling)
            declaredSampling[subject, default: [:]][SamplingDeclaration(source: entry.source, probability: entry.probability)] = entry.spans
        }
        for entry in try container.decode([CallsEntry].self, forKey: .downstreamCalls) {
            try counts(entry.calls, at: .downstreamCalls)
            guard entry.reached >= 0, entry.reached <= entry.calls else { throw corrupt(.downstreamCalls, "more calls reached than made") }
            downstreamCalls[CallPair(caller: entry.caller, callee: entry.callee)] = DownstreamCalls(
                calls: entry.calls, reached: entry.reached)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(keyAttributes, forKey: .keyAttributes)
        var entries: [CheckEntry] = []
        for (check, subjects) in cases {
            for (subject, entry) in subjects {
                entries.append(CheckEntry(check: check.rawValue, subject: SubjectFields(subject), cases: CasesFields(entry)))
            }
        }
        entries.sort {
            ($0.check, $0.subject.kind, $0.subject.first, $0.subject.second) < (
                $1.check, $1.subject.kind, $1.subject.first, $1.subject.second
            )
        }
        try container.encode(entries, forKey: .cases)
        try container.encode(
            operations.sorted { $0.key < $1.key }.map {
                OperationEntry(
                    service: $0.key.service, operation: $0.key.operation, spans: $0.value.spans, entryWithParent: $0.value.entryWithParent,
                    traces: $0.value.traces, entryPointSpans: $0.value.entryPointSpans,
                    traceIDs: $0.value.traceIDs.traces == 0 ? nil : $0.value.traceIDs)
            }, forKey: .operations)
        try container.encode(
            services.sorted { $0.key < $1.key }.map {
                ServiceEntry(
                    service: $0.key, spans: $0.value.spans, decisionSpans: $0.value.decisionSpans,
                    callerlessEntries: $0.value.callerlessEntries, present: $0.value.present)
            },
            forKey: .services)
        try container.encode(
            crossHostCalls.sorted { $0.key < $1.key }.map { HostsEntry(parent: $0.key.parent, child: $0.key.child, value: $0.value) },
            forKey: .crossHostCalls)
        try container.encode(
            shifts.sorted { $0.key < $1.key }.map { HostsEntry(parent: $0.key.parent, child: $0.key.child, value: $0.value) },
            forKey: .shifts)
        var hours: [HourEntry] = []
        for (service, byHour) in startHours {
            for (hour, entry) in byHour { hours.append(HourEntry(service: service, hour: hour, cases: CasesFields(entry))) }
        }
        hours.sort { ($0.service, $0.hour) < ($1.service, $1.hour) }
        try container.encode(hours, forKey: .startHours)
        try container.encode(
            Self.spanIDsInSeveralTraces(spanIDsInSeveralTraces).map {
                Place(span: $0.spanID.hex, trace: HexTraceID($0.traceID), service: $0.service, operation: $0.operation)
            }, forKey: .spanIDsInSeveralTraces)
        try container.encode(producedMessages.sorted(), forKey: .producedMessages)
        try container.encode(
            Self.sorted(contextlessConsumers).map {
                ConsumerFields(
                    message: $0.message, service: $0.operation.service, operation: $0.operation.operation,
                    start: $0.trace.startTimeUnixNano, trace: HexTraceID($0.trace.traceID))
            }, forKey: .contextlessConsumers)
        var declarations: [DeclarationEntry] = []
        for (subject, declared) in declaredSampling {
            for (declaration, spans) in declared {
                declarations.append(
                    DeclarationEntry(
                        subject: SubjectFields(subject), source: declaration.source, probability: declaration.probability, spans: spans))
            }
        }
        declarations.sort {
            ($0.subject.kind, $0.subject.first, $0.subject.second, $0.source, $0.probability ?? -1)
                < ($1.subject.kind, $1.subject.first, $1.subject.second, $1.source, $1.probability ?? -1)
        }
        try container.encode(declarations, forKey: .declaredSampling)
        try container.encode(
            downstreamCalls.sorted { $0.key < $1.key }.map {
                CallsEntry(caller: $0.key.caller, callee: $0.key.callee, calls: $0.value.calls, reached: $0.value.reached)
            }, forKey: .downstreamCalls)
    }
}

extension WastePatterns.Tally: Codable {
    private enum Keys: String, CodingKey { case thresholds, cases }

    private struct ExampleFields: Codable {
        var lost: UInt64
        var start: UInt64
        var trace: HexTraceID
    }

    private struct Entry: Codable {
        var pattern: String
        var service: String
        var operation: String
        var target: String
        var occurrences: Int
        var traces: Int
        var calls: Int
        var lost: UInt64
        var examples: [ExampleFields]
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        self.init(thresholds: try container.decode(WastePatterns.Thresholds.self, forKey: .thresholds))
        for entry in try container.decode([Entry].self, forKey: .cases) {
            guard let pattern = WastePatterns.Pattern(rawValue: entry.pattern) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .cases, in: container, debugDescription: "unknown pattern '\(entry.pattern)'")
            }
            var cases = Cases()
            cases.occurrences = try checkedCount(entry.occurrences, Keys.cases, in: container)
            cases.traces = try checkedCount(entry.traces, Keys.cases, in: container)
            cases.calls = try checkedCount(entry.calls, Keys.cases, in: container)
            cases.lostNano = entry.lost
            for example in entry.examples {
                cases.note(
                    Example(lostNano: example.lost, order: ReportOrder(startTimeUnixNano: example.start, traceID: example.trace.id)))
            }
            let subject = WastePatterns.Subject(service: entry.service, operation: entry.operation, target: entry.target)
            self.cases[pattern, default: [:]][subject] = cases
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(thresholds, forKey: .thresholds)
        var entries: [(WastePatterns.Pattern, WastePatterns.Subject, Entry)] = []
        for (pattern, subjects) in cases {
            for (subject, cases) in subjects {
                entries.append(
                    (
                        pattern, subject,
                        Entry(
                            pattern: pattern.rawValue, service: subject.service, operation: subject.operation, target: subject.target,
                            occurrences: cases.occurrences, traces: cases.traces, calls: cases.calls, lost: cases.lostNano,
                            examples: cases.examples.map {
                                ExampleFields(lost: $0.lostNano, start: $0.order.startTimeUnixNano, trace: HexTraceID($0.order.traceID))
                            })
                    ))
            }
        }
        entries.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        try container.encode(entries.map(\.2), forKey: .cases)
    }
}
