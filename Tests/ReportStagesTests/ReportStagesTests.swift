import Foundation
import ReportRun
import ReportSite
import ReportStages
import SpanRecords
import TestSupport
import Testing
import TraceAnalysis
import TraceAssembly
import TraceImport
import TraceModel

/// partition → build → merge gives the site one run gives, on inputs in several formats, split
/// across map tasks the way a cluster splits them; and every way the stages can be misused is
/// refused with the file at fault named.
@Suite(.serialized)
struct ReportStagesTests {
    /// Three input files of generated hard traffic, in three formats.
    static let inputs: [String] = {
        let folder = try! Fixtures.temporaryDirectory("stages-inputs")
        let spans = HardTraffic.spans(traces: 900, seed: 9)
        let thirds = [spans[..<(spans.count / 3)], spans[(spans.count / 3)..<(2 * spans.count / 3)], spans[(2 * spans.count / 3)...]]
        let files: [(String, Data)] = [
            ("a.jsonl", Data(Array(thirds[0]).chunked(200).map(SpanEncoders.otlpJSON).joined(separator: "\n").utf8)),
            ("b.pb", Data(SpanEncoders.otlpProtobuf(Array(thirds[1])))),
            ("c.json.gz", Data(Compression.gzip(Array(SpanEncoders.otlpJSON(Array(thirds[2])).utf8)))),
        ]
        return files.map { name, data in
            let url = folder.appendingPathComponent(name)
            try! data.write(to: url)
            return url.path
        }
    }()

    static let templates = try! TemplateSet()

    static var settings: BuildSettings {
        var settings = BuildSettings()
        settings.templates = templates.fingerprint
        settings.selection.maximumPages = 120
        settings.title = "Stages"
        return settings
    }

    /// The site `tracereport report` writes of `paths`.
    static func oneRun(_ paths: [String], settings: BuildSettings, into output: URL) throws {
        _ = try ReportRun.run(
            ReportRun.Request(inputs: paths, settings: settings, templates: templates, output: output), events: SilentRun())
    }

    /// The site the three stages write: one partition run per input (as a cluster's map tasks),
    /// one build per partition, one merge.
    static func threeStages(
        _ paths: [String], partitions: Int, settings: BuildSettings, in folder: URL, perInput: Bool = true
    ) throws -> URL {
        let groups = perInput ? paths.map { [$0] } : [paths]
        var mapped: [URL] = []
        for (number, group) in groups.enumerated() {
            let output = folder.appendingPathComponent("map-\(number)")
            _ = try PartitionStage.run(paths: group, format: nil, workers: 2, partitions: partitions, output: output, force: false)
            mapped.append(output)
        }
        var built: [String] = []
        for index in 0..<partitions {
            let files = mapped.map { $0.appendingPathComponent(PartitionScheme.fileName(index, of: partitions)).path }
            let output = folder.appendingPathComponent("build-\(index)")
            _ = try BuildStage.run(
                partitionFiles: files, settings: settings, templates: templates, output: output, force: false, workers: 2)
            built.append(output.path)
        }
        let site = folder.appendingPathComponent("site")
        let merge = try MergeStage(paths: mapped.map(\.path) + built, templates: templates)
        _ = try merge.write(to: site, templates: templates, site: ReportBuilder.Options())
        return site
    }

    static func expectSameSite(_ found: URL, _ expected: URL, _ comment: String) throws {
        let want = try FileManagerListing.tree(expected)
        let got = try FileManagerListing.tree(found)
        #expect(got.keys.sorted() == want.keys.sorted(), "\(comment)")
        for name in want.keys.sorted() where got[name] != want[name] { Issue.record("\(name) differs: \(comment)") }
    }

    @Test(arguments: [(1, true), (4, true), (5, false)])
    func threeStagesWriteTheSiteOfOneRun(partitions: Int, perInput: Bool) throws {
        let folder = try Fixtures.temporaryDirectory("stages")
        try Self.oneRun(Self.inputs, settings: Self.settings, into: folder.appendingPathComponent("one"))
        let site = try Self.threeStages(Self.inputs, partitions: partitions, settings: Self.settings, in: folder, perInput: perInput)
        try Self.expectSameSite(site, folder.appendingPathComponent("one"), "\(partitions) partitions")
        // Slow requests' pages compare them with the typical request: from pages a build drew and
        // from spans it kept alike, and no build's mark is left.
        let pages = try FileManagerListing.tree(site).filter { $0.key.contains("traces/") }.values.map {
            String(decoding: $0, as: UTF8.self)
        }
        #expect(pages.count { $0.contains("<section id=\"comparison\">") } > 10)
        #expect(!pages.contains { $0.contains("tracereport:comparison") || $0.contains(TracePage.placeholder) })
    }

