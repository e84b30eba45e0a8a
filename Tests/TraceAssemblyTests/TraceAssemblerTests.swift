import TestSupport
import Testing
import TraceAssembly
import TraceModel

struct TraceAssemblerTests {

    @Test func groupsByTraceAndOrdersTracesByStart() {
        let traces = TraceAssembler().assemble([
            SpanBuilder.span(trace: 2, id: 1, start: 50, end: 60),
            SpanBuilder.span(trace: 1, id: 1, start: 10, end: 20),
            SpanBuilder.span(trace: 2, id: 2, parent: 1, start: 51, end: 55),
        ])
        #expect(traces.map(\.traceID.low) == [1, 2])
        #expect(traces[1].spans.count == 2)
    }

    @Test func assemblingOnSeveralThreadsGivesTheSameTraces() {
        var generator = SyntheticTraces()
        let spans = (0..<400).flatMap { _ in generator.nextTrace() }
        let serial = TraceAssembler().assemble(spans)
        let parallel = TraceAssembler().assemble(spans, workers: 3)
        #expect(serial.count == 400 && parallel.count == serial.count)
        for (one, other) in zip(serial, parallel) {
            #expect(one.traceID == other.traceID && one.spans == other.spans)
            #expect(one.parentIndex == other.parentIndex && one.selfTimeNano == other.selfTimeNano)
            #expect(one.criticalPathNano == other.criticalPathNano && one.warnings == other.warnings)
        }
    }

    @Test func spansAlikeButForTheirServiceAreOrderedTheSameWhateverTheInputOrder() {
        // Two halves of one call sharing an id, name and times (Zipkin's shared spans, or an
        // exporter that lost the service name): the service decides, not the input order.
        let halves = [
            SpanBuilder.span(id: 1, service: "unknown_service", name: "get", start: 0, end: 10),
            SpanBuilder.span(id: 1, service: "frontend", name: "get", start: 0, end: 10),
        ]
        for input in [halves, halves.reversed()] {
            let trace = TraceAssembler().assemble(input)[0]
            #expect(trace.spans.map(\.service) == ["frontend", "unknown_service"])
            #expect(trace.root.service == "frontend")
        }
    }

    @Test func tracesAssembledTogetherAreThoseAssembledOneByOne() {
        // Generated traffic with skewed clocks, plus in every third trace a span exported twice, a
        // Zipkin-style shared id and a span beyond a low span limit, all interleaved.
        var generator = SyntheticTraces()
        var byTrace: [[Span]] = []
        for number in 0..<120 {
            var spans = generator.nextTrace()
            if number % 3 == 0 {
                spans.append(spans[spans.count / 2])
                var server = spans[1]
                server.kind = .server
                server.sharesClientSpanID = true
                server.resource = SpanBuilder.resource("shared-server")
                spans.append(server)
            }
            byTrace.append(spans)
        }
        var interleaved: [Span] = []
        for position in 0..<byTrace.map(\.count).max()! {
            for spans in byTrace where position < spans.count { interleaved.append(spans[position]) }
        }
        let assembler = TraceAssembler(options: AssemblyOptions(maximumSpansPerTrace: 40))
        let together = assembler.assemble(interleaved, workers: 2)
        let alone = byTrace.map { assembler.assembleTrace($0[0].traceID, $0) }
            .sorted { ($0.startTimeUnixNano, $0.traceID) < ($1.startTimeUnixNano, $1.traceID) }
        #expect(together.count == alone.count)
        #expect(together.contains { $0.duplicatesDropped > 0 })
        #expect(together.contains { $0.warnings.contains { $0.contains("--max-spans-per-trace") } })
        #expect(together.contains { $0.spans.contains(where: \.wasSeparatedFromItsClient) })
        for (one, other) in zip(together, alone) {
            #expect(one.traceID == other.traceID && one.spans == other.spans && Array(one.spans) == Array(other.spans))
            #expect(one.spans.withUnsafeBufferPointer { Array($0) } == Array(other.spans))
            #expect(one.parentIndex == other.parentIndex && one.depth == other.depth && one.rootIndices == other.rootIndices)
            #expect(one.selfTimeNano == other.selfTimeNano && one.criticalPath == other.criticalPath)
            #expect(one.clockSkewShiftNano == other.clockSkewShiftNano && one.warnings == other.warnings)
            #expect(one.duplicatesDropped == other.duplicatesDropped && one.missingParentCount == other.missingParentCount)
        }
    }

