import Foundation
import ReportSite
import ReportStages
import TestSupport
import Testing
import TraceAnalysis
import TraceImport
import TraceModel

/// A part.json damaged in any number (a duration, a count, a start, a sketch's bucket, a store
/// offset) is refused by merge with the file named, or merged into a site: never a trap.
struct DamagedPartTests {
    /// The byte ranges of the numbers in JSON `text`, each with the key it belongs to (the
    /// last key before it), strings skipped.
    static func numbers(in text: [UInt8]) -> [(range: Range<Int>, key: String)] {
        var found: [(Range<Int>, String)] = []
        var key = ""
        var index = 0
        while index < text.count {
            let byte = text[index]
            if byte == UInt8(ascii: "\"") {
                var end = index + 1
                while text[end] != UInt8(ascii: "\"") { end += text[end] == UInt8(ascii: "\\") ? 2 : 1 }
                var after = end + 1
                while after < text.count, text[after] == UInt8(ascii: " ") { after += 1 }
                if after < text.count, text[after] == UInt8(ascii: ":") { key = String(decoding: text[(index + 1)..<end], as: UTF8.self) }
                index = end + 1
            } else if byte == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                var end = index + 1
                while end < text.count, !",]} \n".utf8.contains(text[end]) { end += 1 }
                found.append((index..<end, key))
                index = end
            } else {
                index += 1
            }
        }
        return found
    }

    @Test func everyNumberOfAPartAtItsExtremesIsRefusedOrMerged() throws {
        let folder = try Fixtures.temporaryDirectory("damaged-part")
        let parts = folder.appendingPathComponent("parts")
        let samples = try InputFiles.expand([Fixtures.repositoryRoot.appendingPathComponent("samples").path])
        _ = try PartitionStage.run(paths: samples, format: nil, workers: 1, partitions: 1, output: parts, force: false)
        var settings = BuildSettings()
        let templates = try TemplateSet()
        settings.templates = templates.fingerprint
        settings.selection.percentiles = false  // so that merge draws pages from the kept spans too
        let build = folder.appendingPathComponent("build")
        _ = try BuildStage.run(
            partitionFiles: [parts.appendingPathComponent(PartitionScheme.fileName(0, of: 1)).path], settings: settings,
            templates: templates, output: build, force: false, workers: 1, drawingCandidates: false)
        let summary = build.appendingPathComponent(PartSummary.fileName)
        let original = try [UInt8](Data(contentsOf: summary))
        // The first number of each key (a trace's duration, a sketch's count, a store offset...)
        // and every eighth of the others.
        var seen = Set<String>()
        let places = Self.numbers(in: original).enumerated().filter { seen.insert($0.element.key).inserted || $0.offset % 8 == 0 }
        #expect(seen.count > 20, "\(seen.sorted())")
        let extremes = ["-1", "0", "\(UInt64.max)", "\(Int64.max)", "\(1 << 48)", "1e300", "4294967296"]
        var outcomes = [String: Int]()
        for (_, place) in places {
            for extreme in extremes {
                var damaged = original
                damaged.replaceSubrange(place.range, with: extreme.utf8)
                try Data(damaged).write(to: summary)
                do {
                    let merge = try MergeStage(paths: [parts.path, build.path], templates: templates)
                    _ = try merge.write(to: folder.appendingPathComponent("site"), templates: templates, site: ReportBuilder.Options())
                    outcomes["merged", default: 0] += 1
                } catch {
                    #expect(error.description.contains(build.path), "\(place.key) = \(extreme): \(error)")
                    outcomes["refused", default: 0] += 1
                }
            }
        }
        try Data(original).write(to: summary)
        #expect(outcomes["refused", default: 0] > 0 && outcomes["merged", default: 0] > 0, "\(outcomes)")
    }
}
