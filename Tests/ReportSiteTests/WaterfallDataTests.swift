import Foundation
import TestSupport
import Testing
import TraceAssembly
import TraceCharts
import TraceModel

@testable import ReportSite

/// The data island a large trace's page carries for its script to draw every span's row.
struct WaterfallDataTests {
    /// A trace of 40 spans: a chain of ten, then thirty children of its root; some failed, one id
    /// reused, a name that would end the script block.
    static func trace() -> Trace {
        var spans = [SpanBuilder.span(id: 1, service: "web", name: "GET </script><b>", start: 0, end: 1_000, kind: .server)]
        for id in 2...10 {
            spans.append(SpanBuilder.span(id: UInt64(id), parent: UInt64(id - 1), service: "api", start: UInt64(id), end: 900))
        }
        for id in 11...40 {
            spans.append(
                SpanBuilder.span(
                    id: UInt64(id), parent: 1, service: id % 3 == 0 ? "db" : "cache", name: "SELECT", start: UInt64(id * 10),
                    end: UInt64(id * 10 + 5), status: SpanStatus(code: id % 7 == 0 ? .error : .unset)))
        }
        spans.append(SpanBuilder.span(id: 40, parent: 1, service: "db", name: "SELECT", start: 500, end: 501))
        return TraceAssembler().assemble(spans)[0]
    }

    /// Base64url variable-length quantities back to numbers, as the page's script reads them.
    static func numbers(_ text: String) -> [UInt64] {
        var out: [UInt64] = []
        var value: UInt64 = 0
        var shift: UInt64 = 0
        for byte in text.utf8 {
            let digit = UInt64(DataIsland.alphabet.firstIndex(of: byte)!)
            if digit >= 32 {
                value |= (digit - 32) << shift
                shift += 5
            } else {
                out.append(value | digit << shift)
                (value, shift) = (0, 0)
            }
        }
        return out
    }

    @Test func everySpanIsInTheIslandWithItsDepthTimesFlagsAndAnchor() throws {
        let trace = Self.trace()
        var page = TracePage(trace: trace, expandableListLimit: 5)
        page.siteTitle = "t"
        let html = page.render(waterfallSVG: "<svg></svg>", graphSVG: "", templates: try TemplateSet())
        let opening = #"<script type="application/json" id="waterfall-data">"#
        let island = try #require(html.components(separatedBy: opening).dropFirst().first?.components(separatedBy: "</script>").first)
        // No text from the input can end the block.
        #expect(!island.contains("<"))
        let data = try #require(try JSONSerialization.jsonObject(with: Data(island.utf8)) as? [String: Any])
        let services = try #require(data["services"] as? [String])
        let names = try #require(data["names"] as? [String])
        let ids = try #require(data["ids"] as? String).split(separator: ",").map(String.init)
        let (depth, start, length, service, operation, flags) = try (
            #require(data["d"] as? String), #require(data["t"] as? String), #require(data["w"] as? String),
            #require(data["s"] as? String), #require(data["o"] as? String), #require(data["f"] as? String)
        )
        #expect(Self.numbers(depth) == trace.depth.map { UInt64($0) })
        #expect(Self.numbers(start) == trace.spans.map { $0.startTimeUnixNano - trace.startTimeUnixNano })
        #expect(Self.numbers(length) == trace.spans.map(\.durationNano))
        #expect(zip(Self.numbers(service), trace.spans).allSatisfy { services[Int($0)] == $1.service })
        #expect(zip(Self.numbers(operation), trace.spans).allSatisfy { names[Int($0)] == $1.name })
        let flagged = Self.numbers(flags)
        #expect(flagged.count == trace.spans.count)
        for (index, span) in trace.spans.enumerated() {
            #expect((flagged[index] & 1 != 0) == span.status.isError)
            #expect((flagged[index] & 2 != 0) == (trace.criticalPathNano[index] > 0))
        }
        #expect(flagged.contains { $0 & 1 != 0 } && flagged.contains { $0 & 2 != 0 })
        // Each id is the anchor of its span in the text list, the reused one suffixed.
        #expect(ids.count == trace.spans.count && Set(ids).count == ids.count)
        for id in ids { #expect(html.contains("<b id=\"span-\(id)\">")) }
        #expect(ids.contains("0000000000000028-2"))
        // The note says what the drawing without script leaves out.
        #expect(html.contains("more than the 5 rows drawn here"))
    }

    @Test func aTraceWithinTheBudgetCarriesNoIsland() throws {
        let html = TracePage(trace: Self.trace(), expandableListLimit: 2_000).render(
            waterfallSVG: "<svg></svg>", graphSVG: "", templates: try TemplateSet())
        #expect(!html.contains("id=\"waterfall-data\"") && !html.contains("id=\"waterfall-note\""))
    }
}
