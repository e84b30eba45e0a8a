import TraceModel

/// Reads one X-Ray segment document, its subsegments at any depth with a stack of its own (no
/// recursion on the input's nesting), into a flat list of (sub)segments.
struct XRaySegmentReader {
    var reader: JSONReader
    /// What was repaired or dropped, at offsets of `reader`'s bytes.
    var problems: [(offset: Int, message: String, action: String, dropsRecord: Bool)] = []

    /// A segment or subsegment as read.
    struct Node {
        var id: SpanID?
        var name = ""
        var traceID: TraceID?
        var parentID: SpanID?
        var start: UInt64?
        var end: UInt64?
        var inProgress = false
        var remote = false
        var inferred = false
        var isSubsegment: Bool
        /// `"type": "subsegment"`: a subsegment sent on its own, with its `parent_id`.
        var typeIsSubsegment = false
        var fault = false
        var error = false
        var throttle = false
        var version: String?
        var attributes: [Attribute] = []
        var events: [SpanEvent] = []
        var statusMessage = ""
        /// The (sub)segment it is a subsegment of, by index into the document's nodes.
        var enclosing: Int?
        var offset: Int
    }

    /// Reads the document at the reader (an object) and returns its nodes, the top one first.
    mutating func read() throws(JSONFailure) -> [Node] {
        _ = reader.peek()
        var nodes = [Node(isSubsegment: false, offset: reader.offset)]
        try reader.beginObject()
        // Per open object: its node, whether its next key is its first, and, while inside its
        // `subsegments` array, whether the next element is the first.
        var stack: [(node: Int, first: Bool, inArray: Bool, firstElement: Bool)] = [(0, true, false, true)]
        while var top = stack.popLast() {
            if top.inArray {
                if try reader.nextElement(first: &top.firstElement) {
                    _ = reader.peek()
                    nodes.append(Node(isSubsegment: true, enclosing: top.node, offset: reader.offset))
                    try reader.beginObject()
                    stack.append(top)
                    stack.append((nodes.count - 1, true, false, true))
                } else {
                    top.inArray = false
                    stack.append(top)
                }
                continue
            }
            guard let key = try reader.nextKey(first: &top.first) else { continue }
            if try reader.consumeNull() {
                stack.append(top)
                continue
            }
            if reader.matches(key, "subsegments") {
                try reader.beginArray()
                (top.inArray, top.firstElement) = (true, true)
                stack.append(top)
                continue
            }
            stack.append(top)
            let start = reader.offset
            do throws(JSONFailure) {
                try readMember(key, into: &nodes[top.node])
            } catch {
                // A value of the wrong kind costs the member; broken JSON the document.
                guard !error.rejectsInput else { throw error }
                reader.offset = start
                try reader.skipValue()
                problems.append((error.offset, error.message, "\(reader.text(of: key)) ignored", false))
            }
        }
        if nodes[0].typeIsSubsegment { nodes[0].isSubsegment = true }
        return nodes
    }

    private mutating func readMember(_ key: JSONReader.Key, into node: inout Node) throws(JSONFailure) {
        if reader.matches(key, "id") {
            node.id = try readSpanID("id")
        } else if reader.matches(key, "name") {
            node.name = try reader.readString()
        } else if reader.matches(key, "trace_id") {
            _ = reader.peek()
            let position = reader.offset
            let text = try reader.readString()
            guard let id = XRayDecoder.traceID(text) else {
                throw reader.failure("invalid trace_id \"\(text.prefix(40))\": expected 1-<8 hex digits>-<24 hex digits>", at: position)
            }
            node.traceID = id
        } else if reader.matches(key, "parent_id") {
            node.parentID = try readSpanID("parent_id")
        } else if reader.matches(key, "start_time") {
            node.start = try readEpochSeconds("start_time")
        } else if reader.matches(key, "end_time") {
            node.end = try readEpochSeconds("end_time")
        } else if reader.matches(key, "in_progress") {
            node.inProgress = try reader.readBool("in_progress")
        } else if reader.matches(key, "namespace") {
            let namespace = try reader.readString()
            node.remote = namespace == "remote" || namespace == "aws"
        } else if reader.matches(key, "inferred") {
            node.inferred = try reader.readBool("inferred")
        } else if reader.matches(key, "type") {
            node.typeIsSubsegment = try reader.readString() == "subsegment"
        } else if reader.matches(key, "fault") {
            node.fault = try reader.readBool("fault")
        } else if reader.matches(key, "error") {
            node.error = try reader.readBool("error")
        } else if reader.matches(key, "throttle") {
            node.throttle = try reader.readBool("throttle")
        } else if reader.matches(key, "origin") {
            node.attributes.append(Attribute(key: "aws.xray.origin", value: .string(try reader.readString())))
        } else if reader.matches(key, "user") {
            node.attributes.append(Attribute(key: "enduser.id", value: .string(try reader.readString())))
        } else if reader.matches(key, "resource_arn") {
            node.attributes.append(Attribute(key: "cloud.resource_id", value: .string(try reader.readString())))
        } else if reader.matches(key, "service") {
            try members { (reader, key) throws(JSONFailure) in
                if reader.matches(key, "version") { node.version = try reader.readString() } else { try reader.skipValue() }
            }
        } else if reader.matches(key, "http") {
            try readHTTP(into: &node)
        } else if reader.matches(key, "sql") {
            try readSQL(into: &node)
        } else if reader.matches(key, "aws") {
            try members { (reader, key) throws(JSONFailure) in
                let name = reader.text(of: key)
                let renamed = ["operation": "rpc.method", "region": "cloud.region", "account_id": "cloud.account.id"][name]
                node.attributes.append(Attribute(key: renamed ?? "aws.\(name)", value: try reader.readPlainScalar()))
            }
        } else if reader.matches(key, "annotations") {
            try members { (reader, key) throws(JSONFailure) in
                node.attributes.append(Attribute(key: reader.text(of: key), value: try reader.readPlainScalar()))
            }
        } else if reader.matches(key, "metadata") {
            try members { (reader, namespace) throws(JSONFailure) in
                let prefix = "metadata.\(reader.text(of: namespace))."
                guard reader.peek() == UInt8(ascii: "{") else {
                    node.attributes.append(Attribute(key: String(prefix.dropLast()), value: try reader.readPlainScalar()))
                    return
                }
                try reader.beginObject()
                var first = true
                while let key = try reader.nextKey(first: &first) {
                    node.attributes.append(Attribute(key: prefix + reader.text(of: key), value: try reader.readPlainScalar()))
                }
            }
        } else if reader.matches(key, "cause") {
            try readCause(into: &node)
        } else {
            try reader.skipValue()
        }
    }

