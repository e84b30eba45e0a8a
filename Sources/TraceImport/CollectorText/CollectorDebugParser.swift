import TraceModel

/// The parse behind `CollectorDebugDecoder`: a line at a time, the block being read kept as
/// state (resource, scope, span, and where attribute lines go).
struct CollectorDebugParser: LineSpanParsing {
    let bytes: UnsafeRawBufferPointer
    var issues = IssueLog()
    var spans: [Span] = []

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// Where `-> key: Type(value)` lines go.
    private enum Target { case none, resource, scope, span, eventFields, event, linkFields, link }

    /// A span being read, and the offset of its `Span #` line.
    private struct Draft {
        var offset: Int
        var traceID: TraceID?
        var spanID: SpanID?
        var parentID: SpanID?
        var name = ""
        var kind = SpanKind.unspecified
        var traceState = ""
        var start: UInt64 = 0
        var end: UInt64?
        var status = SpanStatus()
        var attributes: [Attribute] = []
        var events: [SpanEvent] = []
        var links: [SpanLink] = []
        /// A link being read: its ids may come before its attributes.
        var link: (trace: TraceID?, span: SpanID?, state: String, attributes: [Attribute])?
    }

    private var resourceAttributes: [Attribute] = []
    private var schemaURL = ""
    private var resource: Resource?
    private var scope = InstrumentationScope.unknown
    private var scopeAttributes: [Attribute] = []
    private var scopeName: (name: String, version: String)?
    private var draft: Draft?
    private var target = Target.none
    private var skipped = 0

    /// The text of a line past any log prefix: a `docker compose` one (`name  | `), and the
    /// timestamp, level and logger a log line puts before its message (tab-separated).
    static func content(of line: Substring) -> Substring {
        var text = line
        if let bar = text.firstRange(of: " | "), !text[..<bar.lowerBound].contains(where: { $0 == "\t" || $0 == ":" }) {
            text = text[bar.upperBound...]
        }
        // The block's first line carries the log line's fields: the message follows the last tab
        // before a known header.
        for header in ["ResourceSpans #", "ResourceSpans#"] {
            if let found = text.firstRange(of: header), found.lowerBound != text.startIndex,
                text[..<found.lowerBound].last == "\t"
            {
                return text[found.lowerBound...]
            }
        }
        return text
    }

    mutating func parseLines() {
        var lines = LineCursor(bytes: bytes)
        while let (raw, offset) = lines.next() {
            let line = Self.content(of: raw)
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty { continue }
            if trimmed.hasPrefix("->") {
                readArrow(trimmed.dropFirst(2).drop { $0 == " " }, at: offset, lines: &lines)
                continue
            }
            if Self.header(line, "ResourceSpans #") != nil {
                finishSpan()
                (resourceAttributes, schemaURL, resource, target) = ([], "", nil, .resource)
                (scope, scopeName, scopeAttributes) = (.unknown, nil, [])
            } else if line.hasPrefix("Resource SchemaURL:") {
                schemaURL = String(line.dropFirst("Resource SchemaURL:".count).drop { $0 == " " })
            } else if line == "Resource attributes:" || line == "Resource labels:" {
                target = .resource
            } else if Self.header(line, "ScopeSpans #") != nil || Self.header(line, "InstrumentationLibrarySpans #") != nil {
                finishSpan()
                (scope, scopeName, scopeAttributes, target) = (.unknown, nil, [], .none)
            } else if line.hasPrefix("InstrumentationScope attributes:") || line.hasPrefix("InstrumentationLibrary attributes:") {
                target = .scope
            } else if line.hasPrefix("InstrumentationScope ") || line.hasPrefix("InstrumentationLibrary ") {
                let rest = line.drop { $0 != " " }.dropFirst()
                let parts = rest.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
                scopeName = (String(parts.first ?? ""), parts.count > 1 ? String(parts[1].trimmingSpaces()) : "")
            } else if line.hasPrefix("ScopeSpans SchemaURL:") || line.hasPrefix("InstrumentationLibrarySpans SchemaURL:") {
                continue
            } else if Self.header(line, "Span #") != nil {
                finishSpan()
                draft = Draft(offset: offset)
                target = .none
            } else if line == "Attributes:" {
                target = .span
            } else if line == "Events:" || line == "Links:" {
                target = .none
            } else if Self.header(line, "SpanEvent #") != nil {
                finishLink()
                draft?.events.append(SpanEvent(timeUnixNano: 0, name: ""))
                target = .eventFields
            } else if Self.header(line, "SpanLink #") != nil {
                finishLink()
                draft?.link = (nil, nil, "", [])
                target = .linkFields
            } else if line.hasPrefix("    "), draft != nil, let colon = trimmed.firstIndex(of: ":") {
                readSpanField(label: trimmed[..<colon].trimmingSpaces(), value: trimmed[trimmed.index(after: colon)...], at: offset)
            } else {
                // A log line of the Collector's own, or text around the blocks.
                skipped += 1
                if skipped == 1 || target != .none {
                    issues.note(
                        "text that is no part of a ResourceSpans block (the Collector's other log lines)", at: offset,
                        action: "skipped", dropsRecord: false)
                }
                if target != .none { target = .none }
            }
        }
        finishSpan()
    }

