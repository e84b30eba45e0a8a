import Foundation
import TestSupport
import Testing

/// What each command refuses to replace, and the leftovers every run cleans up, on the command
/// line as a user would type it. (Kills, a full disk, a read-only parent, an unlistable folder
/// and concurrent runs, which need root or strace: `Tests/Faults/publish-faults.sh`.)
struct OutputRefusalTests {
    @Test func theCurrentFolderAndItsParentsAreNeverReplacedEvenWithForce() throws {
        try #require(FileManager.default.isExecutableFile(atPath: CommandLineStagesTests.binary.path))
        let folder = try Fixtures.temporaryDirectory("refuse-current")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("work"), withIntermediateDirectories: true)
        try "keep".write(to: folder.appendingPathComponent("work/notes.txt"), atomically: true, encoding: .utf8)
        let before = try FileManagerListing.tree(folder)
        for output in [".", "..", "../work"] {
            let run = try Shell.run(#"cd work && "$T" "$S/checkout.jsonl" --output \#(output) --force --quiet"#, in: folder)
            #expect(run.status == 73 && run.errors.contains("is the current folder or one of its parents"), "\(output): \(run.errors)")
        }
        #expect(try FileManagerListing.tree(folder) == before)
        let empty = try Shell.run(#""$T" "$S/checkout.jsonl" --output '' --force --quiet"#, in: folder)
        #expect(empty.status == 64 && empty.errors.contains("--output wants a path"), "\(empty.errors)")
    }

    @Test func anOutputHoldingAnInputIsRefusedEvenWithForce() throws {
        try #require(FileManager.default.isExecutableFile(atPath: CommandLineStagesTests.binary.path))
        let folder = try Fixtures.temporaryDirectory("refuse-input")
        #expect(try Shell.run(#""$T" partition "$S" --partitions 4 --output P --quiet"#, in: folder).status == 0)
        let before = try FileManagerListing.tree(folder)
        let build = try Shell.run(#""$T" build --partition P/part-00000-of-00004.trspans --output P --force --quiet"#, in: folder)
        #expect(build.status == 73 && build.errors.contains("holds an input of this run"), "\(build.errors)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("in"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: Fixtures.repositoryRoot.appendingPathComponent("samples/checkout.jsonl"), to: folder.appendingPathComponent("in/a.jsonl"))
        let inputs = try FileManagerListing.tree(folder.appendingPathComponent("in"))
        let report = try Shell.run(#""$T" in --output in --force --quiet"#, in: folder)
        #expect(report.status == 73 && report.errors.contains("holds an input of this run"), "\(report.errors)")
        #expect(try FileManagerListing.tree(folder.appendingPathComponent("in")) == inputs)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("in"))
        #expect(try FileManagerListing.tree(folder) == before)
    }

    @Test func aFolderWrittenAsAnotherKindIsRefusedUnlessForced() throws {
        try #require(FileManager.default.isExecutableFile(atPath: CommandLineStagesTests.binary.path))
        let folder = try Fixtures.temporaryDirectory("refuse-kind")
        #expect(
            try Shell.run(#""$T" partition "$S" --partitions 2 --output P --quiet && "$T" "$S" --output site --quiet"#, in: folder).status
                == 0)
        let before = try FileManagerListing.tree(folder)
        let build = try Shell.run(#""$T" build --partition P/part-00000-of-00002.trspans --output site --quiet"#, in: folder)
        #expect(build.status == 73 && build.errors.contains("holds a report site, not a built part"), "\(build.errors)")
        let report = try Shell.run(#""$T" "$S" --output P --quiet"#, in: folder)
        #expect(report.status == 73 && report.errors.contains("holds a partition folder, not a report site"), "\(report.errors)")
        #expect(try FileManagerListing.tree(folder) == before)
        // The same kind is replaced: a site by a site, a partition folder by a partition run.
        #expect(try Shell.run(#""$T" "$S/checkout.jsonl" --output site --quiet"#, in: folder).status == 0)
        #expect(try Shell.run(#""$T" partition "$S" --partitions 3 --output P --quiet"#, in: folder).status == 0)
    }

    @Test func tracePagesReplaceOnlyTracePages() throws {
        try #require(FileManager.default.isExecutableFile(atPath: CommandLineStagesTests.binary.path))
        let folder = try Fixtures.temporaryDirectory("refuse-trace")
        let id = "4bf92f3577b34da6a3ce929d0e0e4736"
        try FileManager.default.copyItem(
            at: Fixtures.repositoryRoot.appendingPathComponent("samples/checkout.jsonl"), to: folder.appendingPathComponent("in.jsonl"))
        try "minutes of the incident".write(to: folder.appendingPathComponent("notes.html"), atomically: true, encoding: .utf8)
        let before = try FileManagerListing.tree(folder)
        let notes = try Shell.run(#""$T" trace --trace-id \#(id) in.jsonl --output notes.html --quiet"#, in: folder)
        #expect(notes.status == 73 && notes.errors.contains("is not a page tracereport wrote"), "\(notes.errors)")
        let input = try Shell.run(#""$T" trace --trace-id \#(id) in.jsonl --output in.jsonl --force --quiet"#, in: folder)
        #expect(input.status == 73 && input.errors.contains("is an input of this run"), "\(input.errors)")
        #expect(try FileManagerListing.tree(folder) == before)
        // Its own page is replaced, and a page killed mid-write by an earlier version is removed.
        try "half".write(to: folder.appendingPathComponent(".page.html.partial-999999"), atomically: true, encoding: .utf8)
        #expect(try Shell.run(#""$T" trace --trace-id \#(id) in.jsonl --output page.html --quiet"#, in: folder).status == 0)
        #expect(try Shell.run(#""$T" trace --trace-id \#(id) in.jsonl --output page.html --quiet"#, in: folder).status == 0)
        #expect(try FileManagerListing.allNames(in: folder) == ["in.jsonl", "notes.html", "page.html"])
    }

    @Test func aSiteInsideAnInputFolderIsNotReadAsInput() throws {
        try #require(FileManager.default.isExecutableFile(atPath: CommandLineStagesTests.binary.path))
        let folder = try Fixtures.temporaryDirectory("output-in-input")
        let run = try Shell.run(
            #"mkdir in && cp "$S/checkout.jsonl" in/ && "$T" in --output in/site --quiet && "$T" in --output in/site --quiet"#, in: folder)
        #expect(run.status == 0, "\(run.errors)")
        let summary =
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("in/site/summary.json")))
            as! [String: Any]
        #expect((summary["inputs"] as! [[String: Any]]).map { $0["path"] as! String } == ["in/checkout.jsonl"])
    }

    @Test func inputsWithoutSpansKeepThePreviousSiteUnlessAllowed() throws {
        try #require(FileManager.default.isExecutableFile(atPath: CommandLineStagesTests.binary.path))
        let folder = try Fixtures.temporaryDirectory("empty-night")
        #expect(try Shell.run(#""$T" "$S/checkout.jsonl" --output site --quiet && : > empty.jsonl"#, in: folder).status == 0)
        let before = try FileManagerListing.tree(folder.appendingPathComponent("site"))
        let refused = try Shell.run(#""$T" empty.jsonl --output site --quiet"#, in: folder)
        #expect(refused.status == 65 && refused.errors.contains("--allow-empty"), "\(refused.errors)")
        #expect(try FileManagerListing.tree(folder.appendingPathComponent("site")) == before)
        #expect(try Shell.run(#""$T" empty.jsonl --output site --quiet --allow-empty"#, in: folder).status == 0)
        #expect(try FileManagerListing.tree(folder.appendingPathComponent("site")) != before)
    }

    @Test func whatEarlierRunsLeftIsRemovedWhateverTheirProcessID() throws {
        try #require(FileManager.default.isExecutableFile(atPath: CommandLineStagesTests.binary.path))
        let folder = try Fixtures.temporaryDirectory("leftovers")
        // A previous site left aside and a staging folder by runs killed (as process 999999, and
        // in this version's names), and a spilled run's work folder.
        let run = try Shell.run(
            #"""
            "$T" "$S/checkout.jsonl" --output site --quiet && cp -a site .site.old-999999 && cp -a site .site.partial-999999 \
              && cp -a site .site.tracereport-staging-1f && cp -a site .site.tracereport-old-2e && mkdir ..site.spill.partial-999999 \
              && : > .site.tracereport-lock && "$T" "$S/checkout.jsonl" --output site --quiet
            """#, in: folder)
        #expect(run.status == 0, "\(run.errors)")
        #expect(try FileManagerListing.allNames(in: folder) == ["site"])
        // A site a kill left aside between two renames (where the file system cannot exchange)
        // is put back as the next run begins, even one that then publishes nothing.
        let before = try FileManagerListing.tree(folder.appendingPathComponent("site"))
        let restored = try Shell.run(
            #"mv site .site.tracereport-old-3d && : > empty.jsonl && "$T" empty.jsonl --output site --quiet"#, in: folder)
        #expect(restored.status == 65, "\(restored.errors)")
        #expect(try FileManagerListing.tree(folder.appendingPathComponent("site")) == before)
        #expect(try FileManagerListing.allNames(in: folder) == ["empty.jsonl", "site"])
    }
}
