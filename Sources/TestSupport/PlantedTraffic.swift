public import TraceAnalysis
public import TraceModel

/// Requests built span by span for tests that plant a pattern and expect to find it: times in
/// microseconds after a fixed epoch, ids unique, values from a seeded generator.
public struct PlantedTraffic {
    public var spans: [Span] = []
    private var nextID: UInt64 = 1
    private var random: UInt64 = 0x9E37_79B9_7F4A_7C15
    /// What was planted, per pattern and subject: occurrences, traces, calls, time lost (µs).
    public var planted: [WastePatterns.Pattern: [String: (occurrences: Int, traces: Set<UInt64>, calls: Int, lostMicros: UInt64)]] = [:]

    public static let epochMicros: UInt64 = 1_800_000_000_000_000

    public init() {}

    /// A pseudo-random number in `range` (xorshift, so the traffic is the same every run).
    public mutating func number(_ range: ClosedRange<UInt64>) -> UInt64 {
        random ^= random << 13
        random ^= random >> 7
        random ^= random << 17
        return range.lowerBound + random % (range.upperBound - range.lowerBound + 1)
    }

    /// Adds a span and returns its id.
    @discardableResult
    public mutating func add(
        trace: UInt64, parent: UInt64?, service: String, name: String, kind: SpanKind, start: UInt64, end: UInt64,
        error: Bool = false, attributes: [Attribute] = []
    ) -> UInt64 {
        let id = nextID
        nextID += 1
        spans.append(
            Span(
                traceID: TraceID(high: 0xFEED, low: trace), spanID: SpanID(id), parentSpanID: parent.map { SpanID($0) }, name: name,
                kind: kind, startTimeUnixNano: (Self.epochMicros + start) * 1_000, endTimeUnixNano: (Self.epochMicros + end) * 1_000,
                status: SpanStatus(code: error ? .error : .ok), attributes: attributes, resource: SpanBuilder.resource(service)))
        return id
    }

    /// A call from `caller` to `callee`'s `operation`: a client span and the callee's server
    /// span inside it (50 µs in on each side), with a database query taking most of the server
    /// span. Returns the client span's id.
    @discardableResult
    public mutating func call(
        trace: UInt64, parent: UInt64, caller: String, callee: String, operation: String, start: UInt64, end: UInt64,
        error: Bool = false, query: Bool = true
    ) -> UInt64 {
        let client = add(
            trace: trace, parent: parent, service: caller, name: operation, kind: .client, start: start, end: end, error: error)
        let server = add(
            trace: trace, parent: client, service: callee, name: operation, kind: .server, start: start + 50, end: end - 50,
            error: error)
        guard query else { return client }
        add(
            trace: trace, parent: server, service: callee, name: "SELECT \(callee)", kind: .client, start: start + 100, end: end - 100,
            attributes: [
                Attribute(key: "db.system", value: .string("postgresql")),
                Attribute(key: "db.statement", value: .string("SELECT * FROM \(callee) WHERE id = \(number(1...999_999))")),
            ])
        return client
    }

    public mutating func plant(_ pattern: WastePatterns.Pattern, _ subject: String, trace: UInt64, calls: Int, lostMicros: UInt64) {
        var entry = planted[pattern, default: [:]][subject, default: (0, [], 0, 0)]
        entry.occurrences += 1
        entry.traces.insert(trace)
        entry.calls += calls
        entry.lostMicros += lostMicros
        planted[pattern, default: [:]][subject] = entry
    }

    /// A clean request: the front end calls the cart, payment and recommendations side by
    /// side, then does what `extra` adds; every span's children cover nearly all of it.
    public mutating func cleanRequest(
        _ trace: UInt64, start: UInt64, extra: (inout PlantedTraffic, UInt64, UInt64) -> UInt64 = { _, _, at in at }
    ) {
        let cart = number(8_000...30_000)
        let payment = number(8_000...30_000)
        let recommend = number(5_000...20_000)
        let rootStart = start
        var at = start + 200
        // The root's id is the next one handed out.
        let root = add(
            trace: trace, parent: nil, service: "frontend", name: "POST /checkout", kind: .server, start: rootStart, end: rootStart)
        call(trace: trace, parent: root, caller: "frontend", callee: "cart", operation: "GetCart", start: at, end: at + cart)
        call(
            trace: trace, parent: root, caller: "frontend", callee: "payment", operation: "Charge", start: at + 100,
            end: at + 100 + payment)
        call(
            trace: trace, parent: root, caller: "frontend", callee: "recommend", operation: "List", start: at + 200,
            end: at + 200 + recommend)
        at += max(cart, payment + 100, recommend + 200) + 100
        at = extra(&self, root, at) + 100
        // The root span ends once its last call has.
        let index = spans.firstIndex { $0.spanID == SpanID(root) }!
        spans[index].endTimeUnixNano = (Self.epochMicros + at) * 1_000
    }

    /// Makes the spans named `operation` in `trace` (and its root) end `micros` later: a hop that
    /// works that much longer on its own, its children unchanged.
    public mutating func slowDown(trace: UInt64, operation: String, byMicros micros: UInt64) {
        let inTrace = TraceID(high: 0xFEED, low: trace)
        let root = spans.first { $0.traceID == inTrace && $0.parentSpanID == nil }?.name
        for index in spans.indices where spans[index].traceID == inTrace {
            if spans[index].name == operation || spans[index].name == root { spans[index].endTimeUnixNano += micros * 1_000 }
        }
    }
}
