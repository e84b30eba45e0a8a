import Foundation
import SpanRecords
import TestSupport
import Testing

/// Stage files protect themselves: a flipped bit in a partition file or a `part.json` is found,
/// and `merge` refuses parts of different partition runs, naming the part that does not fit.
struct StageFileIntegrityTests {
    /// Two partition runs over different inputs, each partition of the first built.
    func stages(in folder: URL) throws {
        let script = #"""
            "$T" partition "$S" --partitions 2 --output P1 --quiet && "$T" partition "$S/checkout.jsonl" --partitions 2 --output P2 --quiet \
              && "$T" build --partition P1/part-00000-of-00002.trspans --output B0 --quiet \
              && "$T" build --partition P1/part-00001-of-00002.trspans --output B1 --quiet \
              && "$T" build --partition P2/part-00001-of-00002.trspans --output C1 --quiet \
              && "$T" merge P1 B0 B1 --output site --quiet
            """#
        let run = try Shell.run(script, in: folder)
        try #require(run.status == 0, "\(run.errors)")
    }

    @Test func mergeRefusesPartsOfOtherPartitionRuns() throws {
        try #require(FileManager.default.isExecutableFile(atPath: CommandLineStagesTests.binary.path))
        let folder = try Fixtures.temporaryDirectory("stage-runs")
        try stages(in: folder)
        for (arguments, says) in [
            ("P1 B0 C1", "C1: was built from other partition runs than"),
            ("B0 C1", "C1: was built from other partition runs than"),
            ("P2 B0 B1", "P2/partitions.json: is of partition run"),
            ("P1 P2 B0 B1", "P2/partitions.json: is of partition run"),
        ] {
            let run = try Shell.run(#""$T" merge \#(arguments) --output mixed --quiet"#, in: folder)
            #expect(run.status == 66 && run.errors.contains(says), "merge \(arguments): \(run.errors)")
        }
        // A partition file swapped for another run's, its header made to match: its span count
        // gives it away.
        let ours = try Data(contentsOf: folder.appendingPathComponent("P1/part-00001-of-00002.trspans"))
        var other = try Data(contentsOf: folder.appendingPathComponent("P2/part-00001-of-00002.trspans"))
        other.replaceSubrange(SpanRecordFormat.identityRange, with: ours[SpanRecordFormat.identityRange])
        try other.write(to: folder.appendingPathComponent("P1/part-00001-of-00002.trspans"))
        let swapped = try Shell.run(
            #""$T" build --partition P1/part-00001-of-00002.trspans --output D1 --quiet && "$T" merge P1 B0 D1 --output mixed --quiet"#,
            in: folder)
        #expect(swapped.status == 66 && swapped.errors.contains("the partition file was damaged or replaced"), "\(swapped.errors)")
    }

    /// Thirty seeded bit flips anywhere in a partition file, a `part.json` and a
    /// `partitions.json`: each is refused by `build` or `merge`, none gives a site.
    @Test(arguments: [
        (
            "P1/part-00000-of-00002.trspans",
            #""$T" build --partition P1/part-00000-of-00002.trspans --output X --quiet && "$T" merge P1 X B1 --output flipped --quiet"#
        ),
        ("B0/part.json", #""$T" merge P1 B0 B1 --output flipped --quiet"#),
        ("P1/partitions.json", #""$T" merge P1 B0 B1 --output flipped --quiet"#),
    ])
    func everyFlippedBitIsFound(_ file: String, _ script: String) throws {
        try #require(FileManager.default.isExecutableFile(atPath: CommandLineStagesTests.binary.path))
        let folder = try Fixtures.temporaryDirectory("stage-flips")
        try stages(in: folder)
        let original = try Data(contentsOf: folder.appendingPathComponent(file))
        var random = SplitMix64(seed: UInt64(file.utf8.count))
        for trial in 0..<30 {
            var damaged = original
            let bit = Int(random.next(below: UInt64(damaged.count * 8)))
            damaged[bit / 8] ^= 1 << UInt8(bit % 8)
            try damaged.write(to: folder.appendingPathComponent(file))
            let run = try Shell.run("rm -rf X flipped && " + script, in: folder)
            #expect(run.status != 0 && !run.errors.isEmpty, "flip \(trial) of bit \(bit) in \(file) went unnoticed")
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("flipped").path))
        }
    }
}
