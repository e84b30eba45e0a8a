public import TraceModel

/// Random span sets with the values a decoder lets through at their extremes, for property tests:
/// times of 0, 1, 2^63−1, 2^64−1 and their neighbours, ends before starts, events and links
/// outside their span, self-parents and cycles, duplicate ids, hosts whose clocks disagree,
/// empty, huge and hostile strings, NaN and infinite doubles. The same seed gives the same spans.
public struct ExtremeSpans {
    private var random: SplitMix64

    public init(seed: UInt64) { random = SplitMix64(seed: seed) }

    /// A realistic time (2026-11-30) that the extremes are mixed with.
    public static let ordinaryTime: UInt64 = 1_795_478_400_000_000_000

    /// Times a decoder can produce, the extremes first.
    public static let edgeTimes: [UInt64] = [
        0, 1, 999, 1_000_000_000, ordinaryTime, ordinaryTime + 1, ordinaryTime - 3_000_000, 1_870_000_000_000_000_000,
        UInt64(Int64.max) - 1, UInt64(Int64.max), UInt64(Int64.max) + 1, UInt64.max - 1_000_000, UInt64.max - 1, UInt64.max,
    ]

    /// A time: mostly near the ordinary one, often an extreme.
    public mutating func time() -> UInt64 {
        switch random.next(below: 4) {
        case 0: Self.edgeTimes[Int(random.next(below: UInt64(Self.edgeTimes.count)))]
        case 1: random.next()
        default: Self.ordinaryTime &+ random.next(below: 10_000_000_000)
        }
    }

    /// A string: empty, short, hostile, or (rarely) a megabyte.
    public mutating func text(allowHuge: Bool = true) -> String {
        switch random.next(below: 12) {
        case 0: ""
        case 1: "<script>alert(1)</script>\u{2028}</style>\"'&"
        case 2: String(repeating: "é", count: Int(random.next(below: 5_000)))
        case 3: allowHuge && random.next(below: 20) == 0 ? String(repeating: "x", count: 1 << 20) : "y"
        case 4: "\u{0}\u{1}\u{7f}\u{fffd}"
        default: "op\(random.next(below: 7))"
        }
    }

    private mutating func value(depth: Int = 0) -> AttributeValue {
        switch random.next(below: depth > 2 ? 6 : 8) {
        case 0: .string(text())
        case 1: .bool(random.next(below: 2) == 0)
        case 2: .int([Int64.min, Int64.max, 0, -1][Int(random.next(below: 4))])
        case 3: .double([Double.nan, .infinity, -.infinity, 0, -0.0, .greatestFiniteMagnitude, 1e-300][Int(random.next(below: 7))])
        case 4: .bytes((0..<random.next(below: 40)).map { _ in UInt8(truncatingIfNeeded: random.next()) })
        case 5: .empty
        case 6: .array((0..<random.next(below: 4)).map { _ in value(depth: depth + 1) })
        default:
            .keyValueList((0..<random.next(below: 4)).map { _ in Attribute(key: text(allowHuge: false), value: value(depth: depth + 1)) })
        }
    }

    private static let keys = [
        "http.route", "http.response.status_code", "db.system", "db.statement", "peer.service", "server.address", "server.port",
        "messaging.system", "otel.status_code", "error", "enduser.id",
    ]

    private mutating func attributes() -> [Attribute] {
        (0..<random.next(below: 6)).map { _ in
            let key = random.next(below: 3) == 0 ? text(allowHuge: false) : Self.keys[Int(random.next(below: UInt64(Self.keys.count)))]
            return Attribute(key: key, value: value())
        }
    }

    /// `count` spans in a few traces, with hosts, ids, parents and times chosen to collide.
    public mutating func spans(count: Int) -> [Span] {
        let resources = (0..<4).map { index in
            Resource(attributes: [
                Attribute(key: "service.name", value: .string(index == 3 ? "" : "svc\(index)")),
                Attribute(key: "host.name", value: .string("host\(index % 3)")),
            ])
        }
        let scope = InstrumentationScope(name: text(allowHuge: false), version: "1")
        let traces = (0..<3).map { _ in TraceID(high: random.next(), low: random.next() | 1) }
        var spans: [Span] = []
        for index in 0..<count {
            let trace = traces[Int(random.next(below: UInt64(traces.count)))]
            // Small ids so that parents, duplicates and cycles are found.
            let spanID = SpanID(random.next(below: UInt64(max(count, 2))) + 1)
            let parent: SpanID? =
                switch random.next(below: 5) {
                case 0: nil
                case 1: spanID
                case 2: SpanID(random.next() | 1)
                default: SpanID(random.next(below: UInt64(max(count, 2))) + 1)
                }
            let start = time()
            let end = random.next(below: 3) == 0 ? time() : start &+ random.next(below: 1_000_000_000)
            let events = (0..<random.next(below: 3)).map { _ in
                SpanEvent(timeUnixNano: random.next(below: 2) == 0 ? time() : start, name: text(), attributes: attributes())
            }
            let links = (0..<random.next(below: 3)).map { _ in
                SpanLink(
                    traceID: random.next(below: 2) == 0 ? trace : traces[0],
                    spanID: random.next(below: 2) == 0 ? spanID : SpanID(random.next() | 1),
                    traceState: text(allowHuge: false), attributes: attributes())
            }
            let status: SpanStatus =
                switch random.next(below: 3) {
                case 0: SpanStatus(code: .error, message: text())
                case 1: SpanStatus(code: .ok)
                default: SpanStatus()
                }
            spans.append(
                Span(
                    traceID: trace, spanID: spanID, parentSpanID: parent,
                    parentRelation: random.next(below: 4) == 0 ? .followsFrom : .childOf, name: text(),
                    kind: SpanKind(rawValue: UInt8(random.next(below: 6)))!, startTimeUnixNano: start, endTimeUnixNano: end,
                    status: status, attributes: attributes(), events: events, links: links, traceState: text(allowHuge: false),
                    flags: UInt32(truncatingIfNeeded: random.next()), resource: resources[Int(random.next(below: 4))], scope: scope,
                    sharesClientSpanID: random.next(below: 6) == 0))
            if index % 10 == 9 { spans.append(spans[Int(random.next(below: UInt64(spans.count)))]) }  // an exact duplicate
        }
        return spans
    }
}
