import TestSupport
import Testing
import TraceAssembly
import TraceModel

@testable import TraceAnalysis

/// Generated traffic with each waste pattern planted in known traces, at known counts and
/// durations, on top of clean requests that have none: the patterns must be found exactly there,
/// with the time lost the generator planted, and nowhere else.
struct WastePatternsTests {
    /// 400 requests; every `k`th carries one planted pattern.
    static func plantedTraffic(plant: Bool) -> PlantedTraffic {
        var traffic = PlantedTraffic()
        for trace in UInt64(1)...400 {
            let start = trace * 2_000_000
            guard plant else {
                traffic.cleanRequest(trace, start: start)
                continue
            }
            switch trace % 8 {
            case 1:
                // N+1: the front end reads 6–12 items one by one, each a query with its own id.
                traffic.cleanRequest(trace, start: start) { traffic, root, at in
                    let count = Int(traffic.number(6...12))
                    var durations: [UInt64] = []
                    var t = at
                    for _ in 0..<count {
                        let d = traffic.number(500...3_000)
                        traffic.add(
                            trace: trace, parent: root, service: "frontend", name: "SELECT items", kind: .client, start: t, end: t + d,
                            attributes: [
                                Attribute(key: "db.system", value: .string("postgresql")),
                                Attribute(
                                    key: "db.statement", value: .string("SELECT * FROM items WHERE id = \(traffic.number(1...9_999_999))")),
                            ])
                        durations.append(d)
                        t += d + traffic.number(10...200)
                    }
                    traffic.plant(
                        .nPlusOne, "frontend: POST /checkout → SELECT items @ postgresql — SELECT * FROM items WHERE id = ?", trace: trace,
                        calls: count, lostMicros: durations.reduce(0, +) - durations.max()!)
                    return t
                }
            case 2:
                // Retries: the stock check fails once or twice before it succeeds.
                traffic.cleanRequest(trace, start: start) { traffic, root, at in
                    let failures = Int(traffic.number(1...2))
                    var t = at
                    for _ in 0..<failures {
                        let d = traffic.number(2_000...9_000)
                        traffic.call(
                            trace: trace, parent: root, caller: "frontend", callee: "stock", operation: "Reserve", start: t, end: t + d,
                            error: true)
                        t += d + traffic.number(100...1_000)
                    }
                    traffic.plant(
                        .retries, "frontend: POST /checkout → Reserve @ stock", trace: trace, calls: failures + 1, lostMicros: t - at)
                    let d = traffic.number(2_000...9_000)
                    traffic.call(
                        trace: trace, parent: root, caller: "frontend", callee: "stock", operation: "Reserve", start: t, end: t + d)
                    return t + d + 100
                }
            case 3:
                // Sequential calls: tax, shipping and loyalty, one after another.
                traffic.cleanRequest(trace, start: start) { traffic, root, at in
                    var t = at
                    var durations: [UInt64] = []
                    for callee in ["tax", "shipping", "loyalty"] {
                        let d = traffic.number(3_000...15_000)
                        traffic.call(
                            trace: trace, parent: root, caller: "frontend", callee: callee, operation: "Quote", start: t, end: t + d)
                        durations.append(d)
                        t += d + 100
                    }
                    traffic.plant(
                        .sequentialCalls, "frontend: POST /checkout → tax → shipping → loyalty", trace: trace, calls: 3,
                        lostMicros: durations.reduce(0, +) - durations.max()!)
                    return t
                }
            case 4:
                // Uninstrumented time: the pricing server works 60–200 ms beside a 5 ms query.
                traffic.cleanRequest(trace, start: start) { traffic, root, at in
                    let work = traffic.number(60_000...200_000)
                    let client = traffic.add(
                        trace: trace, parent: root, service: "frontend", name: "Price", kind: .client, start: at, end: at + work + 5_000)
                    let server = traffic.add(
                        trace: trace, parent: client, service: "pricing", name: "Price", kind: .server, start: at, end: at + work + 5_000)
                    traffic.add(
                        trace: trace, parent: server, service: "pricing", name: "SELECT rules", kind: .client, start: at + work,
                        end: at + work + 5_000,
                        attributes: [Attribute(key: "db.system", value: .string("postgresql"))])
                    traffic.plant(.uninstrumentedTime, "pricing: Price", trace: trace, calls: 1, lostMicros: work)
                    return at + work + 5_100
                }
            case 5:
                // Chatty: six steps, each asking the profile service four times (under five: no N+1).
                traffic.cleanRequest(trace, start: start) { traffic, root, at in
                    var t = at
                    var durations: [UInt64] = []
                    for step in 0..<6 {
                        let stepStart = t
                        let stepSpan = traffic.add(
                            trace: trace, parent: root, service: "frontend", name: "step \(step)", kind: .internal, start: t, end: t)
                        for _ in 0..<4 {
                            let d = traffic.number(1_000...4_000)
                            traffic.call(
                                trace: trace, parent: stepSpan, caller: "frontend", callee: "profile", operation: "Get", start: t,
                                end: t + d,
                                query: false)
                            durations.append(d)
                            t += d
                        }
                        let index = traffic.spans.firstIndex { $0.spanID == SpanID(stepSpan) }!
                        traffic.spans[index].startTimeUnixNano = (PlantedTraffic.epochMicros + stepStart) * 1_000
                        traffic.spans[index].endTimeUnixNano = (PlantedTraffic.epochMicros + t) * 1_000
                    }
                    traffic.plant(
                        .chattyEdges, "frontend → profile", trace: trace, calls: 24, lostMicros: durations.reduce(0, +) - durations.max()!)
                    return t + 100
                }
            default:
                traffic.cleanRequest(trace, start: start)
            }
        }
        return traffic
    }

