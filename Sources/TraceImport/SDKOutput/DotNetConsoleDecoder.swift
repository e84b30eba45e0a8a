public import TraceModel

/// Decodes what the OpenTelemetry .NET SDK's console exporter (`AddConsoleExporter()`) prints for
/// each `Activity`: lines `Activity.TraceId:`, `Activity.SpanId:`, `Activity.TraceFlags:`,
/// `Activity.TraceState:`, `Activity.ParentSpanId:`, `Activity.ActivitySourceName:` (and
/// `…Version:`), `Activity.DisplayName:`, `Activity.Kind:`, `Activity.StartTime:` (ISO 8601 in
/// UTC, to 100 ns), `Activity.Duration:` (a `TimeSpan`, `[d.]hh:mm:ss[.fffffff]`), then
/// `Activity.Tags:`, `StatusCode:`/`Activity.StatusDescription:`, `Activity.Events:` (`name
/// [time]` and its tags), `Activity.Links:` (`trace-id span-id` and its tags) and `Resource
/// associated with Activity:`, each tag an indented `key: value`; a blank line ends an activity.
///
/// The exporter prints tags as text, so every attribute is a string. An event time in another
/// form than ISO 8601 (older versions printed the machine's culture) becomes the span's start,
/// with a warning. A block without a trace id and a span id is dropped, with a warning at its
/// first line; lines that belong to no block (the program's own output) are skipped.
public struct DotNetConsoleDecoder: Sendable {
    public init() {}

    /// Decodes every span in `bytes`, appending them to `spans`.
    /// - Parameter strict: the first record that cannot be read as written fails the input.
    /// - Returns: what was dropped or repaired.
    /// - Throws: `ImportError` with the line of the fault when nothing could be read (or, with
    ///   `strict`, of the first record that could not); then no span is appended.
    @discardableResult
    public func decode(
        _ bytes: UnsafeRawBufferPointer, file: String, strict: Bool = false, into spans: inout [Span]
    ) throws(ImportError) -> RecordIssues {
        var parser = DotNetConsoleParser(bytes: bytes)
        return try parser.parse(bytes, file: file, strict: strict, into: &spans)
    }

    /// True when a line among `bytes` (the input's start) begins `Activity.TraceId:`.
    static func recognises(_ bytes: UnsafeRawBufferPointer) -> Bool { LineCursor.startsLine(bytes, "Activity.TraceId:") }

    /// A `TimeSpan` as .NET prints it (`00:00:00.0123456`, `1.02:03:04.5`) in nanoseconds.
    public static func nanoseconds(timeSpan text: Substring) -> UInt64? {
        var rest = text
        var days: UInt64 = 0
        if let dot = rest.firstIndex(of: "."), let colon = rest.firstIndex(of: ":"), dot < colon {
            // Bounded before any arithmetic: 100,000,000 days of nanoseconds fit 64 bits.
            guard let value = UInt64(rest[..<dot]), value < 100_000_000 else { return nil }
            days = value
            rest = rest[rest.index(after: dot)...]
        }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let hours = UInt64(parts[0]), let minutes = UInt64(parts[1]), hours < 24, minutes < 60 else { return nil }
        let secondParts = parts[2].split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(secondParts.count), let seconds = UInt64(secondParts[0]), seconds < 60 else { return nil }
        var fraction: UInt64 = 0
        if secondParts.count == 2 {
            let digits = secondParts[1]
            guard (1...9).contains(digits.count), let value = UInt64(digits) else { return nil }
            fraction = value
            for _ in digits.count..<9 { fraction *= 10 }
        }
        let whole = (days * 86_400 + hours * 3_600 + minutes * 60 + seconds).multipliedReportingOverflow(by: 1_000_000_000)
        guard !whole.overflow else { return nil }
        return whole.partialValue + fraction
    }
}

/// The parse behind `DotNetConsoleDecoder`, a line at a time.
struct DotNetConsoleParser: LineSpanParsing {
    let bytes: UnsafeRawBufferPointer
    var issues = IssueLog()
    var spans: [Span] = []

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    private enum Section { case none, tags, events, links, resource }

    private struct Draft {
        var offset: Int
        var traceID: TraceID?
        var spanID: SpanID?
        var parentID: SpanID?
        var flags: UInt32 = 0
        var traceState = ""
        var scope = ("", "")
        var name = ""
        var kind = SpanKind.unspecified
        var start: UInt64?
        var duration: UInt64 = 0
        var status = SpanStatus()
        var attributes: [Attribute] = []
        var events: [SpanEvent] = []
        var links: [SpanLink] = []
        var resource: [Attribute] = []
        var section = Section.none
    }

    private var draft: Draft?
    private var resources = ResourceTable()
    private var scopes = ScopeTable()
    private var skipped = false

    private static let kinds: [Substring: SpanKind] = [
        "Internal": .internal, "Server": .server, "Client": .client, "Producer": .producer, "Consumer": .consumer,
    ]

