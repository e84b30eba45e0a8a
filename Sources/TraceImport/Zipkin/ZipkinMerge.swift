import TraceModel

/// Turns Zipkin records into spans: merges records of one span sent in pieces and restores the
/// `shared` flag of server halves, following the rules of Zipkin's own `Trace.merge`, with two
/// differences: records whose times disagree stay apart, and fragments without kind or times
/// join the half they belong to even when the `shared` flags differ.
enum ZipkinMerge {
    /// Appends the spans of `records` to `spans`, taking the records (left empty) so that they
    /// are sorted and moved rather than copied.
    static func spans(from records: inout [ZipkinRecord], resources: inout ZipkinResources, into spans: inout [Span]) {
        // Records of a trace share the low 64 bits of the trace id; the 128-bit form wins. The
        // records are sorted so that each trace's are contiguous, then read trace by trace in place.
        let keys = records.map { ($0.traceID.low, $0.id.value, $0.order) }
        records.rearrange(takingFrom: keys.indices.sorted { keys[$0] < keys[$1] })
        spans.reserveCapacity(spans.count + records.count)
        var start = 0
        while start < records.count {
            let low = records[start].traceID.low
            var end = start + 1
            while end < records.count, records[end].traceID.low == low { end += 1 }
            let traceID = records[start..<end].first { $0.traceIDIs128Bit }?.traceID ?? records[start].traceID
            if hasRepeatedIDs(records[start..<end]) {
                for record in merge(Array(records[start..<end])) {
                    spans.append(span(from: record, traceID: traceID, resources: &resources))
                }
            } else {
                // Most traces have no id twice: nothing to merge, and fragments have no span to
                // join. (No slice of `records` may live here: it would make each swap copy them.)
                for index in start..<end {
                    var record = ZipkinRecord()
                    swap(&record, &records[index])
                    spans.append(span(from: record, traceID: traceID, resources: &resources))
                }
            }
            start = end
        }
        records = []
    }

    private static func hasRepeatedIDs(_ group: ArraySlice<ZipkinRecord>) -> Bool {
        guard group.count > 1 else { return false }
        var ids = group.map(\.id)
        ids.sort()
        return zip(ids, ids.dropFirst()).contains { $0 == $1 }
    }

    /// Merges the records of one trace (Zipkin's rules: same id, same `shared` flag and compatible
    /// local endpoints are one span; a SERVER after a CLIENT with its id is the client's shared half).
    static func merge(_ group: [ZipkinRecord]) -> [ZipkinRecord] {
        let sorted = group.sorted(by: cleanupOrder)
        var result: [ZipkinRecord] = []
        var index = 0
        while index < sorted.count {
            var span = sorted[index]
            var endpoint = EndpointTracker()
            _ = endpoint.tryMerge(span.localEndpoint)
            index += 1
            while index < sorted.count, sorted[index].id == span.id, sorted[index].shared == span.shared,
                !timingConflicts(span, sorted[index]), endpoint.tryMerge(sorted[index].localEndpoint)
            {
                absorb(sorted[index], into: &span)
                index += 1
            }
            if let last = result.last, last.id == span.id {
                if last.kind == .client && span.kind == .server && !span.shared { span.shared = true }
                if span.shared && span.parentID == nil { span.parentID = last.parentID }
            }
            result.append(span)
        }
        return absorbFragments(result)
    }

    /// A record with no kind, timestamp or duration is a fragment of a span reported elsewhere
    /// (often the annotations or tags of a shared server half, sent without the `shared` flag, which
    /// Zipkin's rules keep apart). It joins the record with its id whose local endpoint fits,
    /// preferring one of the same service.
    private static func absorbFragments(_ records: [ZipkinRecord]) -> [ZipkinRecord] {
        var result = records
        var index = 0
        while index < result.count {
            let fragment = result[index]
            guard fragment.kind == nil, fragment.timestamp == nil, fragment.duration == nil else {
                index += 1
                continue
            }
            let candidates = result.indices.filter { other in
                other != index && result[other].id == fragment.id && !(result[other].kind == nil && result[other].timestamp == nil)
                    && endpointsFit(result[other].localEndpoint, fragment.localEndpoint)
            }
            let sameService = candidates.first {
                result[$0].localEndpoint?.serviceName != nil && result[$0].localEndpoint?.serviceName == fragment.localEndpoint?.serviceName
            }
            guard let target = sameService ?? candidates.first else {
                index += 1
                continue
            }
            absorb(fragment, into: &result[target])
            result.remove(at: index)
        }
        return result
    }

    private static func endpointsFit(_ a: ZipkinEndpoint?, _ b: ZipkinEndpoint?) -> Bool {
        var tracker = EndpointTracker()
        return tracker.tryMerge(a) && tracker.tryMerge(b)
    }

