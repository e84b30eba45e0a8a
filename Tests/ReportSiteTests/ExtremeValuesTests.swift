import Foundation
import TestSupport
import Testing
import TraceAssembly
import TraceModel

@testable import ReportSite

/// Property tests: every page of the site of spans holding extreme values in every field renders
/// (and every chart validates) without a trap, whatever the assembly options.
struct ExtremeValuesTests {
    static let assemblies = [
        AssemblyOptions(),
        AssemblyOptions(adjustClockSkew: true, maximumClockSkewNano: .max, maximumSpansPerTrace: 7),
        AssemblyOptions(adjustClockSkew: false),
    ]

    @Test(arguments: 0..<80)
    func everyPageRendersForExtremeSpans(seed: UInt64) throws {
        var generator = ExtremeSpans(seed: seed)
        let spans = generator.spans(count: 1 + Int(seed * 7 % 50))
        let files = try WholeSite.render(spans, assembly: Self.assemblies[Int(seed % 3)], rowBudget: seed % 2 == 0 ? 2_000 : 3)
        #expect(files["index.html"] != nil && files["health.html"] != nil && files["summary.json"] != nil)
        #expect(files.keys.contains { $0.hasPrefix("traces/") })
    }

    @Test func eachEdgeTimeAsStartEndAndEventOfParentAndChild() throws {
        let times = ExtremeSpans.edgeTimes
        let here = Resource(attributes: [.init(key: "service.name", value: .string("a")), .init(key: "host.name", value: .string("h1"))])
        let there = Resource(attributes: [.init(key: "service.name", value: .string("b")), .init(key: "host.name", value: .string("h2"))])
        var spans: [Span] = []
        var trace: UInt64 = 1
        for start in times {
            for end in times {
                let id = TraceID(high: 7, low: trace)
                trace += 1
                spans.append(
                    Span(
                        traceID: id, spanID: SpanID(1), name: "parent", kind: .client, startTimeUnixNano: start, endTimeUnixNano: end,
                        events: [SpanEvent(timeUnixNano: end, name: "e"), SpanEvent(timeUnixNano: 0, name: "first")], resource: here))
                spans.append(
                    Span(
                        traceID: id, spanID: SpanID(2), parentSpanID: SpanID(1), name: "child", kind: .server, startTimeUnixNano: end,
                        endTimeUnixNano: start, events: [SpanEvent(timeUnixNano: .max, name: "late")], resource: there))
            }
        }
        for assembly in Self.assemblies {
            let files = try WholeSite.render(spans, assembly: assembly)
            #expect(files.keys.filter { $0.hasPrefix("traces/") }.count == times.count * times.count)
        }
    }

    @Test func aHundredThousandSiblings() throws {
        let resource = Resource(serviceName: "fan")
        var spans = [
            Span(
                traceID: TraceID(high: 1, low: 1), spanID: SpanID(1), name: "root", startTimeUnixNano: 0, endTimeUnixNano: .max,
                resource: resource)
        ]
        for index in 0..<100_000 {
            let start = UInt64(index) &* 184_467_440_737_095
            spans.append(
                Span(
                    traceID: TraceID(high: 1, low: 1), spanID: SpanID(UInt64(index) + 2), parentSpanID: SpanID(1), name: "child",
                    startTimeUnixNano: start, endTimeUnixNano: index % 2 == 0 ? .max : 0, resource: resource))
        }
        let files = try WholeSite.render(spans)
        #expect(files["traces/\(TraceID(high: 1, low: 1).hex).html"] != nil)
    }
}