    @Test func everyTraceSelectedAndTracesAskedForToo() throws {
        let folder = try Fixtures.temporaryDirectory("stages-all")
        var settings = Self.settings
        settings.selection.all = true
        settings.selection.maximumPages = .max
        settings.selection.maximumErrorPages = .max
        try Self.oneRun(Self.inputs, settings: settings, into: folder.appendingPathComponent("one"))
        let site = try Self.threeStages(Self.inputs, partitions: 3, settings: settings, in: folder)
        try Self.expectSameSite(site, folder.appendingPathComponent("one"), "--select all")
        // Every page was drawn by a build: none kept spans.
        for index in 0..<3 {
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("build-\(index)/traces.trspans").path))
        }
    }

    /// Its builds draw no page: the merge draws every page it chooses from the spans they kept.
    @Test(arguments: [false, true]) func aReportLargerThanItsBudgetIsTheReportOfOneRun(everyTrace: Bool) throws {
        let folder = try Fixtures.temporaryDirectory("stages-spill")
        var settings = Self.settings
        settings.selection.all = everyTrace
        let output = folder.appendingPathComponent("spilled")
        let spill = try SpilledReport(beside: output)
        _ = try spill.partition(Self.inputs, format: nil, workers: 2, partitions: 6, strict: false, budget: 64 << 20)
        for index in 0..<6 { try spill.build(partition: index, settings: settings, templates: Self.templates, workers: 2) }
        _ = try spill.merge(templates: Self.templates).write(to: output, templates: Self.templates, site: ReportBuilder.Options())
        try Self.oneRun(Self.inputs, settings: settings, into: folder.appendingPathComponent("one"))
        try Self.expectSameSite(output, folder.appendingPathComponent("one"), "spilled, --select all: \(everyTrace)")
    }

    @Test func aPartitionHoldingMoreThanItsShareIsFoundBeforeItsBuild() throws {
        let paths = Array(Self.inputs[..<2])  // uncompressed: their size is what is read
        let input = try paths.reduce(0) { $0 + (try FileManager.default.attributesOfItem(atPath: $1)[.size] as! Int) }
        // Room for a build of half the input: thirds fit, four fifths do not.
        let budget = MemoryBudget.base + Int(Double(input) * 2.5 / 2)
        #expect(MemoryBudget.oversizedPartition(sizes: [100, 100, 100], inputs: paths, budget: budget) == nil)
        // Near their share: the estimate is a rough one, and the plan left room for a little more.
        let nearly = MemoryBudget.base + Int(Double(input) * 2.5 * 0.35)
        #expect(MemoryBudget.oversizedPartition(sizes: [30, 36, 34], inputs: paths, budget: nearly) == nil)
        #expect(MemoryBudget.oversizedPartition(sizes: [10, 55, 35], inputs: paths, budget: nearly)?.index == 1)
        let found = try #require(MemoryBudget.oversizedPartition(sizes: [10, 80, 10], inputs: paths, budget: budget))
        #expect(found.index == 1 && found.share == 0.8 && found.estimate > budget)
        #expect(MemoryBudget.oversizedPartition(sizes: [10, 80, 10], inputs: paths, budget: 4 * budget) == nil)
    }

    @Test func compressedInputsAreSizedByContentNotName() throws {
        let folder = try Fixtures.temporaryDirectory("stages-sizing")
        let plain = try Data(contentsOf: URL(fileURLWithPath: Self.inputs[0]))
        let unnamed = folder.appendingPathComponent("gzip-without-its-name.json")
        try Data(Compression.gzip(Array(plain))).write(to: unnamed)
        let named = folder.appendingPathComponent("named.json.gz")
        try Data(contentsOf: unnamed).write(to: named)
        #expect(SpanFileReader.plainSize(of: unnamed.path, counting: .max) == plain.count)
        #expect(SpanFileReader.plainSize(of: unnamed.path, counting: 1_000).map { $0 > 1_000 && $0 < plain.count } == true)
        #expect(SpanFileReader.plainSize(of: Self.inputs[0], counting: 0) == plain.count)
        // Room for the file as stored, three times over, but not for what it holds.
        let stored = try FileManager.default.attributesOfItem(atPath: unnamed.path)[.size] as! Int
        let budget = MemoryBudget.base + Int(Double(stored) * 1.7 * 3)
        #expect(MemoryBudget.partitions(for: [unnamed.path], budget: budget) > 1, "its size once decompressed is planned for")
        #expect(MemoryBudget.partitions(for: [unnamed.path], budget: budget) == MemoryBudget.partitions(for: [named.path], budget: budget))
    }

    @Test func aBrokenLineCostsThatLineAndAStreamTakenBackLeavesNothingTwice() throws {
        let folder = try Fixtures.temporaryDirectory("stages-faulty")
        // Good lines, then a broken one (a collector killed mid-write): it costs that line only.
        let good = try String(contentsOfFile: Self.inputs[0], encoding: .utf8)
        let broken = folder.appendingPathComponent("broken.jsonl")
        try Data((good + "\n{\"resourceSpans\": [{\"scopeSpans\"").utf8).write(to: broken)
        let goodOnly = folder.appendingPathComponent("good.jsonl")
        try Data(good.utf8).write(to: goodOnly)
        let paths = [Self.inputs[1], broken.path, Self.inputs[2]]
        let pieces = folder.appendingPathComponent("pieces")
        let outcome = try PartitionStage.run(
            paths: paths, format: nil, workers: 2, partitions: 3, output: pieces, force: false, pieceSize: 4_096)
        #expect(outcome.failures.isEmpty && outcome.droppedRecords == 1)
        #expect(outcome.manifest.inputs[1].issues?.map(\.action) == ["rest of the input skipped"])
        let whole = folder.appendingPathComponent("whole")
        _ = try PartitionStage.run(
            paths: [Self.inputs[1], goodOnly.path, Self.inputs[2]], format: nil, workers: 2, partitions: 3, output: whole, force: false)
        try Self.expectSamePartitions(pieces, whole, "the broken line costs itself only")
        try Self.oneRun(paths, settings: Self.settings, into: folder.appendingPathComponent("one"))
        let site = try Self.threeStages(paths, partitions: 3, settings: Self.settings, in: folder)
        try Self.expectSameSite(site, folder.appendingPathComponent("one"), "with a broken line")

        // Good lines, then a pretty-printed document that spans pieces: what the streamed pieces
        // gave is taken back and the file read whole, so no span is filed twice.
        let pretty = folder.appendingPathComponent("pretty.json")
        let document = good.split(separator: "\n").last!.replacingOccurrences(of: ",\"", with: ",\n  \"")
        try Data((good + "\n" + document + "\n").utf8).write(to: pretty)
        let streamed = folder.appendingPathComponent("streamed")
        _ = try PartitionStage.run(
            paths: [pretty.path], format: nil, workers: 2, partitions: 3, output: streamed, force: false, pieceSize: 4_096)
        let read = folder.appendingPathComponent("read-whole")
        _ = try PartitionStage.run(
            paths: [pretty.path], format: nil, workers: 2, partitions: 3, output: read, force: false, pieceSize: 1 << 30)
        try Self.expectSamePartitions(streamed, read, "a stream taken back leaves nothing twice")
    }

    /// The partition files hold the same spans, byte for byte, but for the identity of the run
    /// that wrote them (a digest of the inputs read, which differ).
    static func expectSamePartitions(_ found: URL, _ expected: URL, _ comment: String) throws {
        func content(_ url: URL) throws -> Data {
            var bytes = try Data(contentsOf: url)
            bytes.replaceSubrange(SpanRecordFormat.identityRange, with: [UInt8](repeating: 0, count: SpanRecordFormat.identityRange.count))
            return bytes
        }
        for index in 0..<3 {
            let name = PartitionScheme.fileName(index, of: 3)
            #expect(
                try content(found.appendingPathComponent(name)) == (try content(expected.appendingPathComponent(name))),
                "partition \(index): \(comment)")
        }
    }

    @Test func mergeRefusesPartsThatDoNotFitTogether() throws {
        let folder = try Fixtures.temporaryDirectory("stages-refused")
        let parts = folder.appendingPathComponent("parts")
        _ = try PartitionStage.run(paths: Self.inputs, format: nil, workers: 2, partitions: 3, output: parts, force: false)
        func build(_ index: Int, _ settings: BuildSettings = Self.settings, named name: String? = nil) throws -> String {
            let output = folder.appendingPathComponent(name ?? "build-\(index)")
            _ = try BuildStage.run(
                partitionFiles: [parts.appendingPathComponent(PartitionScheme.fileName(index, of: 3)).path], settings: settings,
                templates: Self.templates, output: output, force: true, workers: 2)
            return output.path
        }
        let built = try (0..<3).map { try build($0) }
        func refusal(_ paths: [String], templates: TemplateSet = Self.templates) -> String {
            do {
                _ = try MergeStage(paths: paths, templates: templates)
                return "accepted"
            } catch {
                return error.description
            }
        }
        #expect(refusal([parts.path] + built).contains("accepted"))
        #expect(refusal([parts.path, built[0], built[1]]).contains("partition 2 of 3"))
        #expect(refusal([parts.path] + built + [try build(1, named: "again")]).contains("builds partition 1"))
        #expect(refusal(built + [try build(1, named: "again")]).contains("is also in"))
        // Partition files renamed by a job scheduler still count for the partition they hold.
        let renamed = try (0..<2).map { index in
            let file = folder.appendingPathComponent("map-\(index)-attempt-7.trspans")
            try FileManager.default.copyItem(at: parts.appendingPathComponent(PartitionScheme.fileName(index, of: 3)), to: file)
            let output = folder.appendingPathComponent("renamed-\(index)")
            _ = try BuildStage.run(
                partitionFiles: [file.path], settings: Self.settings, templates: Self.templates, output: output, force: true, workers: 2)
            return output.path
        }
        #expect(refusal([parts.path] + renamed).contains("partition 2 of 3"))
        #expect(refusal([parts.path] + renamed + [built[2]]).contains("accepted"))
        #expect(refusal([parts.path] + renamed + built).contains("builds partition"))
        var other = Self.settings
        other.title = "Another"
        #expect(refusal([parts.path, built[0], built[1], try build(2, other, named: "other")]).contains("other settings"))
        let templates = folder.appendingPathComponent("templates")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        try Data("body { color: red }".utf8).write(to: templates.appendingPathComponent("style.css"))
        #expect(refusal(built, templates: try TemplateSet(overrides: templates)).contains("other templates"))
        #expect(refusal([folder.path]).contains("neither a build folder"))

        let summary = URL(fileURLWithPath: built[0]).appendingPathComponent(PartSummary.fileName)
        var text = try String(contentsOf: summary, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"errors\":", with: "\"errors\":-", options: [], range: text.range(of: "\"errors\":"))
        try Data(text.utf8).write(to: summary)
        let damaged = refusal(built)
        #expect(damaged.contains(summary.path) && damaged.contains("damaged"), "\(damaged)")
    }

    @Test func aDamagedPartitionFileIsNamedWithTheOffset() throws {
        let folder = try Fixtures.temporaryDirectory("stages-damaged")
        let parts = folder.appendingPathComponent("parts")
        _ = try PartitionStage.run(paths: [Self.inputs[1]], format: nil, workers: 1, partitions: 1, output: parts, force: false)
        let file = parts.appendingPathComponent(PartitionScheme.fileName(0, of: 1))
        var bytes = try [UInt8](Data(contentsOf: file))
        bytes.removeLast(bytes.count / 3)
        try Data(bytes).write(to: file)
        let error = #expect(throws: ReportError.self) {
            _ = try BuildStage.run(
                partitionFiles: [file.path], settings: Self.settings, templates: Self.templates, output: folder.appendingPathComponent("b"),
                force: false, workers: 1)
        }
        #expect(error?.description.contains(file.path) == true && error?.description.contains("at byte") == true)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("b").path), "nothing half-written")
    }

    @Test func partitionsHoldEveryTraceWholeAndFilesAreTheSameOnEveryRun() throws {
        let folder = try Fixtures.temporaryDirectory("stages-files")
        let first = folder.appendingPathComponent("first")
        let second = folder.appendingPathComponent("second")
        _ = try PartitionStage.run(paths: Self.inputs, format: nil, workers: 2, partitions: 4, output: first, force: false)
        _ = try PartitionStage.run(paths: Self.inputs, format: nil, workers: 1, partitions: 4, output: second, force: false)
        #expect(try FileManagerListing.tree(first) == (try FileManagerListing.tree(second)), "workers change nothing")
        var partitionOf: [TraceID: Int] = [:]
        var total = 0
        for index in 0..<4 {
            let data = try Data(contentsOf: first.appendingPathComponent(PartitionScheme.fileName(index, of: 4)))
            var spans: [Span] = []
            var places: [SpanIDLocation] = []
            try data.withUnsafeBytes { raw in try SpanRecordReader.decode(raw, into: &spans, locations: &places) }
            for span in spans {
                #expect(partitionOf[span.traceID, default: index] == index, "trace \(span.traceID) is in two partitions")
                partitionOf[span.traceID] = index
            }
            #expect(places.allSatisfy { PartitionScheme.partition(of: $0.spanID, count: 4) == index })
            total += spans.count
        }
        let manifest = try JSONDecoder().decode(
            PartitionManifest.self, from: Data(contentsOf: first.appendingPathComponent(PartitionManifest.fileName)))
        #expect(total == manifest.inputs.reduce(0) { $0 + $1.spans } && total > 10_000)
        #expect(manifest.files == (0..<4).map { PartitionScheme.fileName($0, of: 4) })
    }
}

