import TraceModel

/// The HTML ids of spans on a trace page: `span-<id>`, with a suffix for a reused id, so that
/// every anchor is unique and deep links reach the first span of an id.
struct SpanAnchors {
    /// How many times each id was given an anchor. Ids are 16 hex digits, so a suffixed anchor
    /// (`span-<id>-2`) can never equal the plain anchor of another id.
    private var occurrences: [SpanID: Int] = [:]

    mutating func next(for id: SpanID) -> String {
        let count = occurrences[id, default: 0] + 1
        occurrences[id] = count
        return count == 1 ? "span-" + id.hex : "span-\(id)-\(count)"
    }
}
