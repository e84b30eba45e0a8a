/// What the schema-directed JSON decoders share: a reader, loops over arrays and objects, and
/// the recovery of records whose content is wrong but whose JSON is whole.
protocol JSONParsing {
    var reader: JSONReader { get set }
    /// What was dropped or repaired so far.
    var issues: IssueLog { get set }
    /// What becomes of a record's field `member` when its value cannot be read: "kind read as
    /// unspecified", "parent ignored: shown as a root", "<member> ignored".
    static func repair(of member: String) -> String
}

extension JSONParsing {
    /// Calls `element` for each element of an array; `null` counts as empty.
    mutating func parseArray(_ element: (inout Self) throws(JSONFailure) -> Void) throws(JSONFailure) {
        if try reader.consumeNull() { return }
        try reader.beginArray()
        var first = true
        while try reader.nextElement(first: &first) {
            try element(&self)
        }
    }

    /// Calls `member` with each member name of an object; `member` must consume the value.
    /// `null` counts as an empty object.
    mutating func parseObject(_ member: (inout Self, JSONReader.Key) throws(JSONFailure) -> Void) throws(JSONFailure) {
        if try reader.consumeNull() { return }
        try reader.beginObject()
        var first = true
        while let key = try reader.nextKey(first: &first) {
            try member(&self, key)
        }
    }

    /// The value `parse` decodes from the value that comes next, or the one it decoded before
    /// from the same text, which is then stepped over (see `RecurringObjects`).
    mutating func recurring<Value>(
        _ cache: RecurringObjects<Value>, parse: (inout Self) throws(JSONFailure) -> Value
    ) throws(JSONFailure) -> Value {
        _ = reader.peek()
        let start = reader.offset
        let rest = reader.text(start..<reader.bytes.count)
        if let known = cache.value(atStartOf: rest) {
            reader.offset = start + known.length
            return known.value
        }
        let noted = issues.count
        let value = try parse(&self)
        // A value whose reading dropped or repaired something is read anew each time, so that
        // every case is counted.
        if issues.count == noted { cache.insert(value, for: reader.text(start..<reader.offset)) }
        return value
    }

    /// Calls `member` with each member name of a record's object (a span, an event) but those
    /// whose value is `null`; `member` must consume the value. A member whose value cannot be
    /// read but is whole JSON is left out, the record kept, and noted as `repair(of:)` says;
    /// `passedOver` hears of it, and of each `null`. A fault in the JSON, or in a member
    /// `essential` names (an id), is thrown, for the record to be dropped by its list.
    @inline(__always)
    mutating func parseRecordMembers(
        essential: [StaticString], passedOver: (inout Self, JSONReader.Key) -> Void = { _, _ in },
        _ member: (inout Self, JSONReader.Key) throws(JSONFailure) -> Void
    ) throws(JSONFailure) {
        try reader.beginObject()
        var first = true
        // Where the value being read began, with the issues noted before it and its member's
        // name; an offset of -1 between values. One catch for the whole loop, which is entered
        // again after it: a catch per member cost more, on the decoders' hottest path.
        var start = ValueStart(offset: -1, mark: 0)
        var name = (start: 0, end: 0)
        while true {
            do throws(JSONFailure) {
                while let key = try reader.nextKey(first: &first) {
                    // `consumeNull` has stepped over any whitespace: the value starts here.
                    if try reader.consumeNull() {
                        passedOver(&self, key)
                        continue
                    }
                    (start, name) = (ValueStart(offset: reader.offset, mark: issues.count), (key.start, key.end))
                    try member(&self, key)
                    start.offset = -1
                }
                return
            } catch {
                let key = JSONReader.Key(start: name.start, end: name.end, decoded: nil)
                guard start.offset >= 0, !essential.contains(where: { reader.matches(key, $0) }) else { throw error }
                try recover(error, at: start, action: Self.repair(of: reader.text(of: key)), dropsRecord: false)
                passedOver(&self, key)
                start.offset = -1
            }
        }
    }

    /// Marks the value that comes next, for `recover(_:at:action:dropsRecord:)`.
    mutating func valueStart() -> ValueStart {
        _ = reader.peek()
        return ValueStart(offset: reader.offset, mark: issues.count)
    }

    /// After reading the value that began at `start` failed: when the value is whole JSON (an id
    /// that is not hex, a string where a number belongs), steps over it and notes the case as
    /// `action`, for the caller to drop or repair its record (what was noted inside the value is
    /// forgotten: the value is gone). A fault in the JSON itself, or one that rejects the whole
    /// input, is thrown: nothing after it can be trusted.
    mutating func recover(_ failure: JSONFailure, at start: ValueStart, action: String, dropsRecord: Bool) throws(JSONFailure) {
        guard !failure.rejectsInput else { throw failure }
        reader.offset = start.offset
        try reader.skipValue()
        issues.rollback(to: start.mark)
        issues.note(failure.message, at: failure.offset, action: action, dropsRecord: dropsRecord)
    }

    /// The value `read` reads from the value that comes next; nil, with the case noted as
    /// `action`, when it cannot (see `recover`).
    mutating func tolerating<Value>(
        _ action: String, dropsRecord: Bool, _ read: (inout Self) throws(JSONFailure) -> Value
    ) throws(JSONFailure) -> Value? {
        let start = valueStart()
        do {
            return try read(&self)
        } catch {
            try recover(error, at: start, action: action, dropsRecord: dropsRecord)
            return nil
        }
    }

    /// After the document that began at `start` broke at `failure`: notes the break and moves to
    /// the next line that begins with `opening` (the next document of JSON lines), or to the end.
    mutating func resume(after failure: JSONFailure, documentStart start: Int, opening: UInt8) {
        if let next = reader.nextLine(beginningWith: opening, after: start) {
            issues.noteBreak(failure.message, at: failure.offset, action: "rest of the line skipped")
            reader.offset = next
        } else {
            issues.noteBreak(failure.message, at: failure.offset, action: "rest of the input skipped", lostTheRest: true)
            reader.offset = reader.bytes.count
        }
    }
}

/// Where a value began, and how many cases were noted before it.
struct ValueStart {
    var offset: Int
    var mark: Int
}
