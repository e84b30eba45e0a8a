import TraceModel

/// What a decoder dropped or repaired as it read, noted by byte offset: every case counted by
/// reason (see `RecordIssues.key`), the first of each kept with its place.
struct IssueLog {
    private struct Entry {
        var reason: RecordIssues.Reason
        /// Where the first case is.
        var offset: Int
    }

    /// One per reason, in the order of their first cases.
    private var entries: [Entry] = []
    private var indexOfKey: [String: Int] = [:]
    /// The entry of every case, in the order noted.
    private var cases: [Int] = []
    /// Whether a break lost everything after it (no next document was found).
    private(set) var lostTheRest = false

    /// How many cases were noted.
    var count: Int { cases.count }

    /// Notes one case at byte `offset`: `problem` is what was wrong, `action` what was done
    /// (`dropsRecord` when a record was lost).
    mutating func note(_ problem: String, at offset: Int, action: String, dropsRecord: Bool) {
        let key = RecordIssues.key(action: action, problem: problem)
        if let index = indexOfKey[key] {
            entries[index].reason.count += 1
            cases.append(index)
            return
        }
        indexOfKey[key] = entries.count
        cases.append(entries.count)
        entries.append(
            Entry(
                reason: RecordIssues.Reason(action: action, problem: problem, dropsRecord: dropsRecord, count: 1, firstPlace: ""),
                offset: offset))
    }

    /// Notes a break in the input itself: what follows it up to where reading resumed is lost.
    mutating func noteBreak(_ problem: String, at offset: Int, action: String, lostTheRest: Bool = false) {
        self.lostTheRest = self.lostTheRest || lostTheRest
        note(problem, at: offset, action: action, dropsRecord: true)
    }

    /// Forgets the cases noted since `count` was `mark`: those inside a record that was then
    /// dropped whole, which need no word of their own.
    mutating func rollback(to mark: Int) {
        while cases.count > mark {
            let index = cases.removeLast()
            entries[index].reason.count -= 1
            // A reason first met after the mark is the newest, and has no case left.
            if entries[index].reason.count == 0 {
                indexOfKey[RecordIssues.key(action: entries[index].reason.action, problem: entries[index].reason.problem)] = nil
                entries.removeLast()
            }
        }
    }

    /// Why the input as a whole fails, if it does: with `strict`, anything at all was dropped or
    /// repaired (the first case is named); without, nothing could be read from it (the first
    /// case that lost a record is named).
    func fault(readAny: Bool, strict: Bool) -> (offset: Int, message: String)? {
        let entry = strict ? entries.first : readAny ? nil : entries.first { $0.reason.dropsRecord } ?? entries.first
        return entry.map { ($0.offset, $0.reason.problem) }
    }

    /// The cases, each reason placed by its first case in `bytes` (line and column of text, or
    /// byte offset). `base` is where `bytes` begins in the whole input (a piece of a large file).
    func issues(in bytes: UnsafeRawBufferPointer, textual: Bool, base: InputPlace = InputPlace()) -> RecordIssues {
        let places = Self.places(of: entries.map(\.offset), in: bytes, textual: textual, base: base)
        return RecordIssues(
            reasons: zip(entries, places).map { entry, place in
                var reason = entry.reason
                reason.firstPlace = place.description
                return reason
            })
    }

    /// Where offsets of `bytes` are, counted in one pass over the text (however many offsets).
    static func places(of offsets: [Int], in bytes: UnsafeRawBufferPointer, textual: Bool, base: InputPlace) -> [InputPlace] {
        guard textual else { return offsets.map { InputPlace(offset: base.offset + $0, line: nil, column: nil) } }
        var places = [InputPlace](repeating: InputPlace(), count: offsets.count)
        var line = base.line ?? 1
        var lineStart = 0
        var position = 0
        for index in offsets.indices.sorted(by: { offsets[$0] < offsets[$1] }) {
            let offset = min(max(offsets[index], 0), bytes.count)
            while position < offset {
                if bytes[position] == 0x0A {
                    line += 1
                    lineStart = position + 1
                }
                position += 1
            }
            let column = offset - lineStart + 1 + (line == (base.line ?? 1) ? (base.column ?? 1) - 1 : 0)
            places[index] = InputPlace(offset: base.offset + offset, line: line, column: column)
        }
        return places
    }
}

/// A place in an input: a line and column (1-based, in bytes) in text, and its byte offset.
struct InputPlace: CustomStringConvertible {
    var offset = 0
    var line: Int? = 1
    var column: Int? = 1

    var description: String {
        if let line, let column { return "line \(line), column \(column)" }
        return "byte \(offset)"
    }
}
