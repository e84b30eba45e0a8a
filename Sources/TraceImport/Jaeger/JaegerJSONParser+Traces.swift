import TraceModel

/// The reader of envelopes and traces: what a `data`, `spans` or `processes` member holds, and
/// spans given their resource once their trace's `processes` are known.
extension JaegerJSONParser {
    /// Reads a member of an envelope or a trace into `processes` or onto the parser's spans:
    /// `data` (the query API's traces, or one trace), `spans` or `processes`. False for any other
    /// member, which is left unread.
    @inline(__always)
    mutating func parseTraceMember(_ key: JSONReader.Key, depth: Int, processes: inout [String: Resource]) throws(JSONFailure) -> Bool {
        if reader.matches(key, "data") || reader.matches(key, "spans") {
            // The query API's `data` is a list of traces; some tools write one trace there.
            if reader.peek() == UInt8(ascii: "{") {
                try parseObject(depth: depth + 1)
            } else {
                try parseRecords(
                    depth: depth + 1, action: reader.matches(key, "data") ? "trace dropped" : "span dropped")
            }
        } else if reader.matches(key, "processes") {
            try parseObject { (parser, processKey) throws(JSONFailure) in
                let name = parser.reader.text(of: processKey)
                if let process = try parser.tolerating(
                    "process ignored", dropsRecord: false, { (parser) throws(JSONFailure) in try parser.parseProcess() })
                {
                    processes[name] = process
                }
            }
        } else {
            return false
        }
        return true
    }

    /// Resolves the processIDs of the spans waiting from `firstPending` on (those of one trace).
    mutating func resolveProcesses(_ processes: [String: Resource], from firstPending: Int) {
        guard !processes.isEmpty else { return }
        var unresolved: [(Int, String)] = []
        // A trace has a few processes: comparing ids costs less than hashing them.
        let few = processes.count <= 16 ? Array(processes) : nil
        for (index, processID) in pendingProcesses[firstPending...] {
            if let resource = few.map({ $0.first { $0.key == processID }?.value }) ?? processes[processID] {
                spans[index].resource = resource
            } else {
                unresolved.append((index, processID))
            }
        }
        pendingProcesses.replaceSubrange(firstPending..., with: unresolved)
    }

    /// Drops the spans still waiting for their process from `firstPending` on: their trace broke
    /// before its `processes`.
    mutating func dropUnresolvedSpans(from firstPending: Int, at offset: Int) {
        guard firstPending < pendingProcesses.count else { return }
        let dropped = Set(pendingProcesses[firstPending...].map(\.spanIndex))
        pendingProcesses.removeSubrange(firstPending...)
        issues.note(
            "the input breaks before their trace's processes", at: offset, action: "\(dropped.count) spans dropped", dropsRecord: true)
        let first = dropped.min()!
        var kept = first
        for index in first..<spans.count where !dropped.contains(index) {
            spans.swapAt(kept, index)
            kept += 1
        }
        spans.removeSubrange(kept...)
    }

    mutating func parseProcess() throws(JSONFailure) -> Resource {
        var serviceName: String?
        var attributes: [Attribute] = []
        try parseObject { (parser, key) throws(JSONFailure) in
            if parser.reader.matches(key, "serviceName") {
                serviceName = try parser.reader.readString()
            } else if parser.reader.matches(key, "tags") {
                attributes = try parser.parseTags()
            } else {
                try parser.reader.skipValue()
            }
        }
        if let serviceName {
            attributes.removeAll { $0.key == "service.name" }
            attributes.insert(Attribute(key: "service.name", value: .string(serviceName)), at: 0)
        }
        return Resource(attributes: attributes)
    }
}
