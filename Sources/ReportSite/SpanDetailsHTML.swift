import TraceAssembly
import TraceCharts
import TraceModel

/// The expandable list of spans on a trace page: one `<details>` per span, whose summary is the
/// span's row and whose body holds its facts, attributes, events, links and warnings; resources
/// and scopes are listed once at the end and linked, since many spans share them.
///
/// The markup is kept small (a 50,000-span page must stay under 600 bytes a span): lists of keys
/// and values are preformatted text, not tables. Everything from the input is escaped.
struct SpanDetailsHTML {
    let trace: Trace
    let palette: ServicePalette
    var time = TimeDisplay.utc

    func render() -> String {
        var out = ""
        out.reserveCapacity(trace.spans.count * 400)
        var anchors = SpanAnchors()
        var resourceNumbers: [ObjectIdentifier: Int] = [:]
        var resources: [Resource] = []
        let traceStart = trace.startTimeUnixNano
        // Chunks of spans let the browser skip laying out what is off screen (content-visibility).
        out += "<div class=\"chunk\">"
        for (index, span) in trace.spans.enumerated() {
            if index > 0 && index % 500 == 0 { out += "</div><div class=\"chunk\">" }
            let anchor = anchors.next(for: span.spanID)
            let offset = span.startTimeUnixNano &- traceStart
            out += "<details id=\"\(anchor)\"><summary><span class=\"d\(min(trace.depth[index], 15))\">"
            out +=
                "<i class=\"\(palette.colorClass(span.service))\"></i>\(Markup.escape(span.service)) <b>\(Markup.escape(span.name))</b></span>"
            out += "<span>\(span.kind.name)</span><span>\(offset == 0 ? "0" : "+" + DurationFormat.string(nanoseconds: offset))</span>"
            out += "<span>\(DurationFormat.string(nanoseconds: span.durationNano))</span>"
            out += "<span>\(DurationFormat.string(nanoseconds: trace.selfTimeNano[index]))</span>"
            out += span.status.isError ? "<span class=\"tag error\">error</span>" : "<span>\(span.status.code == .ok ? "ok" : "")</span>"
            out += "</summary>"

            // Facts on one line.
            var facts = ["id <code>\(span.spanID)</code>"]
            if let parentIndex = trace.parentIndex[index] {
                let parent = trace.spans[parentIndex]
                facts.append(
                    "parent <a href=\"#span-\(parent.spanID)\">\(Markup.escape(parent.service)): \(Markup.escape(parent.name))</a>")
            } else if let parentID = span.parentSpanID {
                facts.append("parent <code>\(parentID)</code> (not in the input)")
            }
            facts.append("start \(time.string(unixNano: span.startTimeUnixNano)) \(time.name)")
            if trace.criticalPathNano[index] > 0 {
                facts.append("on the critical path \(DurationFormat.string(nanoseconds: trace.criticalPathNano[index]))")
            }
            if span.parentRelation == .followsFrom { facts.append("follows from its parent (not awaited)") }
            if span.sharesClientSpanID { facts.append("server half sharing its client's span id (Zipkin)") }
            if !span.traceState.isEmpty { facts.append("trace state \(Markup.escape(span.traceState))") }
            out += "<p>" + facts.joined(separator: " · ") + "</p>"
            if !span.status.message.isEmpty { out += "<p class=\"status\">\(Markup.escape(span.status.message))</p>" }
            for warning in span.warnings { out += "<p class=\"warn\">\(Markup.escape(warning))</p>" }

            out += Self.keyValues("Attributes", span.attributes)
            if !span.events.isEmpty {
                out += "<h4>Events</h4><pre>"
                for event in span.events {
                    let at = "+" + DurationFormat.string(nanoseconds: event.timeUnixNano &- span.startTimeUnixNano)
                    out += "\(at)  \(Markup.escape(event.name))"
                    for attribute in event.attributes {
                        out += "\n    \(Markup.escape(attribute.key)) = \(Markup.escape(attribute.value.description))"
                    }
                    out += "\n"
                }
                out += "</pre>"
            }
            if !span.links.isEmpty {
                out += "<h4>Links</h4><pre>"
                for link in span.links {
                    out +=
                        link.traceID == trace.traceID
                        ? "<a href=\"#span-\(link.spanID)\">span \(link.spanID)</a>" : "trace \(link.traceID) span \(link.spanID)"
                    for attribute in link.attributes {
                        out += "\n    \(Markup.escape(attribute.key)) = \(Markup.escape(attribute.value.description))"
                    }
                    out += "\n"
                }
                out += "</pre>"
            }
            let key = ObjectIdentifier(span.resource)
            let number: Int
            if let known = resourceNumbers[key] {
                number = known
            } else if let equal = resources.firstIndex(where: { $0 == span.resource }) {
                number = equal + 1
                resourceNumbers[key] = number
            } else {
                resources.append(span.resource)
                number = resources.count
                resourceNumbers[key] = number
            }
            out += "<p>resource <a href=\"#resource-\(number)\">\(number)</a>"
            if !span.scope.name.isEmpty {
                out +=
                    " · scope \(Markup.escape(span.scope.name))\(span.scope.version.isEmpty ? "" : " " + Markup.escape(span.scope.version))"
            }
            out += "</p></details>\n"
        }
        out += "</div><h3>Resources</h3>"
        for (offset, resource) in resources.enumerated() {
            out +=
                "<div id=\"resource-\(offset + 1)\" class=\"resource\"><h4>resource \(offset + 1): \(Markup.escape(resource.serviceName))</h4>"
            out += Self.keyValues(nil, resource.attributes) + "</div>"
        }
        return out
    }

    /// Keys and values as preformatted lines, under a heading when given; nothing when empty.
    /// Values longer than this many bytes are cut on the page (the length is shown).
    static let longestValue = 4_096

    /// At most this many attributes of one span (or event, link, resource) are listed on a page.
    static let mostAttributes = 1_000

    static func keyValues(_ title: String?, _ attributes: [Attribute]) -> String {
        guard !attributes.isEmpty else { return "" }
        var out = title.map { "<h4>\($0)</h4>" } ?? ""
        out += "<pre>"
        for (offset, attribute) in attributes.prefix(mostAttributes).enumerated() {
            if offset > 0 { out += "\n" }
            out += "\(Markup.escape(shortened(attribute.key))) = \(Markup.escape(shortened(attribute.value.description)))"
        }
        if attributes.count > mostAttributes { out += "\n… [\(attributes.count - mostAttributes) more not shown]" }
        return out + "</pre>"
    }

    /// `text`, cut at `longestValue` bytes (on a character boundary) with its full length said.
    static func shortened(_ text: String) -> String {
        let length = text.utf8.count
        guard length > longestValue else { return text }
        var cut = text.utf8.index(text.utf8.startIndex, offsetBy: longestValue)
        while cut > text.startIndex, String.Index(cut, within: text.unicodeScalars) == nil { cut = text.utf8.index(before: cut) }
        return String(text[..<cut]) + "… [cut: \(length) bytes in all]"
    }
}
