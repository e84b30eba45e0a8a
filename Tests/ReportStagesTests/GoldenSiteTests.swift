import Foundation
import ReportRun
import ReportSite
import ReportStages
import TestSupport
import Testing
import TraceAssembly
import TraceImport
import TraceModel

/// Every page type and chart, as `tracereport samples` writes them, held against the files in
/// `Tests/Golden/`: the index, the trace list, the services and health pages, a page per service
/// (service graph, histogram), a page per trace (waterfall, trace graph, tables, span details),
/// `summary.json`, and an incident page (`tracereport trace`). A page's inline style and script
/// are held as their length and hash: they are the files in `Templates/`.
///
/// After an intended change: `TRACEREPORT_RECORD_GOLDEN=1 swift test --filter GoldenSiteTests`,
/// read `git diff Tests/Golden`, and commit it. Recording fails the run, so that a recording
/// left switched on cannot pass.
struct GoldenSiteTests {
    static let folder = Fixtures.repositoryRoot.appendingPathComponent("Tests/Golden/samples")
    static let recording = ProcessInfo.processInfo.environment["TRACEREPORT_RECORD_GOLDEN"] == "1"

    @Test func theSamplesSiteIsTheGoldenOne() throws {
        let output = try Fixtures.temporaryDirectory("golden").appendingPathComponent("site")
        let templates = try TemplateSet()
        var settings = BuildSettings()
        settings.templates = templates.fingerprint
        let samples = Fixtures.repositoryRoot.appendingPathComponent("samples").path
        _ = try ReportRun.run(.init(inputs: [samples], settings: settings, templates: templates, output: output), events: SilentRun())
        var files: [String: String] = [:]
        for (path, data) in try FileManagerListing.tree(output) where path != "/" + OutputFolder.markerName {
            files["site" + path] = String(decoding: data, as: UTF8.self)
        }
        // The incident page of the failing checkout, as `tracereport trace --trace-id 0af7` writes it.
        var spans: [Span] = []
        _ = try SpanFileReader().read(samples + "/checkout.jsonl", into: &spans)
        let failing = try #require(TraceAssembler().assemble(spans).first { $0.traceID.hex.hasPrefix("0af7") })
        files["incident.html"] = try ReportBuilder(templates: templates).incidentPage(failing, path: "incident.html")
        // The inputs as `tracereport samples` names them, wherever the clone is.
        try Self.check(files.mapValues { Self.normalized($0).replacingOccurrences(of: Fixtures.repositoryRoot.path + "/", with: "") })
    }

    /// `files` (relative path to text) against the golden folder: the same names, the same text.
    static func check(_ files: [String: String]) throws {
        // Each as `<path>.golden`: generated text, not source.
        let recorded = Set(try FileManagerListing.tree(folder).keys.map { String($0.dropFirst().dropLast(".golden".count)) })
        if recording {
            try? FileManager.default.removeItem(at: folder)
            for (path, text) in files {
                let url = folder.appendingPathComponent(path + ".golden")
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(text.utf8).write(to: url)
            }
            Issue.record(
                "recorded \(files.count) golden files in Tests/Golden/samples; read git diff Tests/Golden, then run again without TRACEREPORT_RECORD_GOLDEN"
            )
            return
        }
        let howToRecord =
            "if the change is intended: TRACEREPORT_RECORD_GOLDEN=1 swift test --filter GoldenSiteTests, then read git diff Tests/Golden"
        #expect(recorded == Set(files.keys), "pages made and golden pages differ; \(howToRecord)")
        for (path, text) in files.sorted(by: { $0.key < $1.key }) where recorded.contains(path) {
            let golden = try String(contentsOf: folder.appendingPathComponent(path + ".golden"), encoding: .utf8)
            guard golden != text else { continue }
            let (found, expected) = (
                text.split(separator: "\n", omittingEmptySubsequences: false),
                golden.split(separator: "\n", omittingEmptySubsequences: false)
            )
            let line = zip(found, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(found.count, expected.count)
            // Around the first character that differs (a chart is one long line).
            let (now, was) = (line < found.count ? Array(found[line]) : [], line < expected.count ? Array(expected[line]) : [])
            let column = zip(now, was).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(now.count, was.count)
            let window = max(0, column - 80)..<(column + 160)
            Issue.record(
                """
                \(path) differs from Tests/Golden/samples/\(path).golden at line \(line + 1), column \(column + 1):
                  golden: \(String(was[window.clamped(to: 0..<was.count)]))
                  now:    \(String(now[window.clamped(to: 0..<now.count)]))
                \(howToRecord)
                """)
        }
    }

    /// `page` with the bodies of its inline style and scripts (not its JSON data) replaced by
    /// their length and FNV-1a hash.
    static func normalized(_ page: String) -> String {
        var result = ""
        var rest = page[...]
        while let open = [rest.range(of: "<style>"), rest.range(of: "<script>")].compactMap({ $0 }).min(by: {
            $0.lowerBound < $1.lowerBound
        }) {
            let tag = rest[open].dropFirst().dropLast()
            guard let close = rest.range(of: "</\(tag)>", range: open.upperBound..<rest.endIndex) else { break }
            let body = rest[open.upperBound..<close.lowerBound]
            let hash = String(FNV1a.hash(Array(body.utf8)), radix: 16)
            result += rest[..<open.upperBound] + "/* \(body.utf8.count) bytes, FNV-1a \(hash) */"
            rest = rest[close.lowerBound...]
        }
        return result + rest
    }
}
