import TestSupport
import Testing
import TraceAssembly
import TraceModel

@testable import TraceAnalysis

/// Generated traffic with each instrumentation mistake planted a known number of times, in traces
/// of its own, on top of clean requests: the health report must count exactly that many.
struct InstrumentationHealthTests {
    static let web = Resource(attributes: [
        Attribute(key: "service.name", value: .string("frontend")), Attribute(key: "host.name", value: .string("web-1")),
    ])
    static let cart = Resource(attributes: [
        Attribute(key: "service.name", value: .string("cart")), Attribute(key: "host.name", value: .string("cart-1")),
    ])
    static let unnamed = Resource(attributes: [Attribute(key: "host.name", value: .string("web-1"))])
    static let route = [Attribute(key: "http.route", value: .string("/cart"))]

    /// A span of trace `trace` (ids `trace * 100 + id`), times in ms after a fixed epoch.
    static func span(
        _ trace: UInt64, _ id: UInt64, parent: UInt64 = 0, _ resource: Resource, _ name: String, _ kind: SpanKind,
        _ start: Int64, _ end: Int64
    ) -> Span {
        let epoch: Int64 = 1_800_000_000_000
        var span = SpanBuilder.span(
            trace: trace, id: trace * 100 + id, parent: parent == 0 ? 0 : trace * 100 + parent, start: 0, end: 0, kind: kind,
            attributes: route)
        span.name = name
        span.resource = resource
        span.startTimeUnixNano = UInt64(epoch + start) * 1_000_000
        span.endTimeUnixNano = UInt64(epoch + end) * 1_000_000
        return span
    }

    /// A clean request: the front end's server span, the cart's server span under it, the cart's
    /// database call.
    static func request(_ trace: UInt64, cartParent: UInt64 = 1, cartOffset: Int64 = 0) -> [Span] {
        let base = Int64(trace) * 1_000
        return [
            span(trace, 1, Self.web, "GET /cart", .server, base, base + 100),
            span(trace, 2, parent: cartParent, Self.cart, "GetCart", .server, base + 10 + cartOffset, base + 60 + cartOffset),
            span(trace, 3, parent: 2, Self.cart, "SELECT carts", .client, base + 20 + cartOffset, base + 40 + cartOffset),
        ]
    }