/// The stages as a scheduler runs them: the `tracereport` binary, one process per task.
@Suite(.serialized)
struct CommandLineStagesTests {
    /// The `tracereport` binary `swift test` built beside the test bundle.
    static let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tracereport")

    /// Runs `tracereport` with `arguments`; its exit status.
    @discardableResult
    func run(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments + ["--quiet"]
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test func partitionBuildMergeWriteTheSiteReportWrites() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "tracereport is built beside the tests by swift test")
        let folder = try Fixtures.temporaryDirectory("cli-stages")
        let options = ["--title", "Nightly", "--max-pages", "80", "--time-zone", "Europe/Berlin", "--key-attribute", "http.route"]
        let inputs = ReportStagesTests.inputs
        #expect(try run(inputs + ["--output", folder.appendingPathComponent("one").path] + options) == 0)
        var maps: [String] = []
        for (number, input) in inputs.enumerated() {
            let map = folder.appendingPathComponent("map-\(number)").path
            #expect(try run(["partition", input, "--partitions", "3", "--output", map]) == 0)
            maps.append(map)
        }
        var builds: [String] = []
        for index in 0..<3 {
            let files = maps.map { "\($0)/\(PartitionScheme.fileName(index, of: 3))" }
            let build = folder.appendingPathComponent("build-\(index)").path
            #expect(try run(["build", "--partition"] + files + ["--output", build] + options) == 0)
            builds.append(build)
        }
        let merged = folder.appendingPathComponent("merged")
        #expect(try run(["merge"] + maps + builds + ["--output", merged.path]) == 0)
        try ReportStagesTests.expectSameSite(merged, folder.appendingPathComponent("one"), "command line stages")

