import Foundation
public import TraceModel

extension SpanEncoders {
    // MARK: OpenTelemetry Go stdouttrace

    /// Each span as the Go SDK's `stdouttrace` exporter writes it with `WithPrettyPrint()`: a
    /// tab-indented `SpanStub` object per span, `lineBetween` (the program's own output) after each.
    public static func goStdoutTrace(_ spans: [Span], lineBetween: String? = nil) -> String {
        spans.map { span -> String in
            func context(_ trace: TraceID, _ id: SpanID?, state: String, flags: UInt32) -> String {
                let hexFlags = String(flags & 0xFF, radix: 16)
                return "{\"TraceID\":\"\(id == nil ? String(repeating: "0", count: 32) : trace.hex)\","
                    + "\"SpanID\":\"\(id?.hex ?? String(repeating: "0", count: 16))\","
                    + "\"TraceFlags\":\"\(hexFlags.count == 1 ? "0" : "")\(hexFlags)\",\"TraceState\":\(json(state)),\"Remote\":false}"
            }
            let status = span.status.code == .error ? "Error" : span.status.code == .ok ? "Ok" : "Unset"
            let fields = [
                "\"Name\":\(json(span.name))",
                "\"SpanContext\":\(context(span.traceID, span.spanID, state: span.traceState, flags: span.flags))",
                "\"Parent\":\(context(span.traceID, span.parentSpanID, state: "", flags: span.parentSpanID == nil ? 0 : 1))",
                "\"SpanKind\":\(span.kind.rawValue)",
                "\"StartTime\":\"\(rfc3339(span.startTimeUnixNano))\"", "\"EndTime\":\"\(rfc3339(span.endTimeUnixNano))\"",
                "\"Attributes\":\(goAttributes(span.attributes))",
                "\"Events\":"
                    + (span.events.isEmpty
                        ? "null"
                        : "["
                            + span.events.map {
                                "{\"Name\":\(json($0.name)),\"Attributes\":\(goAttributes($0.attributes)),\"DroppedAttributeCount\":0,"
                                    + "\"Time\":\"\(rfc3339($0.timeUnixNano))\"}"
                            }.joined(separator: ",") + "]"),
                "\"Links\":"
                    + (span.links.isEmpty
                        ? "null"
                        : "["
                            + span.links.map {
                                "{\"SpanContext\":\(context($0.traceID, $0.spanID, state: $0.traceState, flags: 1)),"
                                    + "\"Attributes\":\(goAttributes($0.attributes)),\"DroppedAttributeCount\":0}"
                            }.joined(separator: ",") + "]"),
                "\"Status\":{\"Code\":\"\(status)\",\"Description\":\(json(span.status.message))}",
                "\"DroppedAttributes\":0", "\"DroppedEvents\":0", "\"DroppedLinks\":0", "\"ChildSpanCount\":0",
                "\"Resource\":\(goAttributes(span.resource.attributes))",
                "\"InstrumentationScope\":{\"Name\":\(json(span.scope.name)),\"Version\":\(json(span.scope.version)),\"SchemaURL\":\"\"}",
            ]
            return indented("{" + fields.joined(separator: ",") + "}", unit: "\t") + (lineBetween.map { "\n" + $0 } ?? "")
        }.joined(separator: "\n") + "\n"
    }

    /// Go's `[]attribute.KeyValue` as JSON: `{Key, Value: {Type, Value}}`.
    static func goAttributes(_ attributes: [Attribute]) -> String {
        func typed(_ value: AttributeValue) -> (String, String) {
            switch value {
            case .bool(let flag): return ("BOOL", "\(flag)")
            case .int(let number): return ("INT64", "\(number)")
            case .double(let number): return ("FLOAT64", "\(number)")
            case .array(let values):
                let elements = values.map(typed)
                return ((elements.first?.0 ?? "STRING") + "SLICE", "[" + elements.map(\.1).joined(separator: ",") + "]")
            default: return ("STRING", json(value.description))
            }
        }
        if attributes.isEmpty { return "null" }
        return "["
            + attributes.map {
                let (type, value) = typed($0.value)
                return "{\"Key\":\(json($0.key)),\"Value\":{\"Type\":\"\(type)\",\"Value\":\(value)}}"
            }.joined(separator: ",") + "]"
    }