    static func traffic() -> [Span] {
        var spans: [Span] = []
        for trace in 1...100 as ClosedRange<UInt64> { spans += request(trace) }
        // 4 orphans: the cart's server span never arrived (4 incomplete traces too).
        for trace in 101...104 as ClosedRange<UInt64> { spans += request(trace).filter { $0.spanID.value % 100 != 2 } }
        // 3 roots where a parent was expected: the cart's server span lost the caller's context.
        for trace in 105...107 as ClosedRange<UInt64> { spans += request(trace, cartParent: 0) }
        // 2 consumers without parent or link, each a trace of its own.
        for trace in 108...109 as ClosedRange<UInt64> { spans.append(span(trace, 1, Self.cart, "consume orders", .consumer, 0, 5)) }
        // 3 clock skews: the cart's host is 40 ms behind.
        for trace in 110...112 as ClosedRange<UInt64> { spans += request(trace, cartOffset: -50) }
        let base = Int64(113) * 1_000
        var extras: [Span] = []
        for k in 0..<5 { extras.append(span(113, UInt64(10 + k), parent: 1, Self.unnamed, "work", .internal, base + 1, base + 2)) }
        for k in 0..<6 { extras.append(span(113, UInt64(20 + k), parent: 1, Self.web, "render", .unspecified, base + 1, base + 2)) }
        for k in 0..<7 { extras.append(span(113, UInt64(30 + k), parent: 1, Self.web, "backwards", .internal, base + 5, base + 2)) }
        for k in 0..<8 { extras.append(span(113, UInt64(40 + k), parent: 1, Self.web, "instant", .internal, base + 3, base + 3)) }
        spans += request(113) + extras
        // 2 spans from an unset clock (1970), each a trace of its own.
        for trace in 114...115 as ClosedRange<UInt64> {
            var old = span(trace, 1, Self.web, "GET /old", .server, 0, 1)
            (old.startTimeUnixNano, old.endTimeUnixNano) = (5_000, 6_000)
            spans.append(old)
        }
        // 2 spans three days after the rest, each a trace of its own.
        for trace in 126...127 as ClosedRange<UInt64> {
            spans.append(span(trace, 1, Self.web, "GET /later", .server, 259_200_000, 259_200_001))
        }
        // 4 spans exported twice.
        for trace in 116...119 as ClosedRange<UInt64> {
            let request = request(trace)
            spans += request + [request[2]]
        }
        // 2 different spans with the id of another span of their trace.
        for trace in 120...121 as ClosedRange<UInt64> {
            var twin = span(trace, 3, parent: 1, Self.web, "log flush", .internal, Int64(trace) * 1_000 + 1, Int64(trace) * 1_000 + 2)
            twin.spanID = SpanID(trace * 100 + 3)
            spans += request(trace) + [twin]
        }
        // 3 spans reusing the id of trace 1's root.
        for trace in 122...124 as ClosedRange<UInt64> {
            var copy = span(trace, 9, parent: 1, Self.web, "cache get", .internal, Int64(trace) * 1_000 + 1, Int64(trace) * 1_000 + 2)
            copy.spanID = SpanID(101)
            spans += request(trace) + [copy]
        }
        // 5 spans without the key attribute.
        for trace in 125...125 as ClosedRange<UInt64> {
            for k in 0..<5 {
                var bare = span(
                    trace, UInt64(10 + k), parent: 1, Self.web, "bare", .internal, Int64(trace) * 1_000 + 1, Int64(trace) * 1_000 + 2)
                bare.attributes = []
                spans.append(bare)
            }
            spans += request(trace)
        }
        return spans
    }

    @Test func eachPlantedMistakeIsCountedExactly() throws {
        let traces = TraceAssembler().assemble(Self.traffic())
        let health = InstrumentationHealth(traces: traces, keyAttributes: ["http.route"])
        func count(_ check: InstrumentationHealth.Check) -> Int { health.findings.first { $0.check == check }?.count ?? 0 }
        let expected: [InstrumentationHealth.Check: Int] = [
            .orphanSpans: 4, .incompleteTraces: 4, .unexpectedRoots: 3, .consumersWithoutContext: 2, .clockSkew: 3,
            .defaultServiceNames: 5, .missingSpanKinds: 6, .endBeforeStart: 7, .zeroDuration: 8, .unsetClocks: 2, .outlyingTimestamps: 2,
            .duplicateSpans: 4, .reusedSpanIDs: 2, .spanIDsAcrossTraces: 3, .keyAttributes: 5,
        ]
        for check in InstrumentationHealth.Check.allCases {
            #expect(count(check) == expected[check] ?? 0, "\(check.rawValue)")
        }
        let byCheck = Dictionary(uniqueKeysWithValues: health.findings.map { ($0.check, $0) })
        let orphans = try #require(byCheck[.orphanSpans]?.rows.first)
        #expect(orphans.subject == "cart: SELECT carts" && orphans.examples.count == 3)
        let roots = try #require(byCheck[.unexpectedRoots]?.rows)
        #expect(roots.map(\.subject) == ["cart: GetCart"] && roots[0].total == 3 + 114)  // 114 arrived with their caller's context
        let skew = try #require(byCheck[.clockSkew]?.rows)
        #expect(skew.map(\.subject) == ["host.name=web-1 → host.name=cart-1"] && skew[0].detail.contains("at most"))
        #expect(byCheck[.defaultServiceNames]?.rows.map(\.subject) == ["unknown_service"])
        #expect(byCheck[.incompleteTraces]?.rows.first?.subject == "frontend: GET /cart")
        // Most severe first.
        #expect(health.findings.map(\.severity) == health.findings.map(\.severity).sorted(by: >))
        #expect(health.worstSeverity == .error)
        #expect(health.exampleTraces.count <= health.findings.count * 3 * 2)
    }