    /// Two records that both have a kind and carry a different start (or duration) are two spans,
    /// not two pieces of one: a message received by several consumers, say. (Zipkin itself would
    /// merge them.) A record without a kind is a fragment and may carry its own annotation time.
    private static func timingConflicts(_ a: ZipkinRecord, _ b: ZipkinRecord) -> Bool {
        guard a.kind != nil, b.kind != nil else { return false }
        if let first = a.timestamp, let second = b.timestamp, first != second { return true }
        if let first = a.duration, let second = b.duration, first != second { return true }
        return false
    }

    /// Zipkin's cleanup order: by span id; then unshared before shared, clients first; then records
    /// without a local endpoint first, so that fragments join the first record they fit.
    private static func cleanupOrder(_ left: ZipkinRecord, _ right: ZipkinRecord) -> Bool {
        if left.id != right.id { return left.id < right.id }
        let byShared = sharedRank(left) - sharedRank(right)
        if byShared != 0 { return byShared < 0 }
        let byEndpoint = compare(left.localEndpoint, right.localEndpoint)
        if byEndpoint != 0 { return byEndpoint < 0 }
        return left.order < right.order
    }

    private static func sharedRank(_ record: ZipkinRecord) -> Int {
        record.shared ? 2 : record.kind == .client ? 0 : 1
    }

    /// Nil endpoints first; then by service name, IPv4, IPv6 with nil fields last.
    private static func compare(_ left: ZipkinEndpoint?, _ right: ZipkinEndpoint?) -> Int {
        guard let left else { return right == nil ? 0 : -1 }
        guard let right else { return 1 }
        for (a, b) in [(left.serviceName, right.serviceName), (left.ipv4, right.ipv4), (left.ipv6, right.ipv6)] {
            switch (a, b) {
            case (nil, nil): continue
            case (nil, _): return 1
            case (_, nil): return -1
            case let (a?, b?): if a != b { return a < b ? -1 : 1 }
            }
        }
        return 0
    }

    /// Tracks the identity of a local endpoint sent in pieces.
    private struct EndpointTracker {
        var endpoint = ZipkinEndpoint()

        mutating func tryMerge(_ other: ZipkinEndpoint?) -> Bool {
            guard let other else { return true }
            func fits<T: Equatable>(_ mine: T?, _ theirs: T?) -> Bool { mine == nil || theirs == nil || mine == theirs }
            guard fits(endpoint.serviceName, other.serviceName), fits(endpoint.ipv4, other.ipv4),
                fits(endpoint.ipv6, other.ipv6), fits(endpoint.port, other.port)
            else { return false }
            endpoint.serviceName = endpoint.serviceName ?? other.serviceName
            endpoint.ipv4 = endpoint.ipv4 ?? other.ipv4
            endpoint.ipv6 = endpoint.ipv6 ?? other.ipv6
            endpoint.port = endpoint.port ?? other.port
            return true
        }
    }

    /// Fills what `span` lacks from `piece`; annotations and tags are united.
    private static func absorb(_ piece: ZipkinRecord, into span: inout ZipkinRecord) {
        if !span.traceIDIs128Bit && piece.traceIDIs128Bit {
            span.traceID = piece.traceID
            span.traceIDIs128Bit = true
        }
        span.parentID = span.parentID ?? piece.parentID
        span.kind = span.kind ?? piece.kind
        if span.name?.isEmpty ?? true, let name = piece.name, !name.isEmpty { span.name = name }
        span.timestamp = span.timestamp ?? piece.timestamp
        span.duration = span.duration ?? piece.duration
        let endpoint = mergeEndpoints(span.localEndpoint, piece.localEndpoint)
        if !ZipkinEndpoint.same(endpoint, span.localEndpoint) { span.localEndpoint = endpoint }
        span.remoteEndpoint = mergeEndpoints(span.remoteEndpoint, piece.remoteEndpoint)
        for annotation in piece.annotations where !span.annotations.contains(annotation) {
            span.annotations.append(annotation)
        }
        for tag in piece.tags where !span.tags.contains(where: { $0.key == tag.key }) {
            span.tags.append(tag)
        }
    }

    private static func mergeEndpoints(_ a: ZipkinEndpoint?, _ b: ZipkinEndpoint?) -> ZipkinEndpoint? {
        guard let a else { return b }
        guard let b else { return a }
        return ZipkinEndpoint(
            serviceName: a.serviceName ?? b.serviceName, ipv4: a.ipv4 ?? b.ipv4, ipv6: a.ipv6 ?? b.ipv6, port: a.port ?? b.port)
    }

