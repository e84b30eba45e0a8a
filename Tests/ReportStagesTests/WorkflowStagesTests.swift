import Foundation
import ReportSite
import ReportStages
import TestSupport
import Testing
import TraceModel

/// Workflows on a site: a Jaeger export whose worker follows from (FOLLOWS_FROM) the checkout's
/// producer span in another trace, and OTLP traces sharing an order id with `--join-attribute`:
/// `workflows.html`, the trace pages' lines naming the traces before and after, `summary.json`,
/// alike from one run and from partition → build → merge.
@Suite(.serialized)
struct WorkflowStagesTests {
    static let checkout = "00000000000000000000000000c0ffee"
    static let worker = "00000000000000000000000000b0ba00"

    static let inputs: [String] = {
        let folder = try! Fixtures.temporaryDirectory("workflow-inputs")
        // Start times and durations in microseconds, as Jaeger writes them.
        let jaeger = """
            {"data":[{"traceID":"\(checkout)","spans":[
              {"traceID":"\(checkout)","spanID":"00000000000000a1","operationName":"POST /orders","references":[],"startTime":1800000000000000,"duration":30000,"tags":[{"key":"span.kind","type":"string","value":"server"}],"logs":[],"processID":"p1"},
              {"traceID":"\(checkout)","spanID":"00000000000000a2","operationName":"jobs send","references":[{"refType":"CHILD_OF","traceID":"\(checkout)","spanID":"00000000000000a1"}],"startTime":1800000000020000,"duration":1500,"tags":[{"key":"span.kind","type":"string","value":"producer"}],"logs":[],"processID":"p1"}
            ],"processes":{"p1":{"serviceName":"checkout","tags":[]}}},
            {"traceID":"\(worker)","spans":[
              {"traceID":"\(worker)","spanID":"00000000000000b1","operationName":"jobs process","references":[{"refType":"FOLLOWS_FROM","traceID":"\(checkout)","spanID":"00000000000000a2"}],"startTime":1800000002021500,"duration":50000,"tags":[{"key":"span.kind","type":"string","value":"consumer"}],"logs":[],"processID":"p2"}
            ],"processes":{"p2":{"serviceName":"worker","tags":[]}}}]}
            """
        var traffic = PlantedTraffic()
        for (trace, service, start) in [(UInt64(1), "shop", UInt64(10_000_000)), (2, "warehouse", 12_000_000), (3, "courier", 15_000_000)] {
            traffic.add(
                trace: trace, parent: nil, service: service, name: "order step", kind: .server, start: start, end: start + 500_000,
                attributes: [Attribute(key: "order.id", value: .string("A-1"))])
        }
        let files = [("jobs.json", jaeger), ("orders.jsonl", SpanEncoders.otlpJSON(traffic.spans))]
        return files.map { name, text in
            let url = folder.appendingPathComponent(name)
            try! Data(text.utf8).write(to: url)
            return url.path
        }
    }()

    @Test func workflowsAreJoinedAlikeByOneRunAndByMergedParts() throws {
        let binary = CommandLineStagesTests.binary
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "tracereport is built beside the tests by swift test")
        let folder = try Fixtures.temporaryDirectory("workflow-stages")
        let runner = CommandLineStagesTests()
        let one = folder.appendingPathComponent("one")
        let options = ["--join-attribute", "order.id", "--select", "all"]
        #expect(try runner.run(Self.inputs + ["--output", one.path] + options) == 0)
        let map = folder.appendingPathComponent("map").path
        #expect(try runner.run(["partition"] + Self.inputs + ["--partitions", "3", "--output", map]) == 0)
        var builds: [String] = []
        for index in 0..<3 {
            let build = folder.appendingPathComponent("build-\(index)").path
            let file = "\(map)/\(PartitionScheme.fileName(index, of: 3))"
            #expect(try runner.run(["build", "--partition", file, "--output", build] + options) == 0)
            builds.append(build)
        }
        let merged = folder.appendingPathComponent("merged")
        #expect(try runner.run(["merge", map] + builds + ["--output", merged.path]) == 0)
        try ReportStagesTests.expectSameSite(merged, one, "workflows over 3 partitions")

        let summary = try JSONDecoder().decode(SiteSummary.self, from: Data(contentsOf: one.appendingPathComponent("summary.json")))
        let workflows = try #require(summary.workflows)
        #expect(workflows.workflows.count == 2)
        // The checkout's producer span ended at +21.5 ms; the worker started at +2,021.5 ms.
        let jobs = try #require(workflows.workflows.first { $0.traces.contains(Self.worker) })
        #expect(jobs.joins.map(\.queueNano) == [2_000_000_000] && jobs.joins.map(\.via) == ["link"])
        let orders = try #require(workflows.workflows.first { $0.traces.count == 3 })
        #expect(orders.joins.map(\.queueNano) == [1_500_000_000, 2_500_000_000] && orders.joins.allSatisfy { $0.via == "join-attribute" })

        let page = try String(contentsOf: one.appendingPathComponent("workflows.html"), encoding: .utf8)
        #expect(page.contains("queue 2 s") && page.contains("span link") && page.contains("same order.id"))
        let workerPage = try String(contentsOf: one.appendingPathComponent("traces/\(Self.worker).html"), encoding: .utf8)
        #expect(
            workerPage.contains(
                "<nav class=\"workflow\">One of <a href=\"../workflows.html#w-\(Self.checkout)\">a workflow of 2 traces</a>; before it: <a href=\"\(Self.checkout).html\">checkout: POST /orders</a>, queue 2 s."
            ))
    }
}
