/// What reading one input left out or repaired, counted by reason: a bad record costs that record
/// (a span, link, event or attribute, or the rest of a broken line), never the whole input, and
/// the report says what was done and where it first happened.
public struct RecordIssues: Sendable, Equatable {
    /// The cases of one reason.
    public struct Reason: Sendable, Equatable {
        /// What was done: "span dropped", "kind read as unspecified".
        public var action: String
        /// Why, as the first case said it: `invalid traceId "zzz": expected 32 hex digits...`.
        public var problem: String
        /// Whether a record was lost, rather than a value repaired or ignored.
        public var dropsRecord: Bool
        public var count: Int
        /// Where the first case is: "line 12, column 5", or "byte 120" in binary input.
        public var firstPlace: String

        public init(action: String, problem: String, dropsRecord: Bool, count: Int, firstPlace: String) {
            self.action = action
            self.problem = problem
            self.dropsRecord = dropsRecord
            self.count = count
            self.firstPlace = firstPlace
        }

        /// "invalid traceId "zzz": ...; span dropped (3 times, the first at line 12, column 5)".
        public var description: String {
            "\(problem); \(action) (\(count == 1 ? "at" : "\(count) times, the first at") \(firstPlace))"
        }
    }

    /// By first place in the input.
    public var reasons: [Reason]

    public init(reasons: [Reason] = []) { self.reasons = reasons }

    public var isEmpty: Bool { reasons.isEmpty }
    /// How many records were lost.
    public var dropped: Int { reasons.lazy.filter(\.dropsRecord).map(\.count).saturatingSum() }
    /// How many values were repaired or ignored, their records kept.
    public var repaired: Int { reasons.lazy.filter { !$0.dropsRecord }.map(\.count).saturatingSum() }

    /// "12 records dropped, 3 values repaired", or nil when there is nothing to say.
    public var summary: String? {
        var parts: [String] = []
        if dropped > 0 { parts.append("\(dropped) \(dropped == 1 ? "record" : "records") dropped") }
        if repaired > 0 { parts.append("\(repaired) \(repaired == 1 ? "value" : "values") repaired") }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    /// Adds the cases of `other` (a later part of the same input, or another input): cases of
    /// one reason are counted together, the first place kept.
    public mutating func merge(_ other: RecordIssues) {
        for reason in other.reasons {
            let key = Self.key(reason)
            if let index = reasons.firstIndex(where: { Self.key($0) == key }) {
                reasons[index].count = reasons[index].count.saturatingAdding(reason.count)
            } else {
                reasons.append(reason)
            }
        }
    }

    /// What makes two cases one reason: the action, and the problem without its quoted text and
    /// digits (`invalid traceId "zzz"` and `invalid traceId "yy"` are one reason).
    public static func key(action: String, problem: String) -> String {
        var out = action + "\u{0}"
        var quoted = false
        for character in problem {
            if character == "\"" { quoted.toggle() }
            if (quoted && character != "\"") || character.isASCII && character.isNumber { continue }
            out.append(character)
        }
        return out
    }

    private static func key(_ reason: Reason) -> String { key(action: reason.action, problem: reason.problem) }
}
