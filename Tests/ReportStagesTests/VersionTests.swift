import Foundation
import ReportSite
import TestSupport
import Testing

/// One release number, said the same way by `--version` and by every `summary.json`.
struct VersionTests {
    @Test func versionIsPrintedAndNamedInTheSummary() throws {
        try #require(FileManager.default.isExecutableFile(atPath: CommandLineStagesTests.binary.path))
        let folder = try Fixtures.temporaryDirectory("version")
        let run = try Shell.run(#""$T" --version > version.txt && "$T" "$S/checkout.jsonl" --output site --quiet"#, in: folder)
        #expect(run.status == 0, "\(run.errors)")
        #expect(try String(contentsOf: folder.appendingPathComponent("version.txt"), encoding: .utf8) == Release.generator + "\n")
        let summary = try SiteSummary.read(from: folder.appendingPathComponent("site/summary.json"))
        #expect(summary.generator == Release.generator && Release.generator.hasPrefix("tracereport "))
    }
}
