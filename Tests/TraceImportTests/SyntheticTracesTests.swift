import TestSupport
import Testing
import TraceAssembly
import TraceImport
import TraceModel

/// The synthetic data behind the benchmarks and the generator tool: deterministic, readable back
/// in every format, and holding what it promises (fan-out, queues, errors, skewed clocks).
struct SyntheticTracesTests {
    static func traces(_ count: Int, options: SyntheticTraces.Options = .init()) -> [[Span]] {
        var generator = SyntheticTraces(options: options)
        return (0..<count).map { _ in generator.nextTrace() }
    }

    @Test func sameSeedGivesTheSameSpans() {
        #expect(Self.traces(20) == Self.traces(20))
        #expect(Self.traces(20) != Self.traces(20, options: .init(seed: 2)))
    }

    @Test func readsBackFromOTLPJSON() throws {
        let spans = Self.traces(30).flatMap { $0 }
        let decoded = try OTLPJSONDecoder().decode(Array(SpanEncoders.otlpJSON(spans).utf8), file: "synthetic.json")
        // OTLP has no follows-from relation: consumers come back as plain children.
        let expected = spans.map { span in
            var span = span
            span.parentRelation = .childOf
            return span
        }
        // Batches group spans by resource; span ids are unique across the traces.
        #expect(decoded.sorted { $0.spanID < $1.spanID } == expected.sorted { $0.spanID < $1.spanID })
    }

    @Test(arguments: ["otlp-proto", "jaeger", "zipkin"])
    func assemblesTheSameTracesFromEveryFormat(format: String) throws {
        let spans = Self.traces(30).flatMap { $0 }
        let bytes: [UInt8] =
            switch format {
            case "otlp-proto": SpanEncoders.otlpProtobuf(spans)
            case "jaeger": Array(SpanEncoders.jaegerJSON(spans).utf8)
            default: Array(SpanEncoders.zipkinJSON(spans).utf8)
            }
        var decoded: [Span] = []
        _ = try bytes.withUnsafeBytes { buffer in
            switch format {
            case "otlp-proto": try OTLPProtobufDecoder().decode(buffer, file: format, into: &decoded)
            case "jaeger": try JaegerJSONDecoder().decode(buffer, file: format, into: &decoded)
            default: try ZipkinJSONDecoder().decode(buffer, file: format, into: &decoded)
            }
        }
        let original = TraceAssembler().assemble(spans)
        let read = TraceAssembler().assemble(decoded)
        #expect(read.map(\.traceID) == original.map(\.traceID))
        #expect(read.map(\.spans.count) == original.map(\.spans.count))
        #expect(read.map(\.errorCount) == original.map(\.errorCount))
        #expect(read.map(\.services) == original.map(\.services))
    }

    @Test func holdsWhatRealTrafficHolds() {
        let traces = TraceAssembler().assemble(Self.traces(400).flatMap { $0 })
        #expect(traces.count == 400)
        #expect(traces.allSatisfy { $0.rootIndices.count == 1 && !$0.isIncomplete })
        let failing = traces.count { $0.errorCount > 0 }
        #expect(failing >= 2 && failing <= 20, "about 2% of 400 requests fail")
        let spans = traces.flatMap(\.spans)
        #expect(spans.contains { $0.kind == .consumer && $0.parentRelation == .followsFrom })
        #expect(spans.contains { $0.events.contains { $0.name == "exception" } })
        #expect(spans.contains { $0.attributes[key: "db.statement"]?.description.count ?? 0 > 100 })
        #expect(Set(spans.map(\.service)).count == 10)
        // Search fans out to at least four shards at once.
        #expect(
            traces.contains { trace in
                var children = [Int: Int]()
                for parent in trace.parentIndex.compactMap({ $0 }) { children[parent, default: 0] += 1 }
                return children.values.contains { $0 >= 4 }
            })
        // Hosts with clocks off make the assembler shift spans.
        #expect(traces.contains { $0.clockSkewShiftNano.contains { $0 != 0 } })
        #expect(
            !TraceAssembler().assemble(Self.traces(50, options: .init(skewedClocks: false)).flatMap { $0 })
                .contains { $0.clockSkewShiftNano.contains { $0 != 0 } })
    }

    /// With unique values every span carries its request's order id, no statement keeps a
    /// placeholder, a few spans carry a large body, and the rest of the traffic is unchanged.
    @Test func uniqueValuesAreThoseOfEachRequest() {
        let plain = Self.traces(300)
        let unique = Self.traces(300, options: .init(uniqueValues: true))
        #expect(zip(plain, unique).allSatisfy { $0.map(\.spanID) == $1.map(\.spanID) && $0.map(\.name) == $1.map(\.name) })
        var orders = Set<String>()
        for trace in unique {
            let ids = Set(trace.map { $0.attributes[key: "app.order.id"]?.description ?? "" })
            #expect(ids.count == 1 && !ids.contains(""))
            orders.formUnion(ids)
            for span in trace {
                guard let statement = span.attributes[key: "db.statement"]?.description else { continue }
                #expect(!statement.contains("$1") && !statement.contains("{id}"), "\(statement)")
            }
        }
        #expect(orders.count == 300)
        let bodies = unique.joined().filter { $0.attributes[key: "http.request.body"] != nil }
        #expect(!bodies.isEmpty && bodies.count < unique.joined().count / 20)
        #expect(bodies.allSatisfy { ($0.attributes[key: "http.request.body"]?.description.utf8.count ?? 0) > 500 })
    }

    @Test func slowsDownTheNamedOperation() {
        func medianDuration(_ traces: [[Span]]) -> UInt64 {
            let durations = traces.flatMap { $0 }.filter { $0.name == "POST /charge" && $0.kind == .server }.map(\.durationNano).sorted()
            return durations[durations.count / 2]
        }
        let normal = medianDuration(Self.traces(400))
        let slow = medianDuration(Self.traces(400, options: .init(slowdown: ["call card network": 2])))
        #expect(Double(slow) > 1.6 * Double(normal))
    }
}
