import Foundation
import TestSupport
import Testing

/// The command line on inputs a shell hands it: names that are not UTF-8, process substitution,
/// an endless device. Run through `sh`, as a user would, with the binary `swift test` built.
struct CommandLineInputsTests {
    func summary(_ folder: URL) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("site/summary.json"))) as! [String: Any]
    }

    @Test func aFileNameThatIsNotUTF8IsReadByItsOwnBytes() throws {
        try #require(FileManager.default.isExecutableFile(atPath: CommandLineStagesTests.binary.path))
        let folder = try Fixtures.temporaryDirectory("cli-names")
        let run = try Shell.run(
            #"cp "$S/checkout.jsonl" "$(printf 'caf\351.jsonl')" && "$T" "$(printf 'caf\351.jsonl')" --output site --quiet"#, in: folder)
        #expect(run.status == 0, "\(run.errors)")
        let inputs = try summary(folder)["inputs"] as! [[String: Any]]
        #expect(inputs.map { $0["path"] as! String } == ["caf\\xE9.jsonl"] && (inputs[0]["spans"] as! Int) > 0)
    }

    @Test func processSubstitutionIsReadOnce() throws {
        try #require(FileManager.default.isExecutableFile(atPath: CommandLineStagesTests.binary.path))
        let folder = try Fixtures.temporaryDirectory("cli-pipe")
        let run = try Shell.run(#""$T" <(cat "$S/checkout.jsonl") <(gzip -c "$S/more-checkouts.jsonl") --output site --quiet"#, in: folder)
        #expect(run.status == 0, "\(run.errors)")
        let totals = try summary(folder)["totals"] as! [String: Any]
        #expect(totals["traces"] as? Int == 5 && totals["spans"] as? Int == 40, "the files read directly give the same")
    }

    @Test func anEndlessDeviceEndsTheRunWithAClearMessage() throws {
        try #require(FileManager.default.isExecutableFile(atPath: CommandLineStagesTests.binary.path))
        let folder = try Fixtures.temporaryDirectory("cli-zero")
        let run = try Shell.run(#"timeout 20 "$T" /dev/zero --output site --quiet"#, in: folder)
        #expect(run.status == 65, "\(run.errors)")
        #expect(run.errors.contains("/dev/zero") && run.errors.contains("not a recognised span export"))
    }

    /// A trap (here SIGILL sent while the run waits on a FIFO no one writes) ends the process at
    /// once with one line, and nothing it started keeps the caller's pipe open.
    @Test func aTrapEndsTheRunAndReleasesThePipesAtOnce() throws {
        try #require(FileManager.default.isExecutableFile(atPath: CommandLineStagesTests.binary.path))
        let folder = try Fixtures.temporaryDirectory("cli-trap")
        let script = #"""
            mkfifo never-written
            started=$(date +%s%N)
            { "$T" never-written --output site & echo $! > pid; } 2>&1 | { sleep 1; kill -ILL "$(cat pid)"; cat; } > said
            echo "$(( ($(date +%s%N) - started) / 1000000 ))" > milliseconds
            """#
        let run = try Shell.run("timeout 60 bash -c '\(script)'", in: folder)
        #expect(run.status == 0, "\(run.errors)")
        let milliseconds = try Int(
            String(contentsOf: folder.appendingPathComponent("milliseconds"), encoding: .utf8).trimmingCharacters(
                in: .whitespacesAndNewlines))
        #expect(milliseconds.map { $0 < 5000 } == true, "the pipe closed after \(milliseconds ?? -1) ms")
        let said = try String(contentsOf: folder.appendingPathComponent("said"), encoding: .utf8)
        #expect(said.contains("internal error: the run stopped on a trap"), "\(said)")
    }

    /// A span that cannot be read costs that span: the run goes on, exits 1, and says what was
    /// dropped and where in its warning, on the index (beside that input only), on the health page
    /// and in summary.json.
    @Test func aDroppedRecordIsNamedEverywhereAndOnlyForItsInput() throws {
        try #require(FileManager.default.isExecutableFile(atPath: CommandLineStagesTests.binary.path))
        let folder = try Fixtures.temporaryDirectory("cli-dropped")
        let broken = #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"zz","spanId":"0123456789abcdef","name":"x"}]}]}]}"#
        let run = try Shell.run(
            #"cp "$S/checkout.jsonl" a.jsonl && echo '\#(broken)' >> a.jsonl && "$T" a.jsonl "$S/checkout-zipkin.json" --output site --quiet"#,
            in: folder)
        #expect(run.status == 1)
        #expect(
            run.errors.contains(#"a.jsonl: invalid traceId "zz""#) && run.errors.contains("span dropped (at line 13, column 55)"),
            "\(run.errors)")
        let index = try String(contentsOf: folder.appendingPathComponent("site/index.html"), encoding: .utf8)
        #expect(index.contains(#"a.jsonl<div class="note"><a href="health.html#dropped-records">1 record dropped</a></div>"#))
        #expect(index.components(separatedBy: #"<div class="note">"#).count == 2, "no note beside the input read whole")
        let health = try String(contentsOf: folder.appendingPathComponent("site/health.html"), encoding: .utf8)
        #expect(health.contains(#"<section class="finding" id="dropped-records">"#) && health.contains("line 13, column 55"))
        let inputs = try summary(folder)["inputs"] as! [[String: Any]]
        #expect(inputs.map { $0["droppedRecords"] as? Int } == [1, nil] && inputs.map { $0["spans"] as? Int } == [26, 9])
    }
}
