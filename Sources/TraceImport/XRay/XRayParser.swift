import TraceModel

/// The parse behind `XRayDecoder`: the documents of the input, each a `batch-get-traces` output,
/// a daemon header, or a segment document.
struct XRayParser: JSONParsing, SpanAppendingParser {
    var reader: JSONReader
    var issues = IssueLog()
    var spans: [Span] = []
    /// One resource per service name and version.
    private var resources: [String: [String: Resource]] = [:]
    /// Spans of subsegments sent on their own, whose service is their parent's (by span index).
    private var detached: Set<Int> = []

    init(reader: JSONReader) { self.reader = reader }

    static func repair(of member: String) -> String { "\(member) ignored" }

    mutating func parseDocuments() throws(JSONFailure) {
        reader.skipByteOrderMark()
        while let next = reader.peek() {
            let start = reader.offset
            do throws(JSONFailure) {
                guard next == UInt8(ascii: "{") else {
                    throw reader.failure("expected a segment document or batch-get-traces output but found \(reader.describeNext())")
                }
                switch try kind() {
                case .batch: try parseBatch()
                case .header: try reader.skipValue()
                case .segment: try parseSegment(at: start)
                }
            } catch {
                resume(after: error, documentStart: start, opening: UInt8(ascii: "{"))
            }
        }
        adoptDetached()
    }

    private enum DocumentKind { case batch, header, segment }

    /// What the object at the reader is, told by its member names (the reader is left in place).
    private mutating func kind() throws(JSONFailure) -> DocumentKind {
        let start = reader.offset
        defer { reader.offset = start }
        try reader.beginObject()
        var (first, format, id) = (true, false, false)
        while let key = try reader.nextKey(first: &first) {
            if reader.matches(key, "Traces") || reader.matches(key, "UnprocessedTraceIds") { return .batch }
            format = format || reader.matches(key, "format")
            id = id || reader.matches(key, "id")
            try reader.skipValue()
        }
        return format && !id ? .header : .segment
    }

    /// `{"Traces": [{"Id", "Segments": [{"Id", "Document": "<segment document>"}]}]}`.
    private mutating func parseBatch() throws(JSONFailure) {
        try parseObject { (parser, key) throws(JSONFailure) in
            guard parser.reader.matches(key, "Traces") else { return try parser.reader.skipValue() }
            try parser.parseArray { (parser) throws(JSONFailure) in
                try parser.parseObject { (parser, key) throws(JSONFailure) in
                    guard parser.reader.matches(key, "Segments") else { return try parser.reader.skipValue() }
                    try parser.parseArray { (parser) throws(JSONFailure) in
                        try parser.parseObject { (parser, key) throws(JSONFailure) in
                            guard parser.reader.matches(key, "Document") else { return try parser.reader.skipValue() }
                            _ = parser.reader.peek()
                            let position = parser.reader.offset
                            let document = try parser.reader.withStringBytes { Array($0) }
                            parser.parseEmbedded(document, at: position)
                        }
                    }
                }
            }
        }
    }

    /// A segment document held in a JSON string at `position`: what goes wrong inside it is
    /// noted at the string, with the place within the document.
    private mutating func parseEmbedded(_ document: [UInt8], at position: Int) {
        document.withUnsafeBytes { bytes in
            var segment = XRaySegmentReader(reader: JSONReader(bytes: bytes, strings: reader.strings))
            do throws(JSONFailure) {
                let nodes = try segment.read()
                for problem in segment.problems {
                    issues.note(
                        "\(problem.message) (at character \(problem.offset) of the segment document)", at: position, action: problem.action,
                        dropsRecord: problem.dropsRecord)
                }
                add(nodes, at: { _ in position }, describe: { " (at character \($0) of the segment document)" })
            } catch {
                issues.note(
                    "\(error.message) (at character \(error.offset) of the segment document)", at: position, action: "segment dropped",
                    dropsRecord: true)
            }
        }
    }