    /// The number after `prefix` when `line` is exactly `prefix` and a number.
    private static func header(_ line: Substring, _ prefix: String) -> Int? {
        guard line.hasPrefix(prefix) else { return nil }
        return Int(line.dropFirst(prefix.count))
    }

    /// `    Trace ID       : 0102…` and its like.
    private mutating func readSpanField(label: Substring, value raw: Substring, at offset: Int) {
        let value = raw.first == " " ? raw.dropFirst() : raw
        switch label {
        case "Trace ID":
            draft?.traceID = value.isEmpty ? nil : TraceID(hex: value)
        case "Parent ID":
            draft?.parentID = value.isEmpty ? nil : SpanID(hex: value)
            if !value.isEmpty, draft?.parentID == nil {
                note("invalid Parent ID \"\(value.prefix(40))\"", at: offset, "parent ignored: shown as a root")
            }
        case "ID":
            draft?.spanID = value.isEmpty ? nil : SpanID(hex: value)
        case "Name":
            draft?.name = String(value)
        case "Kind":
            guard let kind = Self.kinds[String(value)] else {
                note("unknown Kind \"\(value.prefix(40))\"", at: offset, "kind read as unspecified")
                return
            }
            draft?.kind = kind
        case "TraceState":
            draft?.traceState = String(value)
        case "Start time", "End time":
            guard let time = Self.time(value) else {
                note(
                    "invalid \(label) \"\(value.prefix(60))\"", at: offset,
                    label == "Start time" ? "start read as missing" : "end read as the start")
                return
            }
            if label == "Start time" { draft?.start = time } else { draft?.end = time }
        case "Status code":
            switch value {
            case "Unset", "STATUS_CODE_UNSET", "": draft?.status.code = .unset
            case "Ok", "STATUS_CODE_OK": draft?.status.code = .ok
            case "Error", "STATUS_CODE_ERROR": draft?.status.code = .error
            default: note("unknown Status code \"\(value.prefix(40))\"", at: offset, "status read as unset")
            }
        case "Status message":
            draft?.status.message = String(value)
        default:
            break  // Dropped…Count, Flags: not kept.
        }
    }

    private static let kinds: [String: SpanKind] = [
        "Unspecified": .unspecified, "Internal": .internal, "Server": .server, "Client": .client, "Producer": .producer,
        "Consumer": .consumer, "SPAN_KIND_UNSPECIFIED": .unspecified, "SPAN_KIND_INTERNAL": .internal, "SPAN_KIND_SERVER": .server,
        "SPAN_KIND_CLIENT": .client, "SPAN_KIND_PRODUCER": .producer, "SPAN_KIND_CONSUMER": .consumer,
    ]

    /// `2020-02-11 20:26:12.000000321 +0000 UTC` (Go's `time.Time.String`) as Unix nanoseconds.
    static func time(_ text: Substring) -> UInt64? {
        let parts = text.split(separator: " ")
        guard parts.count >= 3, parts[2].count == 5, parts[2].first == "+" || parts[2].first == "-" else { return nil }
        let zone = parts[2]
        return TimeText.unixNanoseconds(rfc3339: "\(parts[0])T\(parts[1])\(zone.prefix(3)):\(zone.suffix(2))")
    }

    /// A `-> …` line: a field of an event or link, or an attribute of what is being read.
    private mutating func readArrow(_ text: Substring, at offset: Int, lines: inout LineCursor) {
        switch target {
        case .eventFields:
            if text.hasPrefix("Name: ") {
                lastEvent { $0.name = String(text.dropFirst("Name: ".count)) }
                return
            }
            if text.hasPrefix("Timestamp: ") {
                if let time = Self.time(text.dropFirst("Timestamp: ".count)) {
                    lastEvent { $0.timeUnixNano = time }
                } else {
                    note("invalid event Timestamp \"\(text.prefix(60))\"", at: offset, "event time read as 0")
                }
                return
            }
            if text.hasPrefix("Attributes:") { target = .event }
            return
        case .linkFields:
            if text.hasPrefix("Trace ID: ") { draft?.link?.trace = TraceID(hex: text.dropFirst("Trace ID: ".count)) }
            if text.hasPrefix("ID: ") { draft?.link?.span = SpanID(hex: text.dropFirst("ID: ".count)) }
            if text.hasPrefix("TraceState: ") { draft?.link?.state = String(text.dropFirst("TraceState: ".count)) }
            if text.hasPrefix("Attributes:") { target = .link }
            return
        default:
            break
        }
        guard let attribute = readAttribute(text, at: offset, lines: &lines) else { return }
        switch target {
        case .resource: resourceAttributes.append(attribute)
        case .scope: scopeAttributes.append(attribute)
        case .span: draft?.attributes.append(attribute)
        case .event: lastEvent { $0.attributes.append(attribute) }
        case .link: draft?.link?.attributes.append(attribute)
        case .none, .eventFields, .linkFields: break
        }
    }

