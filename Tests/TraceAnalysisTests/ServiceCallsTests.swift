import TestSupport
import Testing
import TraceAssembly
import TraceModel

@testable import TraceAnalysis

/// Calls derived from public fixtures; the expected edges were counted independently from the
/// files (parent/child pairs across services, and uninstrumented CLIENT/PRODUCER spans by their
/// peer attributes).
struct ServiceCallsTests {
    func edges(_ file: String) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for trace in try FixtureTraces.all(file) {
            for call in ServiceCalls.derive(trace) {
                let arrow = call.style == .asynchronous ? " ~> " : " -> "
                counts[call.caller + arrow + call.callee + (call.calleeIsVirtual ? " (virtual)" : ""), default: 0] += 1
            }
        }
        return counts
    }

    @Test(.enabled(if: Fixtures.sharedAvailable, "../shared/fixtures is absent"))
    func hotrodDispatch() throws {
        #expect(
            try edges("otlp-json/jaeger-ui__getTrace-response.hotrod.json") == [
                "frontend -> customer": 1, "customer -> mysql": 1, "frontend -> driver": 1, "driver -> redis-manual": 14,
                "frontend -> route": 10,
            ])
    }

    /// The N+1 pattern: one driver call, then 13 serial redis calls.
    @Test(.enabled(if: Fixtures.sharedAvailable, "../shared/fixtures is absent"))
    func repeatedCall() throws {
        #expect(
            try edges("otlp-json/jaeger__skills_n_plus_one_positive.hotrod.json") == [
                "frontend -> driver": 1, "driver -> redis-manual": 13,
            ])
    }

    /// The OpenTelemetry demo: uninstrumented redis and the astronomy database appear as virtual nodes.
    @Test(.enabled(if: Fixtures.sharedAvailable, "../shared/fixtures is absent"))
    func openTelemetryDemoWithVirtualNodes() throws {
        #expect(
            try edges("otlp-json/jaeger__skills_error_timeout_masked.oteldemo.json") == [
                "load-generator -> frontend-proxy": 3, "frontend-proxy -> frontend": 3, "frontend -> cart": 2,
                "frontend -> product-catalog": 1, "cart -> redis (virtual)": 4, "product-catalog -> astronomy-db (virtual)": 1,
            ])
    }

    /// Kafka: three consumers in serviceb under servicea's producers (asynchronous), and six
    /// producers with no traced consumer, whose remote endpoint names kafka.
    @Test(.enabled(if: Fixtures.sharedAvailable, "../shared/fixtures is absent"))
    func asynchronousMessaging() throws {
        #expect(
            try edges("zipkin-json/zipkin-lens__messaging-kafka.json") == ["servicea ~> serviceb": 3, "servicea ~> kafka (virtual)": 6])
    }

    @Test func followsFromAndLinksAreAsynchronous() {
        var linked = SpanBuilder.span(id: 3, service: "worker", start: 30, end: 40)
        linked.links = [SpanLink(traceID: linked.traceID, spanID: SpanID(1))]
        let trace = TraceAssembler().assemble([
            SpanBuilder.span(id: 1, service: "api", start: 0, end: 10),
            {
                var span = SpanBuilder.span(id: 2, parent: 1, service: "audit", start: 5, end: 50)
                span.parentRelation = .followsFrom
                return span
            }(),
            linked,
        ])[0]
        let calls = ServiceCalls.derive(trace).map { "\($0.caller) \($0.style == .asynchronous ? "~>" : "->") \($0.callee)" }
        #expect(calls.sorted() == ["api ~> audit", "api ~> worker"])
    }
}

/// A client span whose server is named only by an IP address: the port tells the services on that
/// machine apart (two services on 0.0.0.0 are two nodes, not one); a host name stays a name.
@Test func serversNamedByAddressAreToldApartByPort() {
    func callee(_ attributes: [(String, AttributeValue)]) -> String? {
        ServiceCalls.virtualCallee(attributes: attributes.map { Attribute(key: $0.0, value: $0.1) })
    }
    #expect(callee([("server.address", .string("0.0.0.0")), ("server.port", .int(8081))]) == "0.0.0.0:8081")
    #expect(callee([("server.address", .string("0.0.0.0")), ("server.port", .int(8083))]) == "0.0.0.0:8083")
    #expect(callee([("server.address", .string("::1")), ("server.port", .int(443))]) == "[::1]:443")
    #expect(callee([("net.peer.name", .string("localhost")), ("net.peer.port", .string("5432"))]) == "localhost:5432")
    #expect(callee([("server.address", .string("api.example.com")), ("server.port", .int(443))]) == "api.example.com")
    #expect(callee([("server.address", .string("10.0.3.7"))]) == "10.0.3.7")
    // Zipkin's remoteEndpoint without a service name arrives as network.peer.*.
    #expect(callee([("network.peer.address", .string("10.0.3.7")), ("network.peer.port", .int(6379))]) == "10.0.3.7:6379")

    let resource = Resource(serviceName: "shop")
    let spans = [8081, 8083].enumerated().map { number, port in
        Span(
            traceID: TraceID(high: 1, low: 1), spanID: SpanID(UInt64(number) + 1), name: "GET", kind: .client, startTimeUnixNano: 1,
            endTimeUnixNano: 2,
            attributes: [.init(key: "server.address", value: .string("0.0.0.0")), .init(key: "server.port", value: .int(Int64(port)))],
            resource: resource)
    }
    let graph = ServiceGraph(traces: TraceAssembler().assemble(spans))
    #expect(graph.nodes == ["shop": false, "0.0.0.0:8081": true, "0.0.0.0:8083": true])
}
