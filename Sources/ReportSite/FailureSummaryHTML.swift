import TraceAssembly
import TraceCharts
import TraceModel

/// What failed in a trace, said at the top of its page: the span where the errors began (a
/// failed span with no failed span below it, the earliest if there are several) with its status
/// message, linked to its details, so that nobody has to scroll to the span list to read it.
enum FailureSummaryHTML {
    /// The longest status message shown.
    static let messageLimit = 300

    /// The summary's HTML; empty for a trace without errors.
    static func render(_ trace: Trace) -> String {
        guard trace.errorCount > 0 else { return "" }
        let spans = trace.spans
        // Every span above a failed one: walked up once each, without recursion.
        var hasFailureBelow = [Bool](repeating: false, count: spans.count)
        for index in spans.indices where spans[index].status.isError {
            var parent = trace.parentIndex[index]
            while let above = parent, !hasFailureBelow[above] {
                hasFailureBelow[above] = true
                parent = trace.parentIndex[above]
            }
        }
        let origins = spans.indices.filter { spans[$0].status.isError && !hasFailureBelow[$0] }
        guard let first = origins.min(by: { (spans[$0].startTimeUnixNano, $0) < (spans[$1].startTimeUnixNano, $1) }) else { return "" }
        var anchors = SpanAnchors()
        var anchor = ""
        for index in 0...first { anchor = anchors.next(for: spans[index].spanID) }
        let span = spans[first]
        var out = "<a href=\"#\(anchor)\">\(Markup.escape(span.service)) \(Markup.escape(span.name))</a>"
        if !span.status.message.isEmpty { out += ": " + Markup.escape(Markup.truncate(span.status.message, to: messageLimit)) }
        if origins.count > 1 { out += " (and \(origins.count - 1) more where errors began)" }
        return out
    }
}