    // MARK: OpenTelemetry Python ConsoleSpanExporter

    /// Each span as the Python SDK's `ConsoleSpanExporter` prints it (`ReadableSpan.to_json`,
    /// four-space indents, times to the microsecond), `lineBetween` after each.
    public static func pythonConsole(_ spans: [Span], lineBetween: String? = nil) -> String {
        spans.map { span -> String in
            func context(_ trace: TraceID, _ id: SpanID, state: String) -> String {
                let members = state.split(separator: ",").map { member -> String in
                    let parts = member.split(separator: "=", maxSplits: 1)
                    return "'{key=\(parts[0]), value=\(parts.count > 1 ? parts[1] : "")}'"
                }
                return
                    "{\"trace_id\":\"0x\(trace.hex)\",\"span_id\":\"0x\(id.hex)\",\"trace_state\":\(json("[" + members.joined(separator: ", ") + "]"))}"
            }
            let code = span.status.code == .error ? "ERROR" : span.status.code == .ok ? "OK" : "UNSET"
            let status =
                span.status.message.isEmpty
                ? "{\"status_code\":\"\(code)\"}" : "{\"status_code\":\"\(code)\",\"description\":\(json(span.status.message))}"
            let fields = [
                "\"name\":\(json(span.name))", "\"context\":\(context(span.traceID, span.spanID, state: span.traceState))",
                "\"kind\":\"SpanKind.\(span.kind == .unspecified ? "INTERNAL" : span.kind.name.uppercased())\"",
                "\"parent_id\":" + (span.parentSpanID.map { "\"0x\($0.hex)\"" } ?? "null"),
                "\"start_time\":\"\(rfc3339(span.startTimeUnixNano, microseconds: true))\"",
                "\"end_time\":\"\(rfc3339(span.endTimeUnixNano, microseconds: true))\"",
                "\"status\":\(status)", "\"attributes\":\(plainAttributes(span.attributes))",
                "\"events\":["
                    + span.events.map {
                        "{\"name\":\(json($0.name)),\"timestamp\":\"\(rfc3339($0.timeUnixNano, microseconds: true))\","
                            + "\"attributes\":\(plainAttributes($0.attributes))}"
                    }.joined(separator: ",") + "]",
                "\"links\":["
                    + span.links.map {
                        "{\"context\":\(context($0.traceID, $0.spanID, state: $0.traceState)),\"attributes\":\(plainAttributes($0.attributes))}"
                    }.joined(separator: ",") + "]",
                "\"resource\":{\"attributes\":\(plainAttributes(span.resource.attributes)),\"schema_url\":\"\"}",
            ]
            return indented("{" + fields.joined(separator: ",") + "}", unit: "    ") + (lineBetween.map { "\n" + $0 } ?? "")
        }.joined(separator: "\n") + "\n"
    }

    /// Attributes as one JSON object of plain values.
    static func plainAttributes(_ attributes: [Attribute]) -> String {
        func plain(_ value: AttributeValue) -> String {
            switch value {
            case .bool(let flag): "\(flag)"
            case .int(let number): "\(number)"
            case .double(let number): "\(number)"
            case .array(let values): "[" + values.map(plain).joined(separator: ",") + "]"
            default: json(value.description)
            }
        }
        return "{" + attributes.map { "\(json($0.key)):\(plain($0.value))" }.joined(separator: ",") + "}"
    }

