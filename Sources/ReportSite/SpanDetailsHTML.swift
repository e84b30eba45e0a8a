import TraceAssembly
import TraceCharts
import TraceModel

/// The expandable list of spans on a trace page: one `<details>` per span, whose summary is the
/// span's row and whose body holds its attributes, events, links, resource and scope.
///
/// Everything that comes from the input goes through `Markup.escape`.
struct SpanDetailsHTML {
    let trace: Trace
    let palette: ServicePalette

    func render() -> String {
        var out = ""
        out.reserveCapacity(trace.spans.count * 600)
        var usedAnchors = Set<String>()
        let traceStart = trace.startTimeUnixNano
        for (index, span) in trace.spans.enumerated() {
            // Anchors are the span id; a reused id gets a suffix so that anchors stay unique.
            var anchor = "span-\(span.spanID)"
            var copy = 2
            while !usedAnchors.insert(anchor).inserted {
                anchor = "span-\(span.spanID)-\(copy)"
                copy += 1
            }
            let indent = min(trace.depth[index], 15)
            out += "<details id=\"\(anchor)\"><summary>"
            out += "<span class=\"name d\(indent)\">"
            out += "<span class=\"swatch \(palette.colorClass(span.service))\"></span>"
            out += "\(Markup.escape(span.service)) <b>\(Markup.escape(span.name))</b></span>"
            out += "<span>\(span.kind.name)</span>"
            let offset = span.startTimeUnixNano &- traceStart
            out += "<span class=\"num\">\(offset == 0 ? "0" : "+" + DurationFormat.string(nanoseconds: offset))</span>"
            out += "<span class=\"num\">\(DurationFormat.string(nanoseconds: span.durationNano))</span>"
            out += "<span class=\"num\">\(DurationFormat.string(nanoseconds: trace.selfTimeNano[index]))</span>"
            out += span.status.isError ? "<span class=\"tag error\">error</span>" : "<span>\(span.status.code == .ok ? "ok" : "")</span>"
            out += "</summary><div class=\"body\">"
            out += facts(span, parent: trace.parentIndex[index].map { trace.spans[$0] }, criticalPathNano: trace.criticalPathNano[index])
            out += table("Attributes", span.attributes)
            if !span.events.isEmpty {
                out += "<h4>Events</h4><table><tbody>"
                for event in span.events {
                    out +=
                        "<tr><td class=\"mono\">+\(DurationFormat.string(nanoseconds: event.timeUnixNano &- span.startTimeUnixNano))</td>"
                    out += "<td><b>\(Markup.escape(event.name))</b>"
                    for attribute in event.attributes {
                        out +=
                            "<br><span class=\"mono\">\(Markup.escape(attribute.key))</span> = \(Markup.escape(attribute.value.description))"
                    }
                    out += "</td></tr>"
                }
                out += "</tbody></table>"
            }
            if !span.links.isEmpty {
                out += "<h4>Links</h4><table><tbody>"
                for link in span.links {
                    out +=
                        "<tr><td class=\"mono\">\(link.traceID == trace.traceID ? "<a href=\"#span-\(link.spanID)\">span \(link.spanID)</a>" : "trace \(link.traceID) span \(link.spanID)")</td><td>"
                    out += link.attributes.map {
                        "<span class=\"mono\">\(Markup.escape($0.key))</span> = \(Markup.escape($0.value.description))"
                    }.joined(separator: "<br>")
                    out += "</td></tr>"
                }
                out += "</tbody></table>"
            }
            out += table("Resource", span.resource.attributes)
            if !span.scope.name.isEmpty || !span.scope.attributes.isEmpty {
                let scope = span.scope.name + (span.scope.version.isEmpty ? "" : " " + span.scope.version)
                out += table("Scope: " + scope, span.scope.attributes, showEmpty: true)
            }
            out += "</div></details>\n"
        }
        return out
    }

    /// Ids, parent, status message and times of one span.
    private func facts(_ span: Span, parent: Span?, criticalPathNano: UInt64) -> String {
        var rows: [(String, String)] = [
            ("span id", "<code>\(span.spanID)</code>"),
            (
                "parent",
                parent.map { "<a href=\"#span-\($0.spanID)\">\(Markup.escape($0.service)): \(Markup.escape($0.name))</a>" }
                    ?? (span.parentSpanID.map { "<code>\($0)</code> (not in the input)" } ?? "none (root)")
            ),
            ("start (UTC)", UTCTime.string(unixNano: span.startTimeUnixNano)),
        ]
        if criticalPathNano > 0 { rows.append(("on the critical path", DurationFormat.string(nanoseconds: criticalPathNano))) }
        if !span.status.message.isEmpty { rows.append(("status message", Markup.escape(span.status.message))) }
        if !span.traceState.isEmpty { rows.append(("trace state", Markup.escape(span.traceState))) }
        if span.parentRelation == .followsFrom { rows.append(("relation", "follows from its parent (the parent does not wait for it)")) }
        if span.sharesClientSpanID { rows.append(("shared id", "server half of an RPC that reuses its client's span id (Zipkin)")) }
        for warning in span.warnings { rows.append(("warning", Markup.escape(warning))) }
        var out = "<table><tbody>"
        for (name, value) in rows { out += "<tr><td>\(name)</td><td>\(value)</td></tr>" }
        return out + "</tbody></table>"
    }

    /// A titled key/value table; nothing when there are no attributes (unless `showEmpty`).
    private func table(_ title: String, _ attributes: [Attribute], showEmpty: Bool = false) -> String {
        guard !attributes.isEmpty || showEmpty else { return "" }
        var out = "<h4>\(Markup.escape(title))</h4>"
        guard !attributes.isEmpty else { return out }
        out += "<table><tbody>"
        for attribute in attributes {
            out += "<tr><td class=\"mono\">\(Markup.escape(attribute.key))</td><td>\(Markup.escape(attribute.value.description))</td></tr>"
        }
        return out + "</tbody></table>"
    }
}