    @Test func eachSignOfASpanIsCountedByOneCheck() {
        let signs = InstrumentationHealth.Check.spanChecks.map(\.sign.rawValue)
        #expect(signs.allSatisfy { $0.nonzeroBitCount == 1 } && Set(signs).count == signs.count)
        // No sign is worked out that no check counts: the bits in use are the first ones.
        #expect(signs.reduce(0, |) == (1 << signs.count) - 1)
        let span = InstrumentationHealth.Check.SpanFacts(
            kind: .consumer, hasParentID: false, parentArrived: false, hasLinks: false, serviceIsUnnamed: true,
            wasSeparatedFromItsClient: true, startTimeUnixNano: 5, endTimeUnixNano: 5, idSeenBeforeInTrace: true, crossesHosts: true,
            clockSkewShiftNano: -1)
        // Every sign but: parent missing, no kind, ends before start.
        #expect(span.signs.rawValue == (1 << signs.count) - 1 - 1 - (1 << 4) - (1 << 5))
    }

    @Test func cleanTrafficHasNoFindings() {
        let spans = (1...50 as ClosedRange<UInt64>).flatMap { Self.request($0) }
        let health = InstrumentationHealth(traces: TraceAssembler().assemble(spans), keyAttributes: ["http.route"])
        #expect(health.findings.isEmpty, "\(health.findings.map(\.check.rawValue))")
        #expect(health.coverage.map(\.service) == ["cart", "frontend"] && health.coverage.allSatisfy { $0.present == [$0.spans] })
        #expect(InstrumentationHealth.Severity(name: "Warning") == .warning && InstrumentationHealth.Severity(name: "bad") == nil)
    }
}

/// The oddities SOURCES.md lists for files of `../shared/fixtures`, seen by the health checks.
struct FixtureHealthTests {
    static func findings(_ file: String) throws -> [InstrumentationHealth.Check: InstrumentationHealth.Finding] {
        let health = InstrumentationHealth(traces: try FixtureTraces.all(file))
        return Dictionary(uniqueKeysWithValues: health.findings.map { ($0.check, $0) })
    }

    @Test(.enabled(if: Fixtures.sharedAvailable, "../shared/fixtures is absent"))
    func missingParentsAreOrphans() throws {
        // "One SERVER span (kind 2) whose parentSpanId is absent from the file (missing parent)".
        let canonical = try Self.findings("otlp-json/otelproto__trace.json")
        #expect(canonical[.orphanSpans]?.count == 1 && canonical[.incompleteTraces]?.count == 1)
        // otlp2parquet's 19 one-span traces: missing_parent=13.
        #expect(try Self.findings("otlp-json/otlp2parquet__traces.jsonl")[.orphanSpans]?.count == 13)
    }

    @Test(.enabled(if: Fixtures.sharedAvailable, "../shared/fixtures is absent"))
    func spansWithoutAServiceNameAreFound() throws {
        // "One CLIENT span whose localEndpoint has NO serviceName".
        let noService = try Self.findings("zipkin-json/otelcol__zipkinreceiver_sample2.no-service.json")
        #expect(noService[.defaultServiceNames]?.count == 1)
        // Envoy's shared root: "localEndpoint with NO serviceName".
        #expect(try Self.findings("zipkin-json/zipkin-lens__envoy.json")[.defaultServiceNames]?.count == 1)
    }

    @Test(.enabled(if: Fixtures.sharedAvailable, "../shared/fixtures is absent"))
    func sharedSpanIDsAreReported() throws {
        // smartthings-mobile-web-install: shared_flag=294, span_ids_reused=290.
        let shared = try Self.findings("zipkin-json/zipkin-lens__smartthings-mobile-web-install.json")
        let count = try #require(shared[.sharedSpanIDs]?.count)
        #expect(count > 250 && count <= 294, "\(count) server halves separated")
        #expect(shared[.sharedSpanIDs]?.severity == .info)
    }
}