    @Test func buildsTreeInDepthFirstOrderWithChildrenByStart() {
        let trace = TraceAssembler().assemble([
            SpanBuilder.span(id: 4, parent: 2, start: 3, end: 4),
            SpanBuilder.span(id: 3, parent: 1, start: 5, end: 8),
            SpanBuilder.span(id: 2, parent: 1, start: 2, end: 5),
            SpanBuilder.span(id: 1, start: 0, end: 10),
        ])[0]
        #expect(trace.spans.map(\.spanID.value) == [1, 2, 4, 3])
        #expect(trace.depth == [0, 1, 2, 1])
        #expect(trace.parentIndex == [nil, 0, 1, 0])
        #expect(trace.rootIndices == [0])
        #expect(!trace.isIncomplete && trace.warnings.isEmpty)
    }

    @Test func orphansBecomeRootsAndMarkTheTraceIncomplete() {
        let trace = TraceAssembler().assemble([
            SpanBuilder.span(id: 1, start: 0, end: 10),
            SpanBuilder.span(id: 2, parent: 99, start: 1, end: 3),
            SpanBuilder.span(id: 3, parent: 2, start: 1, end: 2),
        ])[0]
        #expect(trace.rootIndices.count == 2)
        #expect(trace.missingParentCount == 1)
        #expect(trace.isIncomplete)
        #expect(trace.warnings.contains { $0.contains("missing from the input") })
        #expect(trace.spans.map(\.spanID.value) == [1, 2, 3])
    }

    @Test func dropsExactDuplicatesAndKeepsDifferentSpansSharingAnId() {
        let trace = TraceAssembler().assemble([
            SpanBuilder.span(id: 1, start: 0, end: 10),
            SpanBuilder.span(id: 2, parent: 1, start: 1, end: 3),
            SpanBuilder.span(id: 2, parent: 1, start: 1, end: 3),
            SpanBuilder.span(id: 3, parent: 1, name: "first", start: 4, end: 5),
            SpanBuilder.span(id: 3, parent: 1, name: "second", start: 6, end: 7),
        ])[0]
        #expect(trace.duplicatesDropped == 1)
        #expect(trace.spans.count == 4)
        #expect(trace.warnings.contains { $0.contains("0000000000000003 is used by different spans") })
    }

    @Test func selfTimeSubtractsTheUnionOfChildrenClippedToTheParent() {
        let trace = TraceAssembler().assemble([
            SpanBuilder.span(id: 1, start: 0, end: 100),
            SpanBuilder.span(id: 2, parent: 1, start: 10, end: 40),
            SpanBuilder.span(id: 3, parent: 1, start: 30, end: 50),  // overlaps 2: union 10..50
            SpanBuilder.span(id: 4, parent: 1, start: 90, end: 130),  // runs past the parent: clipped to 90..100
            SpanBuilder.span(id: 5, parent: 2, start: 20, end: 25),
        ])[0]
        let ms: UInt64 = 1_000_000
        let selfTime = Dictionary(uniqueKeysWithValues: zip(trace.spans.map(\.spanID.value), trace.selfTimeNano))
        #expect(selfTime[1] == 50 * ms)
        #expect(selfTime[2] == 25 * ms)
        #expect(selfTime[3] == 20 * ms)
        #expect(selfTime[4] == 40 * ms)
        #expect(selfTime[5] == 5 * ms)
    }