    /// `unixNano` as RFC 3339 in UTC: nanoseconds with trailing zeros dropped (Go's
    /// `RFC3339Nano`), or six digits (Python's `%f`).
    static func rfc3339(_ unixNano: UInt64, microseconds: Bool = false) -> String {
        var seconds = time_t(unixNano / 1_000_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let date = String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
        let nanos = unixNano % 1_000_000_000
        if microseconds { return date + String(format: ".%06dZ", Int(nanos / 1000)) }
        guard nanos > 0 else { return date + "Z" }
        var fraction = String(format: "%09d", Int(nanos))
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return date + "." + fraction + "Z"
    }

    /// Compact JSON pretty-printed: a line per member and element, indented by `unit` per level.
    static func indented(_ compact: String, unit: String) -> String {
        var out = ""
        var depth = 0
        var inString = false
        var escaped = false
        func newline() { out += "\n" + String(repeating: unit, count: depth) }
        for character in compact {
            if inString {
                out.append(character)
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inString = false }
                continue
            }
            switch character {
            case "\"":
                inString = true
                out.append(character)
            case "{", "[":
                out.append(character)
                depth += 1
                newline()
            case "}", "]":
                depth -= 1
                newline()
                out.append(character)
            case ",":
                out.append(character)
                newline()
            case ":": out += ": "
            default: out.append(character)
            }
        }
        return out
    }
}

extension SpanEncoders {
    // MARK: AWS X-Ray

    /// Whether `span` is written as a segment of its own: its parent is not among `spans` or is
    /// of another service.
    public static func isXRaySegment(_ span: Span, in spans: [Span]) -> Bool {
        guard let parent = span.parentSpanID, let found = spans.first(where: { $0.spanID == parent && $0.traceID == span.traceID })
        else { return true }
        return found.service != span.service
    }

    /// Spans as X-Ray segment documents, one a line (what the daemon receives): a segment per
    /// span whose parent is absent or of another service (named for the service, with
    /// `parent_id`), the spans under it
    /// in its service nested as subsegments, CLIENT spans as `remote` ones; attributes as
    /// annotations (but a call's `peer.service`, which the subsegment's namespace says), an error
    /// as `fault` with the status message as the exception's.
    public static func xraySegments(_ spans: [Span]) -> String {
        func seconds(_ nano: UInt64) -> String {
            let fraction = String(nano % 1_000_000_000)
            return "\(nano / 1_000_000_000).\(String(repeating: "0", count: 9 - fraction.count))\(fraction)"
        }
        func document(_ span: Span, top: Bool) -> String {
            var fields = ["\"id\":\"\(span.spanID.hex)\"", "\"name\":\(json(top ? span.service : span.name))"]
            if top {
                let hex = span.traceID.hex
                fields.append("\"trace_id\":\"1-\(hex.prefix(8))-\(hex.dropFirst(8))\"")
                if let parent = span.parentSpanID { fields.append("\"parent_id\":\"\(parent.hex)\"") }
            }
            fields.append("\"start_time\":\(seconds(span.startTimeUnixNano))")
            fields.append("\"end_time\":\(seconds(span.endTimeUnixNano))")
            if !top && span.kind == .client { fields.append("\"namespace\":\"remote\"") }
            if span.status.isError {
                fields.append("\"fault\":true")
                fields.append("\"cause\":{\"exceptions\":[{\"message\":\(json(span.status.message))}]}")
            }
            let annotations = span.attributes.filter { !(span.kind == .client && $0.key == "peer.service") }
            if !annotations.isEmpty {
                fields.append("\"annotations\":" + plainAttributes(annotations))
            }
            let children = spans.filter { $0.parentSpanID == span.spanID && $0.traceID == span.traceID && !isXRaySegment($0, in: spans) }
            if !children.isEmpty {
                fields.append("\"subsegments\":[" + children.map { document($0, top: false) }.joined(separator: ",") + "]")
            }
            return "{" + fields.joined(separator: ",") + "}"
        }
        return spans.filter { isXRaySegment($0, in: spans) }.map { document($0, top: true) }.joined(separator: "\n") + "\n"
    }
}

extension SpanEncoders {
    // MARK: OpenTelemetry Collector debug exporter

