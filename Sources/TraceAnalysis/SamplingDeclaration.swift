public import TraceModel

/// What a span says of how its trace was sampled: an OpenTelemetry threshold in the W3C
/// `tracestate` (`ot=th:…`), Jaeger's `sampler.type` and `sampler.param` tags, OpenTracing's
/// `sampling.priority`, or the B3 headers the request arrived with where the instrumentation
/// recorded them (`http.request.header.b3`, `…x-b3-sampled`, `…x-b3-flags`).
public struct SamplingDeclaration: Sendable, Hashable, Comparable {
    /// "tracestate th:c", "Jaeger probabilistic 0.1", "Jaeger ratelimiting 2", "sampling.priority 1",
    /// "B3 sampled 0 …".
    public var source: String
    /// The chance a trace is kept, when the declaration says it (a rate limit does not).
    public var probability: Double?

    public init(source: String, probability: Double?) {
        (self.source, self.probability) = (source, probability)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.source, lhs.probability ?? -1) < (rhs.source, rhs.probability ?? -1) }

    /// What `span` declares, if anything: the tracestate first, then Jaeger's tags, then the priority.
    public static func of(traceState: String, attributes: [Attribute]) -> SamplingDeclaration? {
        if !traceState.isEmpty, let declared = threshold(in: traceState) { return declared }
        var (type, parameter, priority): (String?, AttributeValue?, AttributeValue?) = (nil, nil, nil)
        var b3: Character?
        for attribute in attributes {
            switch attribute.key.utf8.first {
            case UInt8(ascii: "s"):
                switch attribute.key {
                case "sampler.type": if case .string(let text) = attribute.value { type = text }
                case "sampler.param": parameter = attribute.value
                case "sampling.priority": priority = attribute.value
                default: break
                }
            case UInt8(ascii: "h"):
                if let state = b3SamplingState(attribute), b3 != "d" { b3 = state }
            default: break
            }
        }
        if let type {
            let parsed: Double? =
                switch parameter {
                case .double(let number)?: number
                case .int(let number)?: Double(number)
                case .string(let text)?: Double(text.prefix(40))
                case .bool(let flag)?: flag ? 1 : 0
                default: nil
                }
            let value = parsed.flatMap { $0.isFinite ? $0 : nil }
            let written = value.map { "\($0)" } ?? "?"
            switch type {
            case "probabilistic":
                return SamplingDeclaration(source: "Jaeger probabilistic \(written)", probability: value.map { min(1, max(0, $0)) })
            case "const":
                return SamplingDeclaration(source: "Jaeger const \(written)", probability: value.map { $0 != 0 ? 1 : 0 })
            default:
                // A rate limit (traces a second) or a remote or adaptive sampler: no probability.
                return SamplingDeclaration(source: "Jaeger \(type.prefix(40)) \(written)", probability: nil)
            }
        }
        if case .int(let number)? = priority, number > 0 {
            return SamplingDeclaration(source: "sampling.priority \(number) (kept on purpose)", probability: 1)
        }
        switch b3 {
        case "d": return SamplingDeclaration(source: "B3 debug (kept on purpose)", probability: 1)
        case "1": return SamplingDeclaration(source: "B3 sampled 1 (the caller's decision)", probability: nil)
        case "0": return SamplingDeclaration(source: "B3 sampled 0 (recorded though the caller did not sample)", probability: nil)
        default: return nil
        }
    }

    /// The B3 sampling state a recorded request header gives: "1", "0" or "d" (debug). The
    /// single header `b3` is `{trace id}-{span id}-{state}-{parent id}` or the state alone;
    /// `X-B3-Sampled` is "1", "0", "true" or "false"; `X-B3-Flags: 1` means debug. OpenTelemetry
    /// records a header as a string array under `http.request.header.<lower-case name>`.
    static func b3SamplingState(_ attribute: Attribute) -> Character? {
        let prefix = "http.request.header."
        guard attribute.key.hasPrefix(prefix) else { return nil }
        let text: Substring
        switch attribute.value {
        case .string(let value): text = value[...]
        case .array(let values):
            guard case .string(let value)? = values.first else { return nil }
            text = value[...]
        default: return nil
        }
        let value = text.prefix(200).filter { $0 != " " }.lowercased()
        switch attribute.key.dropFirst(prefix.count) {
        case "b3":
            let fields = value.split(separator: "-", omittingEmptySubsequences: false)
            let state = fields.count == 1 ? fields[0] : fields.count >= 3 ? fields[2] : ""
            return ["0", "1", "d"].contains(state) ? state.first : nil
        case "x-b3-sampled": return value == "1" || value == "true" ? "1" : value == "0" || value == "false" ? "0" : nil
        case "x-b3-flags": return value == "1" ? "d" : nil
        default: return nil
        }
    }

    /// The OpenTelemetry threshold in `traceState`: the `th` of its `ot` member, 1 to 14 hex
    /// digits (the rest taken as zeros), a trace kept when its 56-bit randomness is at least it.
    static func threshold(in traceState: String) -> SamplingDeclaration? {
        for member in traceState.split(separator: ",") {
            let trimmed = member.drop { $0 == " " || $0 == "\t" }
            guard trimmed.hasPrefix("ot=") else { continue }
            for field in trimmed.dropFirst(3).split(separator: ";") where field.hasPrefix("th:") {
                let digits = field.dropFirst(3)
                guard (1...14).contains(digits.count), let value = UInt64(digits, radix: 16) else { return nil }
                let threshold = value << (4 * (14 - UInt64(digits.count)))
                return SamplingDeclaration(source: "tracestate th:\(digits)", probability: 1 - Double(threshold) / 72_057_594_037_927_936)
            }
        }
        return nil
    }
}
