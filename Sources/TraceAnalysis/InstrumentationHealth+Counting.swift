public import TraceAssembly
public import TraceModel

extension InstrumentationHealth.Tally {

    /// Counts the cases of every check in `traces` (in report order) but span ids across
    /// traces, which is judged on the spans as read (see `spanIDsInSeveralTraces(in:)`).
    public init(traces: [Trace], keyAttributes: [String]) {
        var counter = Counter(keyCount: keyAttributes.count)
        let (spanChecks, traceChecks) = (InstrumentationHealth.Check.spanChecks, InstrumentationHealth.Check.traceChecks)
        for traceNumber in traces.indices {
            let trace = traces[traceNumber]
            let example = ReportOrder(trace)
            var seenIDs = Set<SpanID>(minimumCapacity: trace.spans.count)
            // Per span: one lookup by the span's name; the rest is counted by integer.
            let operations = trace.spans.withUnsafeBufferPointer { spans in
                spans.indices.map { counter.operation(resource: spans[$0].resource, name: spans[$0].name, keys: keyAttributes) }
            }
            let root = trace.rootIndices[0]
            // Client spans, and whether a span of another service came under each.
            var clients: [Int] = []
            var reached: [Int: String] = [:]
            // Fields are read in place: a copy of each span would cost a dozen reference counts.
            trace.spans.withUnsafeBufferPointer { spans in
                for index in spans.indices {
                    let operation = operations[index]
                    let service = counter.operationService[operation]
                    let known = counter.resources[ObjectIdentifier(spans[index].resource)]!
                    counter.operationCounts[operation].spans += 1
                    counter.serviceCounts[service].spans += 1
                    var facts = InstrumentationHealth.Check.SpanFacts(
                        kind: spans[index].kind, hasParentID: spans[index].parentSpanID != nil,
                        parentArrived: trace.parentIndex[index] != nil, hasLinks: !spans[index].links.isEmpty,
                        serviceIsUnnamed: known.unnamed, wasSeparatedFromItsClient: spans[index].wasSeparatedFromItsClient,
                        startTimeUnixNano: spans[index].startTimeUnixNano, endTimeUnixNano: spans[index].endTimeUnixNano,
                        idSeenBeforeInTrace: !seenIDs.insert(spans[index].spanID).inserted, crossesHosts: false,
                        clockSkewShiftNano: trace.clockSkewShiftNano[index])
                    if facts.isEntryKind, facts.hasParentID { counter.operationCounts[operation].entryWithParent += 1 }
                    if facts.startTimeUnixNano >= InstrumentationHealth.earliestPlausibleNano {
                        counter.noteStart(hour: facts.startTimeUnixNano / InstrumentationHealth.hourNano, service: service, example)
                    }
                    var hosts: Int64 = 0
                    if let parent = trace.parentIndex[index], spans[parent].resource !== spans[index].resource {
                        let from = counter.resources[ObjectIdentifier(spans[parent].resource)]!.host
                        if from != known.host {
                            hosts = Int64(from) << 32 | Int64(known.host)
                            facts.crossesHosts = true
                            counter.crossHostCalls[hosts, default: 0] += 1
                            if facts.clockSkewShiftNano != 0 {
                                counter.shifts[hosts, default: LatencySketch()].add(facts.clockSkewShiftNano.magnitude)
                            }
                        }
                    }
                    if facts.kind == .producer || facts.kind == .consumer,
                        let message = MessageID.hash(spans[index].attributes)
                    {
                        if facts.kind == .producer {
                            counter.producedMessages.insert(message)
                        } else if !facts.hasParentID && !facts.hasLinks {
                            counter.contextlessConsumers.append((message, operation, example))
                        }
                    }
                    if facts.kind == .client { clients.append(index) }
                    if let parent = trace.parentIndex[index], spans[parent].kind == .client,
                        spans[parent].resource !== spans[index].resource, reached[parent] == nil
                    {
                        let callee = spans[index].service
                        if callee != spans[parent].service { reached[parent] = callee }
                    }
                    if facts.isEntryKind || trace.parentIndex[index] == nil {
                        counter.serviceCounts[service].decisionSpans += 1
                        if facts.isEntryKind, facts.hasParentID, index == root, trace.rootIndices.count == 1 {
                            counter.serviceCounts[service].callerlessEntries += 1
                        }
                        if let declared = SamplingDeclaration.of(traceState: spans[index].traceState, attributes: spans[index].attributes) {
                            counter.declared[.service(service), default: [:]][declared, default: 0] += 1
                            if index == root { counter.declared[.entryPoint(operation), default: [:]][declared, default: 0] += 1 }
                        }
                    }
                    let signs = facts.signs
                    if !signs.isEmpty {
                        for (check, subject, sign) in spanChecks where signs.contains(sign) {
                            switch subject {
                            case .operation: counter.add(check, .operation(operation), example)
                            case .service: counter.add(check, .service(service), example)
                            case .hosts: counter.add(check, .hosts(hosts), example)
                            }
                        }
                    }
                    for position in keyAttributes.indices
                    where known.keys[position] || Self.carries(spans[index].attributes, keyAttributes[position]) {
                        counter.serviceCounts[service].present[position] += 1
                    }
                }
                for client in clients {
                    let callee: String
                    if let reachedService = reached[client] {
                        callee = reachedService
                    } else if case .string(let peer)? = spans[client].attributes[key: "peer.service"], !peer.isEmpty {
                        callee = peer
                    } else {
                        continue
                    }
                    counter.downstream[
                        CallPair(caller: counter.serviceNames[counter.operationService[operations[client]]], callee: callee),
                        default: DownstreamCalls()
                    ].merge(DownstreamCalls(calls: 1, reached: reached[client] == nil ? 0 : 1))
                }
            }
            let rootOperation = operations[root]
            counter.operationCounts[rootOperation].traces += 1
            counter.operationCounts[rootOperation].traceIDs.add(trace.traceID)
            counter.operationCounts[rootOperation].entryPointSpans += trace.spans.count + trace.duplicatesDropped
            let facts = InstrumentationHealth.Check.TraceFacts(isIncomplete: trace.isIncomplete, duplicatesDropped: trace.duplicatesDropped)
            for rule in traceChecks {
                let cases = rule.cases(facts)
                if cases > 0 { counter.add(rule.check, .entryPoint(rootOperation), example, count: cases) }
            }
        }
        self = counter.tally(keyAttributes: keyAttributes)
    }