    /// The span for a merged record (taken, so that its tags and annotations move into the span).
    private static func span(from record: consuming ZipkinRecord, traceID: TraceID, resources: inout ZipkinResources) -> Span {
        let resource = record.localResource ?? resources.resource(for: record.localEndpoint)

        var warnings: [String] = []
        var start = record.timestamp ?? 0
        var end = start
        if let duration = record.duration, record.timestamp != nil {
            end = start.saturatingAdding(duration)
        } else {
            // Without a timestamp the annotations give the times.
            var first = UInt64.max
            var last: UInt64 = 0
            for annotation in record.annotations where annotation.timeUnixNano > 0 {
                first = min(first, annotation.timeUnixNano)
                last = max(last, annotation.timeUnixNano)
            }
            if record.timestamp == nil, first != .max { start = first }
            end = start
            if let duration = record.duration {
                end = start.saturatingAdding(duration)
            } else if record.timestamp == nil, last > 0 {
                end = last
            } else if start > 0 {
                warnings.append("no duration in the input; drawn as an instant")
            }
        }
        if start == 0 {
            warnings.append("no timestamp in the input")
            end = 0
        }

        // The tags become the attributes as they are unless a status tag or a remote endpoint
        // changes them (then in one allocation). The status: the `error` tag (its text the
        // message), else OpenTelemetry's `otel.status_code` and `otel.status_description`, as the
        // Collector's Zipkin exporter writes them.
        var attributes = record.tags
        var status = SpanStatus()
        if attributes.contains(where: isStatusTag) {
            for tag in attributes {
                guard case .string(let text) = tag.value else { continue }
                switch tag.key {
                case "error":
                    status.code = .error
                    if !text.isEmpty, text.lowercased() != "true" { status.message = text }
                case "otel.status_code" where status.code != .error:
                    status.code = ["ERROR": .error, "OK": .ok][text.uppercased()] ?? status.code
                case "otel.status_description" where status.message.isEmpty:
                    status.message = text
                default: break
                }
            }
            attributes.removeAll(where: isStatusTag)
        }
        if let remote = record.remoteEndpoint {
            attributes.reserveCapacity(attributes.count + 3)
            if let name = remote.serviceName { attributes.append(Attribute(key: "peer.service", value: .string(name))) }
            if let address = remote.ipv4 ?? remote.ipv6 {
                attributes.append(Attribute(key: "network.peer.address", value: .string(address)))
            }
            if let port = remote.port { attributes.append(Attribute(key: "network.peer.port", value: .int(Int64(port)))) }
        }
        var events = record.annotations
        if zip(events, events.dropFirst()).contains(where: { $0.timeUnixNano > $1.timeUnixNano }) {
            events.sort { $0.timeUnixNano < $1.timeUnixNano }
        }
        return Span(
            traceID: traceID, spanID: record.id, parentSpanID: record.parentID, name: record.name ?? "",
            kind: record.kind ?? .internal, startTimeUnixNano: start, endTimeUnixNano: end, status: status,
            attributes: attributes, events: events, resource: resource, sharesClientSpanID: record.shared, warnings: warnings)
    }
}

/// Whether a tag says the status (then it is taken out of the attributes). Every tag of every
/// span is asked: lengths first, as comparing a long key with a literal costs a call.
private func isStatusTag(_ tag: Attribute) -> Bool {
    switch tag.key.utf8.count {
    case 5: tag.key == "error"
    case 16: tag.key == "otel.status_code"
    case 23: tag.key == "otel.status_description"
    default: false
    }
}

/// One resource per distinct local endpoint: asked once per distinct endpoint text as spans
/// are read, and for the endpoints of records merged from pieces. The last few endpoints are
/// compared first, field by field; only the others are looked up by hash (hashing an endpoint's
/// strings costs more than comparing it).
struct ZipkinResources {
    var recentEndpoints: [ZipkinEndpoint?] = []
    var recentResources: [Resource] = []
    var next = 0
    var table: [ZipkinEndpoint?: Resource] = [:]
    static let recentLimit = 4

    mutating func resource(for endpoint: ZipkinEndpoint?) -> Resource {
        for index in recentEndpoints.indices where ZipkinEndpoint.same(recentEndpoints[index], endpoint) {
            return recentResources[index]
        }
        let resource: Resource
        if let cached = table[endpoint] {
            resource = cached
        } else {
            resource = Self.make(endpoint)
            table[endpoint] = resource
        }
        if recentEndpoints.count < Self.recentLimit {
            recentEndpoints.append(endpoint)
            recentResources.append(resource)
        } else {
            recentEndpoints[next] = endpoint
            recentResources[next] = resource
            next = (next + 1) % Self.recentLimit
        }
        return resource
    }

    private static func make(_ endpoint: ZipkinEndpoint?) -> Resource {
        var attributes: [Attribute] = []
        if let name = endpoint?.serviceName { attributes.append(Attribute(key: "service.name", value: .string(name))) }
        if let address = endpoint?.ipv4 ?? endpoint?.ipv6 {
            attributes.append(Attribute(key: "network.local.address", value: .string(address)))
        }
        if let port = endpoint?.port { attributes.append(Attribute(key: "network.local.port", value: .int(Int64(port)))) }
        return Resource(attributes: attributes)
    }
}
