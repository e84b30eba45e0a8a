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
        // Pieces are appended one by one: interpolating them first would build each line twice.
        // Chunks of spans let the browser skip laying out what is off screen (content-visibility).
        out += "<div class=\"chunk\">"
        for index in trace.spans.indices {
            let span = trace.spans[index]
            if index > 0 && index % 500 == 0 { out += "</div><div class=\"chunk\">" }
            let offset = span.startTimeUnixNano &- traceStart
            out += "<details id=\""
            out += anchors.next(for: span.spanID)
            out += "\"><summary><span class=\"d"
            out += String(min(trace.depth[index], 15))
            out += "\"><i class=\""
            out += palette.colorClass(span.service)
            out += "\"></i>"
            out += Markup.escape(span.service)
            out += " <b>"
            out += Markup.escape(span.name)
            out += "</b></span><span>"
            out += span.kind.name
            out += "</span><span>"
            if offset == 0 {
                out += "0"
            } else {
                out += "+"
                out += DurationFormat.string(nanoseconds: offset)
            }
            out += "</span><span>"
            out += DurationFormat.string(nanoseconds: span.durationNano)
            out += "</span><span>"
            out += DurationFormat.string(nanoseconds: trace.selfTimeNano[index])
            out += "</span>"
            out +=
                span.status.isError
                ? "<span class=\"tag error\">error</span>" : span.status.code == .ok ? "<span>ok</span>" : "<span></span>"
            out += "</summary>"
            appendFacts(of: index, to: &out)
            if !span.status.message.isEmpty {
                out += "<p class=\"status\">"
                out += Markup.escape(span.status.message)
                out += "</p>"
            }
            for warning in span.warnings {
                out += "<p class=\"warn\">"
                out += Markup.escape(warning)
                out += "</p>"
            }
            Self.appendKeyValues("Attributes", span.attributes, to: &out)
            if !span.events.isEmpty {
                out += "<h4>Events</h4><pre>"
                for event in span.events {
                    out += DurationFormat.offset(of: event.timeUnixNano, from: span.startTimeUnixNano)
                    out += "  "
                    out += Markup.escape(event.name)
                    Self.appendIndented(event.attributes, to: &out)
                    out += "\n"
                }
                out += "</pre>"
            }
            if !span.links.isEmpty {
                out += "<h4>Links</h4><pre>"
                for link in span.links {
                    if link.traceID == trace.traceID {
                        out += "<a href=\"#span-\(link.spanID)\">span \(link.spanID)</a>"
                    } else {
                        out += "trace \(link.traceID) span \(link.spanID)"
                    }
                    Self.appendIndented(link.attributes, to: &out)
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
                out += " · scope "
                out += Markup.escape(span.scope.name)
                if !span.scope.version.isEmpty {
                    out += " "
                    out += Markup.escape(span.scope.version)
                }
            }
            out += "</p></details>\n"
        }
        out += "</div><h3>Resources</h3>"
        for (offset, resource) in resources.enumerated() {
            out += "<div id=\"resource-\(offset + 1)\" class=\"resource\"><h4>resource \(offset + 1): "
            out += Markup.escape(resource.serviceName)
            out += "</h4>"
            Self.appendKeyValues(nil, resource.attributes, to: &out)
            out += "</div>"
        }
        return out
    }

    /// The span's facts on one line: id, parent, start, critical path and what else applies.
    private func appendFacts(of index: Int, to out: inout String) {
        let span = trace.spans[index]
        out += "<p>id <code>"
        out += span.spanID.hex
        out += "</code>"
        if let parentIndex = trace.parentIndex[index] {
            let parent = trace.spans[parentIndex]
            out += " · parent <a href=\"#span-"
            out += parent.spanID.hex
            out += "\">"
            out += Markup.escape(parent.service)
            out += ": "
            out += Markup.escape(parent.name)
            out += "</a>"
        } else if let parentID = span.parentSpanID {
            out += " · parent <code>"
            out += parentID.hex
            out += "</code> (not in the input)"
        }
        out += " · start "
        out += time.string(unixNano: span.startTimeUnixNano)
        out += " "
        out += time.name
        if trace.criticalPathNano[index] > 0 {
            out += " · on the critical path "
            out += DurationFormat.string(nanoseconds: trace.criticalPathNano[index])
        }
        if span.parentRelation == .followsFrom { out += " · follows from its parent (not awaited)" }
        if span.sharesClientSpanID { out += " · server half sharing its client's span id (Zipkin)" }
        if !span.traceState.isEmpty {
            out += " · trace state "
            out += Markup.escape(span.traceState)
        }
        out += "</p>"
    }

    /// Attributes of an event or a link, one indented line each.
    private static func appendIndented(_ attributes: [Attribute], to out: inout String) {
        for attribute in attributes {
            out += "\n    "
            out += Markup.escape(attribute.key)
            out += " = "
            out += Markup.escape(attribute.value.description)
        }
    }

    /// Values longer than this many bytes are cut on the page (the length is shown).
    static let longestValue = 4_096

    /// At most this many attributes of one span (or event, link, resource) are listed on a page.
    static let mostAttributes = 1_000

    /// Appends keys and values as preformatted lines, under a heading when given; nothing when
    /// there are none.
    static func appendKeyValues(_ title: String?, _ attributes: [Attribute], to out: inout String) {
        guard !attributes.isEmpty else { return }
        if let title {
            out += "<h4>"
            out += title
            out += "</h4>"
        }
        out += "<pre>"
        for (offset, attribute) in attributes.prefix(mostAttributes).enumerated() {
            if offset > 0 { out += "\n" }
            out += Markup.escape(shortened(attribute.key))
            out += " = "
            out += Markup.escape(shortened(attribute.value.description))
        }
        if attributes.count > mostAttributes { out += "\n… [\(attributes.count - mostAttributes) more not shown]" }
        out += "</pre>"
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
