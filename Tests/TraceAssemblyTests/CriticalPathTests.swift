import TestSupport
import Testing
import TraceAssembly
import TraceModel

/// Jaeger UI's published critical-path test cases (jaegertracing/jaeger-ui,
/// packages/jaeger-ui/src/components/TracePage/CriticalPath/testCases/test1.js … test9.js),
/// restated with their trees, times and expected sections. Times are in the cases' own units.
struct CriticalPathTests {
    /// A span of the case: name, parent name (nil for the root), start, duration, FOLLOWS_FROM.
    struct CaseSpan: Sendable {
        var name: String
        var parent: String?
        var start: UInt64
        var duration: UInt64
        var followsFrom = false
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var label: String
        var spans: [CaseSpan]
        /// Expected sections, latest first: span name, start, end.
        var sections: [(String, UInt64, UInt64)]
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(
            label: "test1: two children, the later one last",
            spans: [
                .init(name: "C", parent: nil, start: 1, duration: 100), .init(name: "D", parent: "C", start: 20, duration: 20),
                .init(name: "E", parent: "C", start: 50, duration: 10),
            ],
            sections: [("C", 60, 101), ("E", 50, 60), ("C", 40, 50), ("D", 20, 40), ("C", 1, 20)]),
        Case(
            label: "test2: overlapping children",
            spans: [
                .init(name: "X", parent: nil, start: 1, duration: 100), .init(name: "A", parent: "X", start: 10, duration: 40),
                .init(name: "C", parent: "X", start: 20, duration: 40),
            ],
            sections: [("X", 60, 101), ("C", 20, 60), ("X", 1, 20)]),
        Case(
            label: "test4: a child starting after its parent ends is dropped with its subtree",
            spans: [
                .init(name: "A", parent: nil, start: 1, duration: 30), .init(name: "B", parent: "A", start: 40, duration: 40),
                .init(name: "C", parent: "B", start: 50, duration: 10),
            ],
            sections: [("A", 1, 31)]),
        Case(
            label: "test5: FOLLOWS_FROM subtrees are not on the path",
            spans: [
                .init(name: "A", parent: nil, start: 1, duration: 30),
                .init(name: "B", parent: "A", start: 10, duration: 10, followsFrom: true),
                .init(name: "C", parent: "B", start: 12, duration: 2),
            ],
            sections: [("A", 1, 31)]),
        Case(
            label: "test6: a grandchild clipped to its clipped parent",
            spans: [
                .init(name: "A", parent: nil, start: 1, duration: 29), .init(name: "B", parent: "A", start: 15, duration: 20),
                .init(name: "C", parent: "B", start: 10, duration: 15),
            ],
            sections: [("B", 25, 30), ("C", 15, 25), ("A", 1, 15)]),
        Case(
            label: "test7: a chain overflowing its root",
            spans: [
                .init(name: "A", parent: nil, start: 1, duration: 29), .init(name: "B", parent: "A", start: 15, duration: 20),
                .init(name: "C", parent: "B", start: 20, duration: 20),
            ],
            sections: [("C", 20, 30), ("B", 15, 20), ("A", 1, 15)]),
        Case(
            label: "test8: a child wider than its parent on both sides",
            spans: [.init(name: "A", parent: nil, start: 10, duration: 20), .init(name: "B", parent: "A", start: 5, duration: 30)],
            sections: [("B", 10, 30)]),
        Case(
            label: "test9: a child ending before its parent starts is dropped",
            spans: [.init(name: "A", parent: nil, start: 10, duration: 20), .init(name: "B", parent: "A", start: 1, duration: 4)],
            sections: [("A", 10, 30)]),
    ]

    @Test(arguments: cases)
    func matchesJaegerUI(_ testCase: Case) {
        let ids = Dictionary(uniqueKeysWithValues: testCase.spans.enumerated().map { ($0.element.name, SpanID(UInt64($0.offset + 1))) })
        let resource = Resource(serviceName: "service-one")
        let spans = testCase.spans.map { span in
            Span(
                traceID: TraceID(high: 0, low: 1), spanID: ids[span.name]!, parentSpanID: span.parent.map { ids[$0]! },
                parentRelation: span.followsFrom ? .followsFrom : .childOf, name: span.name,
                startTimeUnixNano: span.start, endTimeUnixNano: span.start + span.duration, resource: resource)
        }
        let trace = TraceAssembler().assemble(spans)[0]
        let found = trace.criticalPath.map { (trace.spans[$0.spanIndex].name, $0.startTimeUnixNano, $0.endTimeUnixNano) }
        #expect(found.map { "\($0.0) \($0.1)-\($0.2)" } == testCase.sections.map { "\($0.0) \($0.1)-\($0.2)" })
        // Each span's critical-path time is the sum of its sections.
        let byName = Dictionary(grouping: testCase.sections, by: \.0).mapValues { $0.reduce(0) { $0 + $1.2 - $1.1 } }
        for (index, span) in trace.spans.enumerated() {
            #expect(trace.criticalPathNano[index] == byName[span.name] ?? 0)
        }
    }

    /// Test3 of the same suite uses this fixture: the child starts after its parent ends.
    @Test(.enabled(if: Fixtures.sharedAvailable, "../shared/fixtures is absent"))
    func singleChildStartingAfterItsParent() throws {
        let trace = try FixtureTraces.single("jaeger-json/jaeger-ui__traceWithSingleChildLongerThanParentAndStartsAfterParent.json")
        #expect(trace.criticalPath == [CriticalPathSection(spanIndex: 0, startTimeUnixNano: 100_000, endTimeUnixNano: 140_000)])
        #expect(trace.spans[0].spanID == SpanID(hex: "006c3cf93508f205"))
        // The child (on another service) is longer than its parent and starts after it: no shift.
        #expect(trace.clockSkewShiftNano == [0, 0])
        #expect(trace.selfTimeNano == [40_000, 300_000])
    }

    /// happyTrace.json, the fixture of the same folder, worked by hand: root op1 [1, 101]
    /// with children op2 [10, 50] and op3 [20, 60] (op3 with a child op4 [25, 55], op4 with op5 ...).
    @Test func aLongChainIsWalkedWithoutRecursion() {
        let count: UInt64 = 100_000
        let spans = (1...count).map { n in SpanBuilder.span(id: n, parent: n - 1, start: n, end: 3 * count - n) }
        let trace = TraceAssembler().assemble(spans)[0]
        #expect(trace.criticalPath.count == 2 * Int(count) - 1)
        #expect(trace.criticalPathNano.reduce(0, +) == trace.durationNano)
    }
}