    /// Calls `member` with each member of the object that comes next (`null` is empty).
    private mutating func members(_ member: (inout JSONReader, JSONReader.Key) throws(JSONFailure) -> Void) throws(JSONFailure) {
        if try reader.consumeNull() { return }
        try reader.beginObject()
        var first = true
        while let key = try reader.nextKey(first: &first) { try member(&reader, key) }
    }

    private mutating func readHTTP(into node: inout Node) throws(JSONFailure) {
        try members { (reader, part) throws(JSONFailure) in
            let names: [String: String]
            if reader.matches(part, "request") {
                names = [
                    "method": "http.request.method", "url": "url.full", "client_ip": "client.address",
                    "user_agent": "user_agent.original", "x_forwarded_for": "aws.xray.x_forwarded_for", "traced": "aws.xray.traced",
                ]
            } else if reader.matches(part, "response") {
                names = ["status": "http.response.status_code", "content_length": "http.response.body.size"]
            } else {
                try reader.skipValue()
                return
            }
            if try reader.consumeNull() { return }
            try reader.beginObject()
            var first = true
            while let key = try reader.nextKey(first: &first) {
                let name = reader.text(of: key)
                node.attributes.append(Attribute(key: names[name] ?? "http.\(name)", value: try reader.readPlainScalar()))
            }
        }
    }

    private mutating func readSQL(into node: inout Node) throws(JSONFailure) {
        let names = [
            "sanitized_query": "db.query.text", "database_type": "db.system", "url": "db.connection_string", "user": "db.user",
            "database_version": "db.version", "driver_version": "db.driver.version", "preparation": "db.preparation",
        ]
        try members { (reader, key) throws(JSONFailure) in
            let name = reader.text(of: key)
            node.attributes.append(Attribute(key: names[name] ?? "db.\(name)", value: try reader.readPlainScalar()))
        }
    }

    /// `cause`: an object with `exceptions` (each an `exception` event), or the id of an
    /// exception recorded elsewhere (a string).
    private mutating func readCause(into node: inout Node) throws(JSONFailure) {
        if reader.peek() == UInt8(ascii: "\"") {
            node.attributes.append(Attribute(key: "aws.xray.cause", value: .string(try reader.readString())))
            return
        }
        let at = node.start ?? 0
        try members { (reader, key) throws(JSONFailure) in
            guard reader.matches(key, "exceptions") else {
                try reader.skipValue()
                return
            }
            if try reader.consumeNull() { return }
            try reader.beginArray()
            var first = true
            while try reader.nextElement(first: &first) {
                var attributes: [Attribute] = []
                try reader.beginObject()
                var firstKey = true
                while let member = try reader.nextKey(first: &firstKey) {
                    if reader.matches(member, "message") {
                        attributes.append(Attribute(key: "exception.message", value: try reader.readPlainScalar()))
                    } else if reader.matches(member, "type") {
                        attributes.append(Attribute(key: "exception.type", value: try reader.readPlainScalar()))
                    } else if reader.matches(member, "stack") {
                        attributes.append(Attribute(key: "exception.stacktrace", value: try reader.readPlainScalar()))
                    } else {
                        try reader.skipValue()
                    }
                }
                if node.statusMessage.isEmpty, case .string(let message)? = attributes[key: "exception.message"] {
                    node.statusMessage = message
                }
                node.events.append(SpanEvent(timeUnixNano: at, name: "exception", attributes: attributes))
            }
        }
    }

    private mutating func readSpanID(_ field: String) throws(JSONFailure) -> SpanID {
        _ = reader.peek()
        let position = reader.offset
        if let (_, value) = reader.readHexID(wordPairs: 1), value != 0 { return SpanID(value) }
        reader.offset = position
        let text = try reader.readString()
        throw reader.failure("invalid \(field) \"\(text.prefix(40))\": expected 16 hex digits, not all zeros", at: position)
    }

    private mutating func readEpochSeconds(_ field: String) throws(JSONFailure) -> UInt64 {
        _ = reader.peek()
        let position = reader.offset
        let number = try reader.scanNumber()
        let digits = reader.text(number.start..<number.end)
        if let nanoseconds = XRayDecoder.nanoseconds(epochSeconds: digits) { return nanoseconds }
        // Exponents, or values out of range: read as a double when that is in range.
        reader.offset = position
        let seconds = try reader.readDouble(field)
        guard seconds >= 0, seconds < 18_446_744_073 else {
            throw reader.failure("\(field) \(seconds) is not a time from 1970 to 2554 in epoch seconds", at: position)
        }
        return UInt64(seconds * 1_000_000_000)
    }
}
