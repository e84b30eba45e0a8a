import Foundation
import ReportSite
import ReportStages
import TestSupport
import Testing
import TraceModel

/// An incident planted in three hours of generated checkouts is found, within one bucket, on
/// the site one run writes and on the site partition → build → merge writes from the same files
/// (the two byte-identical), in the index's list of changes and in `summary.json`.
@Suite(.serialized)
struct TimelineStagesTests {
    static let incident = PlantedTraffic.Incident(startSeconds: 4_210, endSeconds: 6_030)

    /// The traffic as two OTLP JSON files, split by time.
    static let inputs: [String] = {
        let folder = try! Fixtures.temporaryDirectory("timeline-inputs")
        let spans = PlantedTraffic.incident(incident).spans
        let half = spans.count / 2
        return [("first.jsonl", spans[..<half]), ("second.jsonl", spans[half...])].map { name, part in
            let url = folder.appendingPathComponent(name)
            try! Data(Array(part).chunked(500).map(SpanEncoders.otlpJSON).joined(separator: "\n").utf8).write(to: url)
            return url.path
        }
    }()

    @Test func theIncidentIsFoundOnOneRunAndOnMergedParts() throws {
        let folder = try Fixtures.temporaryDirectory("timeline-stages")
        let one = folder.appendingPathComponent("one")
        try ReportStagesTests.oneRun(Self.inputs, settings: ReportStagesTests.settings, into: one)
        let merged = try ReportStagesTests.threeStages(Self.inputs, partitions: 4, settings: ReportStagesTests.settings, in: folder)
        try ReportStagesTests.expectSameSite(merged, one, "timeline over 4 partitions")
        for site in [one, merged] {
            let summary = try JSONDecoder().decode(SiteSummary.self, from: Data(contentsOf: site.appendingPathComponent("summary.json")))
            let timeline = try #require(summary.timeline)
            #expect(timeline.bucketNano == 60_000_000_000 && timeline.buckets == 180)
            let service = try #require(timeline.series.first { $0.kind == "service" && $0.service == "order-service" })
            let planted = (PlantedTraffic.epochMicros / 1_000_000 + Self.incident.startSeconds) * 1_000_000_000
            for metric in ["errors", "latency"] {
                let change = try #require(service.changes.first { $0.metric == metric })
                #expect(change.notable)
                let offBy = change.startUnixNano > planted ? change.startUnixNano - planted : planted - change.startUnixNano
                #expect(offBy <= 60_000_000_000, "\(metric) change at \(change.startUnixNano), planted \(planted)")
            }
            // 1.8e9 s is 2027-01-15 08:00 UTC; the incident starts at 09:10:10 and ends at 09:40:30.
            let index = try String(contentsOf: site.appendingPathComponent("index.html"), encoding: .utf8)
            let listed = try #require(
                index.firstMatch(
                    of:
                        /<a href="services\/order-service-[0-9a-f]{8}\.html">order-service<\/a>(?:, <a [^>]*>[^<]*<\/a>)*: errors [0-9.]+% → ([0-9.]+)% from (09:[0-9]{2}) until (09:[0-9]{2})/
                ))
            #expect(
                ["09:09", "09:10", "09:11"].contains(String(listed.2)) && ["09:39", "09:40", "09:41"].contains(String(listed.3)),
                "\(listed.0)")
            #expect((15...25).contains(Double(String(listed.1)) ?? 0), "\(listed.0)")
            // The calls into order-service changed with it, listed on the same line.
            #expect(listed.0.contains("frontend → order-service</a>"), "\(listed.0)")
            let servicePage = try FileManagerListing.tree(site).first { $0.key.hasPrefix("/services/order-service-") }
            let text = String(decoding: try #require(servicePage).value, as: UTF8.self)
            #expect(text.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\""))
            #expect(text.contains("<rect class=\"cp\""))
            // Its calls in and out, as sparkline rows.
            #expect(text.contains(">frontend → order-service</a></td>") && text.contains(">order-service → postgresql</a></td>"))
        }
    }

    /// Last night's steady traffic as the baseline: its series are drawn dashed under tonight's
    /// on the service pages, and `--bucket` sets the buckets (parts built with another are refused).
    @Test func theBaselineIsOverlaidAndTheBucketSizeIsTheOneAskedFor() throws {
        let binary = CommandLineStagesTests.binary
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "tracereport is built beside the tests by swift test")
        let folder = try Fixtures.temporaryDirectory("timeline-baseline")
        let steady = folder.appendingPathComponent("steady.jsonl")
        let spans = PlantedTraffic.incident(PlantedTraffic.Incident(startSeconds: 0, endSeconds: 0)).spans
        try Data(spans.chunked(500).map(SpanEncoders.otlpJSON).joined(separator: "\n").utf8).write(to: steady)
        let runner = CommandLineStagesTests()
        let earlier = folder.appendingPathComponent("earlier")
        #expect(try runner.run([steady.path, "--output", earlier.path, "--max-pages", "5"]) == 0)
        let tonight = folder.appendingPathComponent("tonight")
        let baseline = earlier.appendingPathComponent("summary.json").path
        #expect(
            try runner.run(Self.inputs + ["--output", tonight.path, "--max-pages", "5", "--baseline", baseline, "--bucket", "5m"]) == 0)
        let summary = try JSONDecoder().decode(SiteSummary.self, from: Data(contentsOf: tonight.appendingPathComponent("summary.json")))
        #expect(summary.timeline?.bucketNano == 300_000_000_000 && summary.timeline?.buckets == 36)
        let page = try #require(try FileManagerListing.tree(tonight).first { $0.key.hasPrefix("/services/order-service-") })
        let text = String(decoding: page.value, as: UTF8.self)
        #expect(text.contains("<path class=\"base l0\"") && text.contains("dashed lines are the baseline"))
        #expect(try runner.run(Self.inputs + ["--output", folder.appendingPathComponent("bad").path, "--bucket", "10us"]) != 0)

        let map = folder.appendingPathComponent("map").path
        #expect(try runner.run(["partition"] + Self.inputs + ["--partitions", "2", "--output", map]) == 0)
        var builds: [String] = []
        for (index, bucket) in ["5m", "1m"].enumerated() {
            let build = folder.appendingPathComponent("build-\(index)").path
            let file = "\(map)/\(PartitionScheme.fileName(index, of: 2))"
            #expect(try runner.run(["build", "--partition", file, "--output", build, "--bucket", bucket]) == 0)
            builds.append(build)
        }
        #expect(try runner.run(["merge", map] + builds + ["--output", folder.appendingPathComponent("merged").path]) != 0)
    }
}
