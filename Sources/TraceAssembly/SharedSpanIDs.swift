import TraceModel

/// Separates the halves of RPCs that share one span id (Zipkin's B3 style): the server half gets
/// a fresh id and becomes the client's child, and the spans that named the shared id as their
/// parent move under the server half, which is the process that made them (as Jaeger's
/// span-id deduplication does).
enum SharedSpanIDs {
    /// Re-identifies server halves in place; returns how many were separated.
    /// - Parameter repeated: the ids more than one span carries (only those can be shared).
    static func separate(_ spans: SpanBuffer, repeated: Set<SpanID>, warnings: inout [String]) -> Int {
        var clientIDs = Set<SpanID>()
        var maximumID: UInt64 = 0
        for index in spans.indices {
            let id = spans[index].spanID
            if spans[index].kind == .client, repeated.contains(id) { clientIDs.insert(id) }
            maximumID = max(maximumID, id.value)
        }
        // Fresh ids count up from above every id of the trace; past 2^64−1 they start again at 1,
        // skipping the ids in use.
        var candidate = maximumID
        var taken: Set<UInt64>?
        func freshID() -> SpanID {
            candidate &+= 1
            if candidate == 0 || taken != nil {
                var inUse = taken ?? Set(spans.indices.map { spans[$0].spanID.value })
                while candidate == 0 || inUse.contains(candidate) { candidate &+= 1 }
                inUse.insert(candidate)
                taken = inUse
            }
            return SpanID(candidate)
        }
        var newIDs: [SpanID: SpanID] = [:]
        var separated = Set<Int>()
        for index in spans.indices {
            let (id, kind) = (spans[index].spanID, spans[index].kind)
            guard repeated.contains(id), kind != .client,
                kind == .server && clientIDs.contains(id) || spans[index].sharesClientSpanID
            else { continue }
            let fresh = freshID()
            newIDs[id] = fresh
            spans[index].parentSpanID = id
            spans[index].parentRelation = .childOf
            spans[index].spanID = fresh
            spans[index].wasSeparatedFromItsClient = true
            spans[index].warnings.append("shared its span id \(id) with its client; shown as the client's child with id \(fresh)")
            separated.insert(index)
        }
        guard !newIDs.isEmpty else { return 0 }
        // Everything below the shared id was made by the server (the client half's own parent is
        // another span, so it stays).
        for index in spans.indices where !separated.contains(index) {
            if let parent = spans[index].parentSpanID, let fresh = newIDs[parent] {
                spans[index].parentSpanID = fresh
            }
        }
        let noun = separated.count == 1 ? "server span shared its client's id" : "server spans shared their client's id"
        warnings.append("\(separated.count) \(noun) (Zipkin style); each is shown as its client's child")
        return separated.count
    }
}
