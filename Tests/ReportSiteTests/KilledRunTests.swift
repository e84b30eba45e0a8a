import Foundation
import TestSupport
import Testing
import TraceModel

@testable import ReportSite

/// A nightly job can be killed at any moment (an OOM killer, a timeout, a reboot): the published
/// site must then be the previous one, untouched, and the next run must clean up after it.
struct KilledRunTests {
    /// The `tracereport` binary `swift test` built beside the test bundle.
    static let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tracereport")

    @Test func aRunKilledMidWriteLeavesThePreviousSiteUnchanged() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.binary.path), "tracereport is built beside the tests by swift test")
        let folder = try Fixtures.temporaryDirectory("killed")
        let output = folder.appendingPathComponent("report")
        _ = try buildSite([SpanBuilder.span(trace: 1, id: 1, start: 0, end: 1)], into: output)
        let before = try FileManagerListing.tree(output)

        // Enough traces that writing their pages takes a while: the kill lands mid-write.
        var generator = SyntheticTraces(options: .init(seed: 3))
        let spans = (0..<1_500).flatMap { _ in generator.nextTrace() }
        let input = folder.appendingPathComponent("night.pb")
        try Data(SpanEncoders.otlpProtobuf(spans)).write(to: input)

        let process = Process()
        process.executableURL = Self.binary
        process.arguments = [input.path, "--output", output.path, "--select", "all", "--quiet"]
        try process.run()
        // Wait until pages are being written into the staging folder, then kill without warning.
        let deadline = Date().addingTimeInterval(60)
        var pagesSeen = 0
        var staging = folder
        while Date() < deadline, process.isRunning {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            if let name = names.first(where: { $0.hasPrefix(".report.tracereport-staging-") }) {
                staging = folder.appendingPathComponent(name)
                pagesSeen = (try? FileManager.default.contentsOfDirectory(atPath: staging.appendingPathComponent("traces").path).count) ?? 0
            }
            if pagesSeen >= 20 { break }
            usleep(2_000)
        }
        #expect(process.isRunning, "the run ended before it could be killed mid-write")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(pagesSeen >= 20)

        #expect(try FileManagerListing.tree(output) == before, "the published site is the previous one")
        #expect(FileManager.default.fileExists(atPath: staging.path), "the killed run's half-written site is left aside")

        // The next run publishes, and removes what the killed one left.
        _ = try buildSite([SpanBuilder.span(trace: 2, id: 1, start: 0, end: 1)], into: output)
        #expect(!FileManager.default.fileExists(atPath: staging.path))
        #expect(try FileManagerListing.names(in: output.appendingPathComponent("traces")) == ["000000000000abcd0000000000000002.html"])
    }

    @Test func forceReplacesAFolderTracereportDidNotWrite() throws {
        let output = try Fixtures.temporaryDirectory("force")
        try "old".write(to: output.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        var options = ReportBuilder.Options()
        options.force = true
        try ReportBuilder(templates: TemplateSet()).build(
            traces: TraceAssemblerHelper.traces([SpanBuilder.span(id: 1, start: 0, end: 1)]), inputs: [], output: output, options: options)
        #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("notes.txt").path))
        #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("index.html").path))
    }
}