    static func patterns(_ spans: [Span], thresholds: WastePatterns.Thresholds = WastePatterns.Thresholds()) -> WastePatterns {
        WastePatterns(tally: WastePatterns.Tally(traces: TraceAssembler().assemble(spans), thresholds: thresholds))
    }

    @Test func cleanTrafficHasNoPattern() {
        let found = Self.patterns(Self.plantedTraffic(plant: false).spans)
        #expect(found.findings.isEmpty, "\(found.findings.map { ($0.pattern, $0.rows.map(\.subject.description)) })")
    }

    @Test func plantedPatternsAreFoundWithTheirCountsAndTimeLost() {
        let traffic = Self.plantedTraffic(plant: true)
        let found = Self.patterns(traffic.spans)
        #expect(Set(found.findings.map(\.pattern)) == Set(WastePatterns.Pattern.allCases))
        for finding in found.findings {
            let planted = traffic.planted[finding.pattern] ?? [:]
            #expect(Set(finding.rows.map(\.subject.description)) == Set(planted.keys), "\(finding.pattern)")
            for row in finding.rows {
                guard let expected = planted[row.subject.description] else { continue }
                #expect(row.occurrences == expected.occurrences, "\(finding.pattern) occurrences")
                #expect(row.traces == expected.traces.count, "\(finding.pattern) traces")
                #expect(row.calls == expected.calls, "\(finding.pattern) calls")
                #expect(row.lostNano == expected.lostMicros * 1_000, "\(finding.pattern) time lost")
                #expect(row.examples.count == 3)
                #expect(row.examples.allSatisfy { expected.traces.contains($0.low) && $0.high == 0xFEED })
            }
        }
    }

    @Test func thresholdsDecideWhatCounts() {
        var strict = WastePatterns.Thresholds()
        strict.nPlusOneCalls = 13
        strict.chattyCalls = 25
        strict.sequentialCalls = 4
        strict.uninstrumentedNano = 250_000_000
        let found = Self.patterns(Self.plantedTraffic(plant: true).spans, thresholds: strict)
        #expect(found.findings.map(\.pattern) == [.retries])
        var loose = WastePatterns.Thresholds()
        loose.chattyCalls = 24
        #expect(Self.patterns(Self.plantedTraffic(plant: true).spans, thresholds: loose).findings.contains { $0.pattern == .chattyEdges })
    }

    @Test func tallyOfPartsMergesIntoTheTallyOfTheWhole() {
        let traces = TraceAssembler().assemble(Self.plantedTraffic(plant: true).spans)
        let whole = WastePatterns.Tally(traces: traces, thresholds: WastePatterns.Thresholds())
        var merged = WastePatterns.Tally(traces: Array(traces[200...]), thresholds: WastePatterns.Thresholds())
        merged.merge(WastePatterns.Tally(traces: Array(traces[..<200]), thresholds: WastePatterns.Thresholds()))
        #expect(merged == whole)
    }

    /// A fan-out like the near miss Jaeger's authors captured from HotROD: eleven sibling HTTP
    /// GETs, one a long customer lookup on one port, ten route calls on another through a small
    /// worker pool (8 of 10 neighbours overlap). Not an N+1; the same calls made one by one are.
    @Test func aFanOutThroughAWorkerPoolIsNotAnNPlusOne() {
        func request(serial: Bool) -> [Span] {
            var traffic = PlantedTraffic()
            let root = traffic.add(
                trace: 1, parent: nil, service: "frontend", name: "GET /dispatch", kind: .server, start: 0, end: 2_000_000)
            let parent = traffic.add(
                trace: 1, parent: root, service: "frontend", name: "dispatch", kind: .internal, start: 1_000, end: 1_999_000)
            func get(_ start: UInt64, _ end: UInt64, port: Int) {
                traffic.add(
                    trace: 1, parent: parent, service: "frontend", name: "HTTP GET", kind: .client, start: start, end: end,
                    attributes: [
                        Attribute(key: "server.address", value: .string("0.0.0.0")),
                        Attribute(key: "server.port", value: .int(Int64(port))),
                        Attribute(key: "url.full", value: .string("http://0.0.0.0:\(port)/route?pickup=\(start)")),
                    ])
            }
            get(2_000, 1_310_000, port: 8081)
            var t: UInt64 = 1_320_000
            for call in 0..<10 {
                let duration: UInt64 = 50_000
                get(t, t + duration, port: 8083)
                // Two at a time, but for two calls that waited for the pool to empty.
                t += serial || call == 3 || call == 7 ? duration + 1_000 : duration / 2
            }
            return traffic.spans
        }
        #expect(!Self.patterns(request(serial: false)).findings.contains { $0.pattern == .nPlusOne })
        let serial = Self.patterns(request(serial: true)).findings.first { $0.pattern == .nPlusOne }
        #expect(serial?.rows.map(\.subject.description) == ["frontend: dispatch → HTTP GET @ 0.0.0.0:8083"])
        #expect(serial?.rows.first?.calls == 10)
    }