    /// The places (distinct by trace, service and operation) of the span ids among `spans` that
    /// occur in more than one trace. Judged on spans as read, before assembly drops duplicates or
    /// gives servers' halves of shared spans ids of their own, so that a part of an input filed by
    /// span id gives the same places as the whole.
    public static func spanIDsInSeveralTraces(in spans: [Span]) -> [SpanIDLocation] {
        // Read through a buffer: a generic collection's subscript copied each span (a dozen
        // reference counts) to read its id.
        let byID = spans.withUnsafeBufferPointer { spans in
            [(spanID: UInt64, position: Int)](unsafeUninitializedCapacity: spans.count) { buffer, initialized in
                for position in spans.indices { (buffer.baseAddress! + position).initialize(to: (spans[position].spanID.value, position)) }
                initialized = spans.count
            }
        }
        return places(byID) { spans[$0] }
    }

    /// The places of the span ids met in more than one of `traces`, in their spans as assembled
    /// (the same as in the spans as read, unless assembly dropped duplicates or separated shared
    /// spans: a convenience for reports made straight from traces).
    public static func spanIDsInSeveralTraces(inTraces traces: [Trace]) -> [SpanIDLocation] {
        var byID: [(spanID: UInt64, position: Int)] = []
        var locations: [(trace: Int, index: Int)] = []
        for number in traces.indices {
            traces[number].spans.withUnsafeBufferPointer { spans in
                for index in spans.indices {
                    byID.append((spans[index].spanID.value, locations.count))
                    locations.append((number, index))
                }
            }
        }
        return places(byID) { traces[locations[$0].trace].spans[locations[$0].index] }
    }

    /// The places of the ids of `byID` (a span id and a position each) met in several traces;
    /// `span` gives the span at a position.
    private static func places(_ unsorted: [(spanID: UInt64, position: Int)], span: (Int) -> Span) -> [SpanIDLocation] {
        let byID = unsorted.sorted { ($0.spanID, $0.position) < ($1.spanID, $1.position) }
        var kept: [SpanIDLocation] = []
        var start = 0
        while start < byID.count {
            var end = start + 1
            while end < byID.count, byID[end].spanID == byID[start].spanID { end += 1 }
            if end - start > 1 {
                let members = byID[start..<end].map { span($0.position) }
                if members.contains(where: { $0.traceID != members[0].traceID }) {
                    kept += members.map {
                        SpanIDLocation(spanID: $0.spanID, traceID: $0.traceID, service: $0.service, operation: $0.name)
                    }
                }
            }
            start = end
        }
        return spanIDsInSeveralTraces(kept)
    }

    /// Whether a span's own attributes hold `key` (its resource is looked at once, apart).
    private static func carries(_ attributes: [Attribute], _ key: String) -> Bool {
        attributes.contains { $0.key.utf8.count == key.utf8.count && $0.key == key }
    }

    /// Counts while the spans are read, by integer: services, hosts and operations are numbered as
    /// they are first seen, and what is known of a resource (its service, host, key attributes) is
    /// worked out once per resource. Names replace the numbers at the end.
    private struct Counter {
        enum Subject: Hashable {
            case operation(Int)
            case service(Int)
            /// Two host numbers, the parent's in the high half.
            case hosts(Int64)
            case entryPoint(Int)
        }

