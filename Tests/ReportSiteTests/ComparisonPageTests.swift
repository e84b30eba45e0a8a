import Foundation
import TestSupport
import Testing
import TraceAnalysis
import TraceAssembly
import TraceModel

@testable import ReportSite

/// The pages of the slowest requests of generated traffic, in which a slow hop was planted, open
/// with their comparison with the typical request: naming that hop first, with its share of the
/// difference within 5 points of the planted one.
struct ComparisonPageTests {
    @Test(arguments: [UInt64(200_000), 1_500_000])
    func theSlowestPagesNameThePlantedHopFirst(extra: UInt64) throws {
        var traffic = PlantedTraffic()
        for trace in UInt64(1)...101 { traffic.cleanRequest(trace, start: trace * 2_000_000) }
        for trace in [UInt64(100), 101] { traffic.slowDown(trace: trace, operation: "Charge", byMicros: extra) }
        let traces = TraceAssembler().assemble(traffic.spans)
        let digests = traces.map(TraceDigest.init)
        let typicalIndex = try #require(TraceSelection.typicalRequests(digests).values.first)
        let typical = digests[typicalIndex]
        let site = try WholeSite.render(traffic.spans)
        for digest in digests.sorted(by: { $0.durationNano < $1.durationNano }).suffix(2) {
            #expect([100, 101].contains(digest.traceID.low))
            let page = try #require(site[TracePage.path(for: digest.traceID)])
            let section = try #require(page.range(of: "<section id=\"comparison\">").map { page[$0.lowerBound...] })
            #expect(section.contains("Compared with the typical request of frontend: POST /checkout"))
            #expect(section.contains("href=\"\(typical.traceID.hex).html\""))
            // "payment Charge spent 1.52 s on the critical path against 14 ms (+1.5 s, 98% of the difference)"
            let headline = try #require(section.firstMatch(of: /\. ([^.<]+?) spent [^(]+\([^,]+, (\d+)% of the difference\)/))
            #expect(headline.1 == "payment Charge")
            let planted = Double(extra * 1_000) / Double(digest.durationNano - typical.durationNano) * 100
            #expect(abs(Double(headline.2)! - planted) <= 5, "\(headline.2)% against \(planted)%")
        }
        // The typical request, and the requests faster than it, are compared with nothing.
        for digest in digests where digest.durationNano <= typical.durationNano {
            #expect(site[TracePage.path(for: digest.traceID)]?.contains("id=\"comparison\"") == false)
        }
    }
}