        let spilled = folder.appendingPathComponent("spilled")
        #expect(try run(inputs + ["--output", spilled.path, "--memory-budget", "16M"] + options) == 0)
        try ReportStagesTests.expectSameSite(spilled, folder.appendingPathComponent("one"), "--memory-budget 16M")
        #expect(MemoryBudget.partitions(for: inputs, budget: 16 << 20) > 1, "a budget this small spills")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains(".spill") }
        #expect(leftovers.isEmpty, "the work folder is removed: \(leftovers)")

        // A build given other options than the others is refused by merge, which names it.
        #expect(
            try run(["build", "--partition", "\(maps[0])/\(PartitionScheme.fileName(0, of: 3))", "--output", builds[0], "--force"]) == 0)
        #expect(try run(["merge"] + builds + ["--output", folder.appendingPathComponent("refused").path]) == 66)
    }

    @Test func mergeComparesWithABaselineAndExitsAsReportDoes() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "tracereport is built beside the tests by swift test")
        let folder = try Fixtures.temporaryDirectory("cli-baseline")
        let inputs = ReportStagesTests.inputs
        let earlier = folder.appendingPathComponent("earlier")
        #expect(try run([inputs[0], "--output", earlier.path]) == 0)
        let baseline = earlier.appendingPathComponent("summary.json").path
        let site = ["--base-url", "https://traces.example.com/nightly/", "--baseline", baseline, "--regression-threshold", "1"]
        let verdicts = ["--fail-on-regression", "--fail-on-health", "notice"]
        let one = folder.appendingPathComponent("one")
        let status = try run(inputs + ["--output", one.path] + site + verdicts)
        #expect(status == 3 || status == 4, "the later inputs differ from the earlier one: a regression or a finding")
        let index = try String(contentsOf: one.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(index.contains("Changes since the baseline"))

        let map = folder.appendingPathComponent("map").path
        #expect(try run(["partition"] + inputs + ["--partitions", "2", "--output", map]) == 0)
        var builds: [String] = []
        for index in 0..<2 {
            let build = folder.appendingPathComponent("build-\(index)").path
            #expect(try run(["build", "--partition", "\(map)/\(PartitionScheme.fileName(index, of: 2))", "--output", build]) == 0)
            builds.append(build)
        }
        let merged = folder.appendingPathComponent("merged")
        #expect(try run(["merge", map] + builds + ["--output", merged.path] + site + verdicts) == status)
        try ReportStagesTests.expectSameSite(merged, one, "merge with a baseline")
        let spilled = folder.appendingPathComponent("spilled")
        #expect(try run(inputs + ["--output", spilled.path, "--memory-budget", "16M"] + site + verdicts) == status)
        try ReportStagesTests.expectSameSite(spilled, one, "a spilled report with a baseline")
    }
}

extension Array {
    /// The elements in runs of `size`.
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