    /// A segment document at the reader, one of many in the input.
    private mutating func parseSegment(at start: Int) throws(JSONFailure) {
        var segment = XRaySegmentReader(reader: reader)
        let nodes = try segment.read()
        reader.offset = segment.reader.offset
        for problem in segment.problems {
            issues.note(problem.message, at: problem.offset, action: problem.action, dropsRecord: problem.dropsRecord)
        }
        add(nodes, at: { $0 }, describe: { _ in "" })
    }

    /// The spans of a document's nodes; a node without an id or a start is dropped (its
    /// subsegments join its parent), a document without a trace id entirely.
    private mutating func add(_ nodes: [XRaySegmentReader.Node], at place: (Int) -> Int, describe: (Int) -> String) {
        guard let traceID = nodes[0].traceID else {
            issues.note(
                "segment has no trace_id\(describe(nodes[0].offset))", at: place(nodes[0].offset), action: "\(nodes.count) spans dropped",
                dropsRecord: true)
            return
        }
        let top = nodes[0]
        var ids: [SpanID?] = []
        for node in nodes {
            // The nearest enclosing node that became a span.
            var enclosing = node.enclosing
            while let index = enclosing, ids[index] == nil { enclosing = nodes[index].enclosing }
            guard let id = node.id, let start = node.start else {
                ids.append(nil)
                issues.note(
                    "\(node.isSubsegment ? "subsegment" : "segment") has no \(node.id == nil ? "id" : "start_time")\(describe(node.offset))",
                    at: place(node.offset), action: "span dropped", dropsRecord: true)
                continue
            }
            ids.append(id)
            let kind: SpanKind = node.remote ? .client : (node.isSubsegment ? .internal : .server)
            var attributes = node.attributes
            if node.remote { attributes.insert(Attribute(key: "peer.service", value: .string(node.name)), at: 0) }
            for (flag, name) in [(node.fault, "aws.xray.fault"), (node.error, "aws.xray.error"), (node.throttle, "aws.xray.throttle")]
            where flag {
                attributes.append(Attribute(key: name, value: .bool(true)))
            }
            if node.inferred { attributes.append(Attribute(key: "aws.xray.inferred", value: .bool(true))) }
            if node.inProgress { attributes.append(Attribute(key: "aws.xray.in_progress", value: .bool(true))) }
            let failed = node.fault || (node.error && kind == .client)
            // A subsegment is of its segment's service; one sent on its own is named for now by
            // its top subsegment, until its parent is found (`adoptDetached`).
            let service = node.isSubsegment ? top.name : node.name
            if top.isSubsegment { detached.insert(spans.count) }
            spans.append(
                Span(
                    traceID: node.traceID ?? traceID, spanID: id, parentSpanID: enclosing.flatMap { ids[$0] } ?? node.parentID,
                    name: node.name, kind: kind, startTimeUnixNano: start, endTimeUnixNano: node.inProgress ? start : (node.end ?? start),
                    status: SpanStatus(code: failed ? .error : .unset, message: failed ? node.statusMessage : ""),
                    attributes: attributes, events: node.events, resource: resource(service, version: top.version)))
        }
    }

    private mutating func resource(_ service: String, version: String?) -> Resource {
        if let known = resources[service]?[version ?? ""] { return known }
        var attributes = [Attribute(key: "service.name", value: .string(service))]
        if let version { attributes.append(Attribute(key: "service.version", value: .string(version))) }
        let made = Resource(attributes: attributes)
        resources[service, default: [:]][version ?? ""] = made
        return made
    }

    /// Subsegments sent on their own take the service of the span they belong to (their
    /// parent's, found among every span read), else stay under their own name.
    private mutating func adoptDetached() {
        guard !detached.isEmpty else { return }
        var byID: [SpanID: Int] = [:]
        for index in spans.indices { byID[spans[index].spanID] = index }
        for index in detached.sorted() {
            var parent = spans[index].parentSpanID.flatMap { byID[$0] }
            var steps = 0
            while let found = parent, detached.contains(found), steps < spans.count {
                parent = spans[found].parentSpanID.flatMap { byID[$0] }
                steps += 1
            }
            if let found = parent { spans[index].resource = spans[found].resource }
        }
    }
}
