import TraceAssembly
import TraceCharts
import TraceModel

/// What failed in a trace, said at the top of its page: the span where the errors began (a
/// failed span with no failed span below it, the earliest if there are several) with its status
/// message, linked to its details, so that nobody has to scroll to the span list to read it; and
/// a table of the failed spans by service and operation.
enum FailureSummaryHTML {
    /// The most rows of the table.
    static let tableLimit = 10
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

    /// The failed spans by service and operation, earliest failure first: how many, when the
    /// first failed (after the trace's start), what it said (its status message, else the
    /// exception it recorded), linked to that first span. Empty for a trace without errors.
    static func table(_ trace: Trace) -> String {
        guard trace.errorCount > 0 else { return "" }
        var anchors = SpanAnchors()
        var groups: [String: (first: Int, anchor: String, count: Int)] = [:]
        for (index, span) in trace.spans.enumerated() {
            let anchor = anchors.next(for: span.spanID)
            guard span.status.isError else { continue }
            let key = span.service + "\u{0}" + span.name
            if let group = groups[key] {
                let earlier = (span.startTimeUnixNano, index) < (trace.spans[group.first].startTimeUnixNano, group.first)
                groups[key] = (earlier ? index : group.first, earlier ? anchor : group.anchor, group.count + 1)
            } else {
                groups[key] = (index, anchor, 1)
            }
        }
        let ordered = groups.values.sorted {
            (trace.spans[$0.first].startTimeUnixNano, $0.first) < (trace.spans[$1.first].startTimeUnixNano, $1.first)
        }
        var out =
            "<table class=\"failures\"><thead><tr><th>Failed span</th><th class=\"num\">Count</th><th class=\"num\">First at</th><th>What it said</th></tr></thead><tbody>"
        for group in ordered.prefix(tableLimit) {
            let span = trace.spans[group.first]
            let offset = span.startTimeUnixNano >= trace.startTimeUnixNano ? span.startTimeUnixNano - trace.startTimeUnixNano : 0
            out += "<tr><td><a href=\"#\(group.anchor)\">\(Markup.escape(span.service)) \(Markup.escape(span.name))</a></td>"
            out += "<td class=\"num\">\(group.count)</td><td class=\"num\">+\(DurationFormat.string(nanoseconds: offset))</td>"
            out += "<td>\(Markup.escape(Markup.truncate(said(span), to: messageLimit)))</td></tr>"
        }
        out += "</tbody></table>"
        if ordered.count > tableLimit {
            out += "<p class=\"note\">\(ordered.count - tableLimit) more operations failed: see the span list.</p>"
        }
        return out
    }

    /// A failed span's words: its status message, else its exception's type and message (from an
    /// `exception` event, or the span's own attributes), else nothing.
    static func said(_ span: Span) -> String {
        if !span.status.message.isEmpty { return span.status.message }
        let attributes = span.events.first { $0.name == "exception" }?.attributes ?? span.attributes
        func value(_ key: String) -> String? { attributes.first { $0.key == key }.map { $0.value.description } }
        return [value("exception.type"), value("exception.message")].compactMap { $0 }.joined(separator: ": ")
    }
}