    /// Type names as pdata prints them (`Str`) and as older Collectors did (`STRING`).
    private static let types: [String] = [
        "Str", "Int", "Double", "Bool", "Map", "Slice", "Bytes", "Empty", "STRING", "INT", "DOUBLE", "BOOL", "MAP", "ARRAY",
        "BYTES", "EMPTY",
    ]

    /// `key: Type(value)`; a value that runs over lines takes the following ones until one ends
    /// with `)`.
    private mutating func readAttribute(_ text: Substring, at offset: Int, lines: inout LineCursor) -> Attribute? {
        var found: (key: Substring, type: String, value: Substring)?
        var search = text[...]
        while let separator = search.firstRange(of: ": ") {
            let rest = text[separator.upperBound...]
            if let type = Self.types.first(where: { rest.hasPrefix("\($0)(") }) {
                found = (text[..<separator.lowerBound], type, rest.dropFirst(type.count + 1))
                break
            }
            search = text[separator.upperBound...]
        }
        guard let (key, type, value) = found else {
            note("an attribute line without a key and a Type(value): \"\(text.prefix(60))\"", at: offset, "line skipped")
            return nil
        }
        var joined = String(value)
        var extra = 0
        while !joined.hasSuffix(")"), extra < 10_000, let (next, _) = lines.next() {
            joined += "\n" + Self.content(of: next)
            extra += 1
        }
        if joined.hasSuffix(")") { joined.removeLast() }
        return Attribute(key: String(key.drop { $0 == " " }), value: Self.value(joined, type: type))
    }

    private static func value(_ text: String, type: String) -> AttributeValue {
        switch type {
        case "Int", "INT": if let number = Int64(text) { return .int(number) }
        case "Double", "DOUBLE": if let number = Double(text) { return .double(number) }
        case "Bool", "BOOL": if text == "true" || text == "false" { return .bool(text == "true") }
        case "Bytes", "BYTES": if let bytes = Array(text.utf8).withUnsafeBytes({ Base64.decode($0) }) { return .bytes(bytes) }
        case "Empty", "EMPTY": if text.isEmpty { return .empty }
        default: break
        }
        return .string(text)
    }

    /// Changes the event being read, if there is one.
    private mutating func lastEvent(_ change: (inout SpanEvent) -> Void) {
        guard var current = draft, !current.events.isEmpty else { return }
        draft = nil  // so that the events are not copied
        change(&current.events[current.events.count - 1])
        draft = current
    }

    private mutating func note(_ problem: String, at offset: Int, _ action: String) {
        issues.note(problem, at: offset, action: action, dropsRecord: false)
    }

    private mutating func finishLink() {
        guard let link = draft?.link else { return }
        draft?.link = nil
        guard let trace = link.trace, let span = link.span, !trace.isZero, !span.isZero else { return }
        draft?.links.append(SpanLink(traceID: trace, spanID: span, traceState: link.state, attributes: link.attributes))
    }

    private mutating func finishSpan() {
        finishLink()
        guard let draft else { return }
        self.draft = nil
        guard let trace = draft.traceID, let span = draft.spanID, !trace.isZero, !span.isZero else {
            issues.note("span has no valid Trace ID and ID", at: draft.offset, action: "span dropped", dropsRecord: true)
            return
        }
        if resource == nil { resource = Resource(attributes: resourceAttributes, schemaURL: schemaURL) }
        if scope == .unknown, let scopeName, !(scopeName.name.isEmpty && scopeName.version.isEmpty && scopeAttributes.isEmpty) {
            scope = InstrumentationScope(name: scopeName.name, version: scopeName.version, attributes: scopeAttributes)
        }
        spans.append(
            Span(
                traceID: trace, spanID: span, parentSpanID: draft.parentID, name: draft.name, kind: draft.kind,
                startTimeUnixNano: draft.start, endTimeUnixNano: draft.end ?? draft.start, status: draft.status,
                attributes: draft.attributes, events: draft.events, links: draft.links, traceState: draft.traceState,
                resource: resource!, scope: scope))
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces.
    func trimmingSpaces() -> SubSequence {
        var text = self[...]
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return text
    }
}
