import TraceAssembly
import TraceCharts
import TraceModel

/// The span list of a large trace as preformatted text: one block of lines per span, with an
/// anchor for deep links (`#span-<id>`) and a link to its parent, and everything else as text.
/// A browser builds a few elements per span instead of dozens, so a 50,000-span page opens in
/// about a second and stays near 300 bytes a span, with every detail still readable without
/// JavaScript. Everything from the input is escaped.
struct SpanTextListHTML {
    let trace: Trace

    func render() -> String {
        var out = ""
        out.reserveCapacity(trace.spans.count * 300)
        var anchors = SpanAnchors()
        let traceStart = trace.startTimeUnixNano
        for (index, span) in trace.spans.enumerated() {
            if index % 500 == 0 { out += (index == 0 ? "" : "</pre>") + "<pre class=\"chunk\">" }
            let anchor = anchors.next(for: span.spanID)
            let offset = span.startTimeUnixNano &- traceStart
            // The heading line is indented by depth; the detail lines below it by four spaces.
            let indent = String(repeating: " ", count: min(trace.depth[index], 15))
            out += "\(indent)<b id=\"\(anchor)\">\(Markup.escape(span.service)): \(Markup.escape(span.name))</b>"
            out +=
                "  \(span.kind.name)  +\(DurationFormat.string(nanoseconds: offset))  \(DurationFormat.string(nanoseconds: span.durationNano))"
            out += " (self \(DurationFormat.string(nanoseconds: trace.selfTimeNano[index])))"
            if span.status.isError { out += "  ERROR" + (span.status.message.isEmpty ? "" : ": " + Markup.escape(span.status.message)) }
            if let parentIndex = trace.parentIndex[index] {
                out += "\n    parent <a href=\"#span-\(trace.spans[parentIndex].spanID)\">\(trace.spans[parentIndex].spanID)</a>"
            } else if let parentID = span.parentSpanID {
                out += "\n    parent \(parentID) (not in the input)"
            } else {
                out += "\n    root"
            }
            if trace.criticalPathNano[index] > 0 {
                out += " · critical path \(DurationFormat.string(nanoseconds: trace.criticalPathNano[index]))"
            }
            if span.parentRelation == .followsFrom { out += " · follows from its parent" }
            if !span.scope.name.isEmpty { out += " · scope \(Markup.escape(span.scope.name))" }
            for attribute in span.attributes {
                out += "\n    \(Markup.escape(attribute.key)) = \(Markup.escape(attribute.value.description))"
            }
            for event in span.events {
                out +=
                    "\n    event \(DurationFormat.offset(of: event.timeUnixNano, from: span.startTimeUnixNano)) \(Markup.escape(event.name))"
                for attribute in event.attributes {
                    out += " \(Markup.escape(attribute.key))=\(Markup.escape(attribute.value.description))"
                }
            }
            for link in span.links { out += "\n    link trace \(link.traceID) span \(link.spanID)" }
            for warning in span.warnings { out += "\n    warning: \(Markup.escape(warning))" }
            out += "\n"
        }
        if !trace.spans.isEmpty { out += "</pre>" }
        return out
    }
}
