public import TraceModel

/// What a span says of how its trace was sampled: an OpenTelemetry threshold in the W3C
/// `tracestate` (`ot=th:…`), Jaeger's `sampler.type` and `sampler.param` tags, or
/// OpenTracing's `sampling.priority`.
public struct SamplingDeclaration: Sendable, Hashable, Comparable {
    /// "tracestate th:c", "Jaeger probabilistic 0.1", "Jaeger ratelimiting 2", "sampling.priority 1".
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
        for attribute in attributes where attribute.key.utf8.first == UInt8(ascii: "s") {
            switch attribute.key {
            case "sampler.type": if case .string(let text) = attribute.value { type = text }
            case "sampler.param": parameter = attribute.value
            case "sampling.priority": priority = attribute.value
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
        return nil
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