    mutating func parseLines() {
        var lines = LineCursor(bytes: bytes)
        while let (line, offset) = lines.next() {
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) {
                finish()
                continue
            }
            if line.hasPrefix("Activity.TraceId:") {
                finish()
                draft = Draft(offset: offset)
            }
            guard draft != nil else {
                if !skipped {
                    skipped = true
                    issues.note(
                        "text that is no part of an activity (the program's own output)", at: offset, action: "skipped", dropsRecord: false)
                }
                continue
            }
            if line.hasPrefix("    ") {
                readIndented(line.dropFirst(4), at: offset)
            } else if let colon = line.firstIndex(of: ":") {
                readField(line[..<colon], line[line.index(after: colon)...].drop { $0 == " " }, at: offset)
            }
        }
        finish()
    }

    private mutating func readField(_ label: Substring, _ value: Substring, at offset: Int) {
        switch label {
        case "Activity.TraceId": draft?.traceID = TraceID(hex: value)
        case "Activity.SpanId": draft?.spanID = SpanID(hex: value)
        case "Activity.TraceFlags": draft?.flags = value.contains("Recorded") ? 1 : 0
        case "Activity.TraceState": draft?.traceState = String(value)
        case "Activity.ParentSpanId": draft?.parentID = SpanID(hex: value)
        case "Activity.ActivitySourceName": draft?.scope.0 = String(value)
        case "Activity.ActivitySourceVersion": draft?.scope.1 = String(value)
        case "Activity.DisplayName": draft?.name = String(value)
        case "Activity.Kind": draft?.kind = Self.kinds[value] ?? .unspecified
        case "Activity.StartTime":
            draft?.start = TimeText.unixNanoseconds(rfc3339: String(value))
            if draft?.start == nil { note("invalid Activity.StartTime \"\(value.prefix(40))\"", at: offset, "start read as missing") }
        case "Activity.Duration":
            guard let duration = DotNetConsoleDecoder.nanoseconds(timeSpan: value) else {
                return note("invalid Activity.Duration \"\(value.prefix(40))\"", at: offset, "duration read as 0")
            }
            draft?.duration = duration
        case "StatusCode":
            draft?.status.code = value == "Error" ? .error : value == "Ok" ? .ok : .unset
        case "Activity.StatusDescription": draft?.status.message = String(value)
        case "Activity.Tags": draft?.section = .tags
        case "Activity.Events": draft?.section = .events
        case "Activity.Links": draft?.section = .links
        case "Resource associated with Activity", "Resource associated with Activity:": draft?.section = .resource
        default: break
        }
    }

    /// A tag (`key: value`), an event (`name [time]`), a link (`trace-id span-id`), or, indented
    /// deeper, a tag of the event or link before it.
    private mutating func readIndented(_ text: Substring, at offset: Int) {
        guard var current = draft else { return }
        draft = nil
        defer { draft = current }
        let deeper = text.hasPrefix("    ")
        let body = text.drop { $0 == " " }
        func tag() -> Attribute? {
            guard let colon = body.firstRange(of: ": ") else { return nil }
            return Attribute(key: String(body[..<colon.lowerBound]), value: .string(String(body[colon.upperBound...])))
        }
        switch current.section {
        case .tags:
            if body.hasPrefix("StatusCode: ") {
                let value = body.dropFirst("StatusCode: ".count)
                current.status.code = value == "Error" || value == "ERROR" ? .error : value == "Ok" || value == "OK" ? .ok : .unset
            } else if body.hasPrefix("Activity.StatusDescription: ") {
                current.status.message = String(body.dropFirst("Activity.StatusDescription: ".count))
            } else if let attribute = tag() {
                current.attributes.append(attribute)
            }
        case .events:
            if deeper, !current.events.isEmpty, let attribute = tag() {
                current.events[current.events.count - 1].attributes.append(attribute)
            } else if let open = body.lastIndex(of: "["), body.hasSuffix("]") {
                let time = TimeText.unixNanoseconds(rfc3339: String(body[body.index(after: open)..<body.index(before: body.endIndex)]))
                if time == nil {
                    note("an event time not in ISO 8601 \"\(body.prefix(60))\"", at: offset, "event placed at the span's start")
                }
                var name = body[..<open]
                while name.last == " " { name = name.dropLast() }
                current.events.append(SpanEvent(timeUnixNano: time ?? current.start ?? 0, name: String(name)))
            }
        case .links:
            if deeper, !current.links.isEmpty, let attribute = tag() {
                current.links[current.links.count - 1].attributes.append(attribute)
            } else {
                let ids = body.split(separator: " ")
                if ids.count == 2, let trace = TraceID(hex: ids[0]), let span = SpanID(hex: ids[1]) {
                    current.links.append(SpanLink(traceID: trace, spanID: span))
                }
            }
        case .resource:
            if let attribute = tag() { current.resource.append(attribute) }
        case .none:
            break
        }
    }

    private mutating func note(_ problem: String, at offset: Int, _ action: String) {
        issues.note(problem, at: offset, action: action, dropsRecord: false)
    }

    private mutating func finish() {
        guard let draft else { return }
        self.draft = nil
        guard let trace = draft.traceID, let span = draft.spanID, !trace.isZero, !span.isZero else {
            issues.note(
                "activity has no valid Activity.TraceId and Activity.SpanId", at: draft.offset, action: "span dropped", dropsRecord: true)
            return
        }
        let resource = resources.shared(Resource(attributes: draft.resource))
        let start = draft.start ?? 0
        spans.append(
            Span(
                traceID: trace, spanID: span, parentSpanID: draft.parentID, name: draft.name, kind: draft.kind, startTimeUnixNano: start,
                endTimeUnixNano: start.saturatingAdding(draft.duration), status: draft.status, attributes: draft.attributes,
                events: draft.events, links: draft.links, traceState: draft.traceState, flags: draft.flags, resource: resource,
                scope: scopes.scope(name: draft.scope.0, version: draft.scope.1)))
    }
}