    /// Spans as the Collector's `debug` exporter logs them with `verbosity: detailed` (its
    /// `otlptext` marshaler): a `ResourceSpans` block per resource, a `ScopeSpans` block per
    /// scope, each line after `linePrefix` (a `docker compose` prefix), the first after
    /// `firstLinePrefix` too (the log line's timestamp, level and message fields).
    public static func collectorDebug(_ spans: [Span], linePrefix: String = "", firstLinePrefix: String = "") -> String {
        var lines: [String] = []
        func attributes(_ header: String, _ list: [Attribute], indent: String = "") {
            guard !list.isEmpty else { return }
            lines.append(header + ":")
            for attribute in list {
                let value: String =
                    switch attribute.value {
                    case .string(let text): "Str(\(text))"
                    case .int(let number): "Int(\(number))"
                    case .double(let number): "Double(\(number))"
                    case .bool(let flag): "Bool(\(flag))"
                    case .empty: "Empty()"
                    default: "Str(\(attribute.value.description))"
                    }
                lines.append("\(indent)     -> \(attribute.key): \(value)")
            }
        }
        func time(_ nano: UInt64) -> String {
            let text = rfc3339(nano)  // 2020-02-11T20:26:12.000000321Z
            return text.dropLast().replacingOccurrences(of: "T", with: " ") + " +0000 UTC"
        }
        func field(_ label: String, _ value: String) {
            lines.append("    " + label.padding(toLength: 15, withPad: " ", startingAt: 0) + ": " + value)
        }
        let kinds: [SpanKind: String] = [
            .unspecified: "Unspecified", .internal: "Internal", .server: "Server", .client: "Client", .producer: "Producer",
            .consumer: "Consumer",
        ]
        for (resourceNumber, (resource, group)) in byResource(spans).enumerated() {
            lines.append("ResourceSpans #\(resourceNumber)")
            lines.append("Resource SchemaURL: \(resource.schemaURL)")
            attributes("Resource attributes", resource.attributes)
            var scopes: [(InstrumentationScope, [Span])] = []
            for span in group {
                if let index = scopes.firstIndex(where: { $0.0 === span.scope }) {
                    scopes[index].1.append(span)
                } else {
                    scopes.append((span.scope, [span]))
                }
            }
            for (scopeNumber, (scope, members)) in scopes.enumerated() {
                lines.append("ScopeSpans #\(scopeNumber)")
                lines.append("ScopeSpans SchemaURL: ")
                lines.append("InstrumentationScope \(scope.name) \(scope.version)")
                attributes("InstrumentationScope attributes", scope.attributes)
                for (number, span) in members.enumerated() {
                    lines.append("Span #\(number)")
                    field("Trace ID", span.traceID.hex)
                    field("Parent ID", span.parentSpanID?.hex ?? "")
                    field("ID", span.spanID.hex)
                    field("Name", span.name)
                    field("Kind", kinds[span.kind]!)
                    if !span.traceState.isEmpty { field("TraceState", span.traceState) }
                    field("Start time", time(span.startTimeUnixNano))
                    field("End time", time(span.endTimeUnixNano))
                    field("Status code", span.status.code == .error ? "Error" : span.status.code == .ok ? "Ok" : "Unset")
                    field("Status message", span.status.message)
                    attributes("Attributes", span.attributes)
                    if !span.events.isEmpty {
                        lines.append("Events:")
                        for (index, event) in span.events.enumerated() {
                            lines.append("SpanEvent #\(index)")
                            lines.append("     -> Name: \(event.name)")
                            lines.append("     -> Timestamp: \(time(event.timeUnixNano))")
                            lines.append("     -> DroppedAttributesCount: 0")
                            attributes("     -> Attributes:", event.attributes, indent: "     ")
                        }
                    }
                    if !span.links.isEmpty {
                        lines.append("Links:")
                        for (index, link) in span.links.enumerated() {
                            lines.append("SpanLink #\(index)")
                            lines.append("     -> Trace ID: \(link.traceID.hex)")
                            lines.append("     -> ID: \(link.spanID.hex)")
                            lines.append("     -> TraceState: \(link.traceState)")
                            lines.append("     -> DroppedAttributesCount: 0")
                            attributes("     -> Attributes:", link.attributes, indent: "     ")
                        }
                    }
                }
            }
        }
        guard !lines.isEmpty else { return "" }
        lines[0] = firstLinePrefix + lines[0]
        return lines.map { linePrefix + $0 }.joined(separator: "\n") + "\n"
    }
}