    @Test func breaksParentCyclesAndSelfParents() {
        let trace = TraceAssembler().assemble([
            SpanBuilder.span(id: 1, parent: 3, start: 0, end: 10),
            SpanBuilder.span(id: 2, parent: 1, start: 1, end: 9),
            SpanBuilder.span(id: 3, parent: 2, start: 2, end: 8),
            SpanBuilder.span(id: 4, parent: 4, start: 3, end: 4),
        ])[0]
        #expect(trace.spans.count == 4)
        #expect(Set(trace.spans.map(\.spanID.value)) == [1, 2, 3, 4])
        #expect(trace.warnings.contains("parent cycle broken at span 0000000000000001, now shown as a root"))
        #expect(trace.warnings.contains { $0.contains("names itself as its parent") })
        #expect(trace.spans.map(\.spanID.value) == [4, 1, 2, 3])
        #expect(trace.depth == [0, 0, 1, 2])
    }

    @Test func sameInputInAnyOrderGivesTheSameTrace() {
        let spans = (1...50).map { (n: UInt64) -> Span in
            SpanBuilder.span(id: n, parent: n / 2, start: n % 7, end: 100)
        }
        let forward = TraceAssembler().assemble(spans)[0]
        let backward = TraceAssembler().assemble(spans.reversed())[0]
        #expect(forward.spans == backward.spans)
        #expect(forward.depth == backward.depth)
    }

    @Test func assemblesAHundredThousandLevelChainWithoutRecursion() {
        let count = 100_000
        let spans = (1...UInt64(count)).map { (n: UInt64) -> Span in
            SpanBuilder.span(id: n, parent: n - 1, start: n, end: 2 * UInt64(count) - n)
        }
        let trace = TraceAssembler().assemble(spans)[0]
        #expect(trace.spans.count == count)
        #expect(trace.depth.last == count - 1)
        #expect(trace.rootIndices == [0])
        #expect(trace.selfTimeNano.last == trace.spans.last!.durationNano)
        #expect(trace.selfTimeNano[0] == 2 * 1_000_000)
    }
}

@Test func spansWithoutTimestampsAreDrawnAtTheirParentsStart() {
    var untimed = SpanBuilder.span(id: 3, parent: 2, start: 0, end: 0)
    untimed.startTimeUnixNano = 0
    untimed.endTimeUnixNano = 0
    let trace = TraceAssembler().assemble([
        SpanBuilder.span(id: 1, start: 10, end: 50),
        SpanBuilder.span(id: 2, parent: 1, start: 20, end: 30),
        untimed,
    ])[0]
    let placed = trace.spans.first { $0.spanID == SpanID(3) }!
    #expect(placed.startTimeUnixNano == SpanBuilder.span(id: 9, start: 20, end: 20).startTimeUnixNano)
    #expect(placed.durationNano == 0)
    #expect(trace.startTimeUnixNano > 0)
    #expect(trace.warnings.contains { $0.contains("1 span has no timestamp") })
}

@Test func assemblesAMillionWideFanOut() {
    let resource = Resource(serviceName: "fan")
    let root = Span(
        traceID: TraceID(high: 0, low: 7), spanID: SpanID(1), name: "root", startTimeUnixNano: 1_000, endTimeUnixNano: 3_000_000,
        resource: resource)
    var spans = [root]
    spans.reserveCapacity(1_000_001)
    for n in 0..<UInt64(1_000_000) {
        spans.append(
            Span(
                traceID: root.traceID, spanID: SpanID(n + 2), parentSpanID: SpanID(1), name: "child",
                startTimeUnixNano: 1_000 + n, endTimeUnixNano: 1_000 + n + 2, resource: resource))
    }
    let trace = TraceAssembler().assemble(spans)[0]
    #expect(trace.spans.count == 1_000_001)
    #expect(trace.rootIndices == [0])
    #expect(trace.depth.max() == 1)
    #expect(trace.selfTimeNano[0] == 3_000_000 - 1_000 - 1_000_001)
    #expect(trace.criticalPathNano.reduce(0, +) == trace.durationNano)
}
