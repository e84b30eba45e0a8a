import Foundation
import TestSupport
import Testing
import TraceAssembly
import TraceImport
import TraceModel

@testable import ReportSite

/// Resource limits on hostile input, and file names that cannot leave the output folder.
struct LimitsTests {
    @Test func longValuesAreCutOnPagesWithTheirLengthShown() throws {
        let long = String(repeating: "é", count: 3_000) + String(repeating: "x", count: 10_000_000)
        let span = SpanBuilder.span(id: 1, start: 0, end: 1, attributes: [Attribute(key: "sql", value: .string(long))])
        let site = try buildSite([span])
        let page = try String(contentsOf: site.appendingPathComponent("traces/\(span.traceID).html"), encoding: .utf8)
        #expect(page.contains("… [cut: \(long.utf8.count) bytes in all]"))
        #expect(page.utf8.count < 200_000)
        #expect(SpanDetailsHTML.shortened("short") == "short")
        // The cut never splits a character.
        #expect(SpanDetailsHTML.shortened(String(repeating: "é", count: 5_000)).hasPrefix(String(repeating: "é", count: 2_048) + "…"))
    }

    @Test func aSpanWithAMillionAttributesListsTheFirstThousand() throws {
        let attributes = (0..<1_000_000).map { Attribute(key: "k\($0)", value: .int(Int64($0))) }
        let span = SpanBuilder.span(id: 1, start: 0, end: 1, attributes: attributes)
        let page = try String(contentsOf: buildSite([span]).appendingPathComponent("traces/\(span.traceID).html"), encoding: .utf8)
        #expect(page.contains("k999 = 999") && !page.contains("k1000 = 1000"))
        #expect(page.contains("… [999000 more not shown]"))
    }

    @Test func aRunawayTraceKeepsItsEarliestSpansWithAWarning() {
        let spans = (1...50).map { SpanBuilder.span(id: UInt64($0), parent: $0 == 1 ? 0 : 1, start: UInt64($0), end: 100) }
        let trace = TraceAssembler(options: AssemblyOptions(maximumSpansPerTrace: 10)).assemble(spans)[0]
        #expect(trace.spans.count == 10)
        #expect(Set(trace.spans.map(\.spanID.value)) == Set(1...10))
        #expect(trace.warnings.contains { $0.contains("50 spans") && $0.contains("--max-spans-per-trace") })
    }

    @Test func aSymlinkPlantedInThePublishedSiteLeadsNowhere() throws {
        let folder = try Fixtures.temporaryDirectory("symlink")
        let output = folder.appendingPathComponent("report")
        _ = try buildSite([SpanBuilder.span(trace: 1, id: 1, start: 0, end: 1)], into: output)
        // Someone swaps the published traces folder for a link to a folder of their choosing.
        let elsewhere = folder.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.removeItem(at: output.appendingPathComponent("traces"))
        try FileManager.default.createSymbolicLink(at: output.appendingPathComponent("traces"), withDestinationURL: elsewhere)
        _ = try buildSite([SpanBuilder.span(trace: 2, id: 1, start: 0, end: 1)], into: output)
        // The new site is written into a fresh folder and renamed into place: nothing goes through the link.
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).isEmpty)
        let traces = output.appendingPathComponent("traces")
        #expect(try traces.resourceValues(forKeys: [.isSymbolicLinkKey]).isSymbolicLink == false)
        #expect(try FileManager.default.contentsOfDirectory(atPath: traces.path) == ["000000000000abcd0000000000000002.html"])
    }

    @Test func pageNamesComeFromParsedIdsNotFromTheInput() throws {
        // A Jaeger trace id that is a path: read (hashed, with a warning), but never a file name.
        let document =
            #"{"data":[{"traceID":"../../../tmp/evil","spans":[{"traceID":"../../../tmp/evil","spanID":"1","operationName":"op","startTime":1,"duration":1,"processID":"p1"}],"processes":{"p1":{"serviceName":"svc"}}}]}"#
        var spans: [Span] = []
        _ = try Array(document.utf8).withUnsafeBytes { try JaegerJSONDecoder().decode($0, file: "evil.json", into: &spans) }
        #expect(spans[0].warnings.contains { $0.contains("not hex") })
        let site = try buildSite(spans)
        let pages = try FileManager.default.contentsOfDirectory(atPath: site.appendingPathComponent("traces").path)
        #expect(
            pages.count == 1 && pages[0].count == 37
                && pages[0].allSatisfy { $0.isHexDigit || $0 == "." || $0 == "h" || $0 == "t" || $0 == "m" || $0 == "l" })
        #expect(!FileManager.default.fileExists(atPath: "/tmp/evil.html"))
    }
}
