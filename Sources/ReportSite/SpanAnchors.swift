import TraceModel

/// The HTML ids of spans on a trace page: `span-<id>`, with a suffix for a reused id, so that
/// every anchor is unique and deep links reach the first span of an id.
struct SpanAnchors {
    private var used = Set<String>()

    mutating func next(for id: SpanID) -> String {
        var anchor = "span-\(id)"
        var copy = 2
        while !used.insert(anchor).inserted {
            anchor = "span-\(id)-\(copy)"
            copy += 1
        }
        return anchor
    }
}
