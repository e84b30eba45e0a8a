public import TraceModel

/// Finds the trace a user means by an id or a prefix of one (any case; a 64-bit id may be given
/// without the leading zeros of its 128-bit form).
public enum TraceIDMatch: Equatable, Sendable {
    /// The index of the one trace that matches.
    case found(Int)
    /// Why no single trace matches, for the user.
    case problem(String)

    public init(_ text: String, in traces: [Trace]) {
        self.init(text, ids: traces.map(\.traceID)) { index in "\(traces[index].root.service): \(traces[index].root.name)" }
    }

    /// Matches `text` against `ids`; `describe` names the trace at an index (its entry point) for
    /// the list of ambiguous matches.
    public init(_ text: String, ids: [TraceID], describe: (Int) -> String) {
        let prefix = text.lowercased()
        guard !prefix.isEmpty, prefix.allSatisfy(\.isHexDigit) else {
            self = .problem("--trace-id '\(text)' is not hexadecimal")
            return
        }
        let matches = ids.indices.filter { Self.matches(ids[$0], lowercasedPrefix: prefix) }
        switch matches.count {
        case 1:
            self = .found(matches[0])
        case 0:
            self = .problem("no trace id starts with '\(text)' among the \(ids.count) traces read")
        default:
            let listed = matches.prefix(10).map { index in "  \(ids[index].hex)  \(describe(index))" }
            let more = matches.count > 10 ? "\n  … and \(matches.count - 10) more" : ""
            self = .problem(
                "--trace-id '\(text)' matches \(matches.count) traces; give more digits:\n" + listed.joined(separator: "\n") + more)
        }
    }

    /// Whether `id` starts with `prefix` (lower case), in its 128-bit hex or, for a 64-bit id,
    /// without the leading zeros.
    public static func matches(_ id: TraceID, lowercasedPrefix prefix: String) -> Bool {
        id.hex.hasPrefix(prefix) || (id.high == 0 && String(id.low, radix: 16).hasPrefix(prefix))
    }
}