extension SpanEncoders {
    // MARK: OpenTelemetry .NET console exporter

    /// Spans as the .NET SDK's console exporter prints activities: its `Activity.*` lines, tags
    /// as `key: value` text, times to 100 ns, a blank line after each.
    public static func dotnetConsole(_ spans: [Span]) -> String {
        func line(_ label: String, _ value: String) -> String {
            (label + ":").padding(toLength: 29, withPad: " ", startingAt: 0) + " " + value
        }
        func iso(_ nano: UInt64) -> String {
            let text = rfc3339(nano - nano % 100)
            guard let dot = text.firstIndex(of: ".") else { return text.dropLast() + ".0000000Z" }
            let fraction = text[text.index(after: dot)...].dropLast()
            return text[..<dot] + "." + fraction + String(repeating: "0", count: 7 - fraction.count) + "Z"
        }
        func timeSpan(_ nano: UInt64) -> String {
            let ticks = nano / 100
            let seconds = ticks / 10_000_000
            let clock = String(
                format: "%02d:%02d:%02d.%07d", Int(seconds / 3600 % 24), Int(seconds / 60 % 60), Int(seconds % 60), Int(ticks % 10_000_000))
            return seconds >= 86_400 ? "\(seconds / 86_400).\(clock)" : clock
        }
        let kinds: [SpanKind: String] = [
            .unspecified: "Internal", .internal: "Internal", .server: "Server", .client: "Client", .producer: "Producer",
            .consumer: "Consumer",
        ]
        return spans.map { span -> String in
            var lines = [
                line("Activity.TraceId", span.traceID.hex), line("Activity.SpanId", span.spanID.hex),
                line("Activity.TraceFlags", span.flags & 1 == 1 ? "Recorded" : "None"),
            ]
            if !span.traceState.isEmpty { lines.append(line("Activity.TraceState", span.traceState)) }
            if let parent = span.parentSpanID { lines.append(line("Activity.ParentSpanId", parent.hex)) }
            lines += [
                line("Activity.ActivitySourceName", span.scope.name), line("Activity.ActivitySourceVersion", span.scope.version),
                line("Activity.DisplayName", span.name), line("Activity.Kind", kinds[span.kind]!),
                line("Activity.StartTime", iso(span.startTimeUnixNano)), line("Activity.Duration", timeSpan(span.durationNano)),
            ]
            if !span.attributes.isEmpty {
                lines.append("Activity.Tags:")
                lines += span.attributes.map { "    \($0.key): \($0.value.description)" }
            }
            if span.status.code != .unset {
                lines.append("StatusCode: \(span.status.code == .error ? "Error" : "Ok")")
                if !span.status.message.isEmpty { lines.append(line("Activity.StatusDescription", span.status.message)) }
            }
            if !span.events.isEmpty {
                lines.append("Activity.Events:")
                for event in span.events {
                    lines.append("    \(event.name) [\(iso(event.timeUnixNano).dropLast())+00:00]")
                    lines += event.attributes.map { "        \($0.key): \($0.value.description)" }
                }
            }
            if !span.links.isEmpty {
                lines.append("Activity.Links:")
                for link in span.links {
                    lines.append("    \(link.traceID.hex) \(link.spanID.hex)")
                    lines += link.attributes.map { "        \($0.key): \($0.value.description)" }
                }
            }
            lines.append("Resource associated with Activity:")
            lines += span.resource.attributes.map { "    \($0.key): \($0.value.description)" }
            return lines.joined(separator: "\n") + "\n\n"
        }.joined()
    }
}