        struct ResourceFacts {
            var service: Int
            var host: Int
            var unnamed: Bool
            /// Which key attributes the resource carries for all its spans.
            var keys: [Bool]
        }

        let keyCount: Int
        var cases: [InstrumentationHealth.Check: [Subject: Cases]] = [:]
        var resources: [ObjectIdentifier: ResourceFacts] = [:]
        var serviceNames: [String] = []
        var serviceNumbers: [String: Int] = [:]
        var serviceCounts: [ServiceCounts] = []
        var hostNames: [String] = []
        var hostNumbers: [String: Int] = [:]
        /// Per service, its operations by name.
        var operationNumbers: [[String: Int]] = []
        var operationService: [Int] = []
        var operationNames: [String] = []
        var operationCounts: [OperationCounts] = []
        var crossHostCalls: [Int64: Int] = [:]
        var shifts: [Int64: LatencySketch] = [:]
        /// Per service, its spans by start hour, and the hour and entry it last counted.
        var startHours: [[UInt64: Cases]] = []
        var lastHour: [(hour: UInt64, cases: Cases)?] = []
        var producedMessages: Set<UInt64> = []
        var declared: [Subject: [SamplingDeclaration: Int]] = [:]
        var downstream: [CallPair: DownstreamCalls] = [:]
        var contextlessConsumers: [(message: UInt64, operation: Int, example: ReportOrder)] = []

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
                    serviceCounts.append(ServiceCounts(keyCount: keyCount))
                    operationNumbers.append([:])
                    startHours.append([:])
                    lastHour.append(nil)
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
            operationCounts.append(OperationCounts())
            return operationNames.count - 1
        }

        mutating func add(_ check: InstrumentationHealth.Check, _ subject: Subject, _ example: ReportOrder, count: Int = 1) {
            cases[check, default: [:]][subject, default: Cases()].add(count, example: example)
        }

        /// Counts a span of `service` starting in `hour`; spans of a service mostly start in the
        /// hour of the one before, which is then counted without a lookup.
        mutating func noteStart(hour: UInt64, service: Int, _ example: ReportOrder) {
            if lastHour[service]?.hour == hour {
                lastHour[service]!.cases.add(1, example: example)
                return
            }
            if let (previous, entry) = lastHour[service] { startHours[service][previous] = entry }
            var entry = startHours[service][hour] ?? Cases()
            entry.add(1, example: example)
            lastHour[service] = (hour, entry)
        }

        func key(_ operation: Int) -> ServiceGraph.OperationKey {
            ServiceGraph.OperationKey(service: serviceNames[operationService[operation]], operation: operationNames[operation])
        }

        func pair(_ hosts: Int64) -> HostPair {
            HostPair(parent: hostNames[Int(hosts >> 32)], child: hostNames[Int(hosts & 0xFFFF_FFFF)])
        }

        /// A subject under its names.
        func name(of subject: Subject) -> InstrumentationHealth.Tally.Subject {
            switch subject {
            case .operation(let operation): .operation(key(operation))
            case .service(let service): .service(serviceNames[service])
            case .hosts(let hosts): .hosts(pair(hosts))
            case .entryPoint(let operation): .entryPoint(key(operation))
            }
        }

        /// The counts under names.
        func tally(keyAttributes: [String]) -> InstrumentationHealth.Tally {
            var tally = InstrumentationHealth.Tally(keyAttributes: keyAttributes)
            for (check, subjects) in cases {
                var named: [InstrumentationHealth.Tally.Subject: Cases] = [:]
                for (subject, entry) in subjects { named[name(of: subject), default: Cases()].merge(entry) }
                tally.cases[check] = named
            }
            for operation in operationNames.indices { tally.operations[key(operation)] = operationCounts[operation] }
            for service in serviceNames.indices {
                tally.services[serviceNames[service]] = serviceCounts[service]
                var hours = startHours[service]
                if let (hour, entry) = lastHour[service] { hours[hour] = entry }
                if !hours.isEmpty { tally.startHours[serviceNames[service]] = hours }
            }
            for (hosts, count) in crossHostCalls { tally.crossHostCalls[pair(hosts)] = count }
            for (hosts, sketch) in shifts { tally.shifts[pair(hosts)] = sketch }
            tally.producedMessages = producedMessages
            for (subject, declarations) in declared { tally.declaredSampling[name(of: subject)] = declarations }
            tally.downstreamCalls = downstream
            tally.contextlessConsumers = InstrumentationHealth.Tally.sorted(
                contextlessConsumers.map { ContextlessConsumer(message: $0.message, operation: key($0.operation), trace: $0.example) })
            return tally
        }
    }
}