    /// Jaeger's own HotROD capture (13 GetDriver calls to Redis, one after another, three of them
    /// failed and made again) is an N+1 with three retries.
    @Test(.enabled(if: Fixtures.sharedAvailable, "../shared/fixtures absent"))
    func hotRODCaptureFromJaegerIsAnNPlusOne() throws {
        let traces = try FixtureTraces.all("otlp-json/jaeger__skills_n_plus_one_positive.hotrod.json")
        let found = WastePatterns(tally: WastePatterns.Tally(traces: traces, thresholds: WastePatterns.Thresholds()))
        let nPlusOne = try #require(found.findings.first { $0.pattern == .nPlusOne })
        #expect(nPlusOne.rows.map(\.subject.description) == ["driver: driver.DriverService/FindNearest → redis-manual: GetDriver"])
        #expect(nPlusOne.rows.first?.calls == 13)
        let retries = try #require(found.findings.first { $0.pattern == .retries })
        #expect(retries.occurrences == 3)
    }

    /// Brave (Zipkin's Java tracer) names a query span with its statement's first line, often a
    /// line break, and records the statement as `sql.query`: the queries are told apart by it.
    @Test func braveQueriesAreGroupedByTheirStatements() {
        var traffic = PlantedTraffic()
        let root = traffic.add(trace: 1, parent: nil, service: "bookie", name: "put /configs", kind: .server, start: 0, end: 100_000)
        var t: UInt64 = 1_000
        for call in 0..<12 {
            // Six reads of one row each, then six different statements.
            let statement = call < 6 ? "\n  SELECT value FROM config\n WHERE id = \(9_000 + call)\n" : "\n  SELECT c\(call) FROM other\n"
            traffic.add(
                trace: 1, parent: root, service: "bookie", name: "\n", kind: .client, start: t, end: t + 2_000,
                attributes: [Attribute(key: "sql.query", value: .string(statement))])
            t += 2_100
        }
        let found = Self.patterns(traffic.spans).findings.first { $0.pattern == .nPlusOne }
        #expect(found?.rows.map(\.subject.description) == ["bookie: put /configs → SELECT value FROM config WHERE id = ?"])
        #expect(found?.rows.first?.calls == 6)
    }

    /// Calls a service makes to itself (its own name as `peer.service`) are no edge: never chatty.
    @Test func aServiceCallingItselfIsNotChatty() {
        var traffic = PlantedTraffic()
        let root = traffic.add(trace: 1, parent: nil, service: "auth", name: "login", kind: .server, start: 0, end: 100_000)
        for call in UInt64(0)..<30 {
            let step = traffic.add(
                trace: 1, parent: root, service: "auth", name: "step", kind: .internal, start: call * 3_000, end: call * 3_000 + 2_500)
            traffic.add(
                trace: 1, parent: step, service: "auth", name: "check", kind: .client, start: call * 3_000, end: call * 3_000 + 2_000,
                attributes: [Attribute(key: "peer.service", value: .string("auth"))])
        }
        #expect(!Self.patterns(traffic.spans).findings.contains { $0.pattern == .chattyEdges })
    }

    @Test func statementsLoseTheirLiterals() {
        #expect(
            StatementShape.shape("SELECT * FROM items WHERE id = 42 AND name = 'O''Brien'")
                == "SELECT * FROM items WHERE id = ? AND name = ?")
        #expect(StatementShape.shape("select a from t1 where b in (1, 2, 3) and c=-4.5") == "select a from t1 where b in (?) and c=?")
        #expect(StatementShape.shape("SELECT \"col2\"\n\t FROM x WHERE y = 0x1F") == "SELECT \"col2\" FROM x WHERE y = ?")
        #expect(StatementShape.shape("'unterminated") == "?")
        #expect(StatementShape.shape(String(repeating: "a = 1 ", count: 200)).utf8.count <= StatementShape.maximumLength + 8)
    }
}
