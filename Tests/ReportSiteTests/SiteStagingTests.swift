import Foundation
import TestSupport
import Testing
import TraceModel
import XMLValidation

@testable import ReportSite

struct SiteStagingTests {
    @Test func replacesAnEarlierSiteWhole() throws {
        let output = try Fixtures.temporaryDirectory("replace").appendingPathComponent("report")
        _ = try buildSite([SpanBuilder.span(trace: 1, id: 1, start: 0, end: 1)], into: output)
        _ = try buildSite([SpanBuilder.span(trace: 2, id: 1, start: 0, end: 1)], into: output)
        let pages = try FileManagerListing.names(in: output.appendingPathComponent("traces"))
        #expect(pages == ["000000000000abcd0000000000000002.html"])
        // No staging or old folders are left beside the site.
        #expect(try FileManagerListing.allNames(in: output.deletingLastPathComponent()) == ["report"])
    }

    @Test func refusesToReplaceAFolderItDidNotWrite() throws {
        let output = try Fixtures.temporaryDirectory("refuse")
        try "keep me".write(to: output.appendingPathComponent("thesis.tex"), atomically: true, encoding: .utf8)
        #expect(throws: ReportError.self) { try buildSite([SpanBuilder.span(id: 1, start: 0, end: 1)], into: output) }
        #expect(try FileManagerListing.names(in: output) == ["thesis.tex"])
    }

    @Test func aChartFailingValidationPublishesNothing() throws {
        let output = try Fixtures.temporaryDirectory("invalid").appendingPathComponent("report")
        _ = try buildSite([SpanBuilder.span(trace: 1, id: 1, start: 0, end: 1)], into: output)
        let before = try FileManagerListing.tree(output)
        // A grammar that accepts no chart stands in for a chart-drawing bug.
        let rejectAll = try RelaxNGValidator(
            schema: """
                <grammar xmlns="http://relaxng.org/ns/structure/1.0"><start><element name="none"><empty/></element></start></grammar>
                """)
        let builder = ReportBuilder(templates: try TemplateSet(), validator: rejectAll)
        let error = #expect(throws: ReportError.self) {
            try builder.build(
                traces: TraceAssemblerHelper.traces([SpanBuilder.span(trace: 2, id: 1, start: 0, end: 1)]),
                inputs: [], output: output)
        }
        #expect(error?.description.contains("failed SVG validation") == true)
        #expect(try FileManagerListing.tree(output) == before)
        #expect(try FileManagerListing.allNames(in: output.deletingLastPathComponent()) == ["report"])
    }
}
