import Foundation
import Testing
import XMLValidation

struct SVGValidatorTests {
    let validator = SVGValidator.shared

    func svg(_ body: String, size: String = #"width="10" height="10" viewBox="0 0 10 10""#) -> String {
        #"<svg xmlns="http://www.w3.org/2000/svg" \#(size)>\#(body)</svg>"#
    }

    func messages(_ document: String) -> [String] {
        let error = #expect(throws: SVGValidationError.self) { try validator.validate(document) }
        return error?.messages ?? []
    }

    @Test func acceptsTheSubsetTheChartsUse() throws {
        try validator.validate(
            svg(
                #"<title>t</title><g class="row err" id="w1"><title>x</title><rect class="c1" x="1.5" y="-2" width="3" height="4"/><line x1="0" y1="0" x2="1" y2="1"/><text x="1" y="2">&lt;b&gt;</text></g>"#
            ))
    }

    @Test func rejectsBadNestingWithLibxml2sMessage() {
        let found = messages(svg(#"<g><rect x="1" y="1" width="1" height="1"></g></rect>"#))
        #expect(found.contains { $0.contains("chart.svg:1:") && $0.contains("mismatch") })
    }

    @Test(arguments: ["NaN", "INF", "-INF", "1e3", ""])
    func rejectsNonDecimalCoordinates(_ value: String) {
        let found = messages(svg(#"<rect x="\#(value)" y="0" width="1" height="1"/>"#))
        #expect(found.contains { $0.contains("element rect") }, "\(found)")
    }

    @Test func acceptsPathsOfCommandsAndDecimals() throws {
        try validator.validate(svg(#"<path d="M 1 2 C 3.5 4 5 -6 7 8 L 9 10 Z"/>"#))
    }

    @Test(arguments: ["M NaN 2", "M 1 2 X 3", "M1 2", "M 1e3 2", "M 1 2; url(x)"])
    func rejectsOtherPaths(_ path: String) {
        #expect(!messages(svg(#"<path d="\#(path)"/>"#)).isEmpty)
    }

    @Test func rejectsNegativeSizes() {
        #expect(!messages(svg(#"<rect x="0" y="0" width="-1" height="1"/>"#)).isEmpty)
    }

    @Test func rejectsUnknownElementsAndAttributes() {
        #expect(messages(svg(#"<foreignObject/>"#)).contains { $0.contains("foreignObject") })
        #expect(messages(svg(#"<script>alert(1)</script>"#)).contains { $0.contains("script") })
        #expect(!messages(svg(#"<rect x="0" y="0" width="1" height="1" onclick="alert(1)"/>"#)).isEmpty)
    }

    @Test func rejectsEntitiesAndDoctypes() {
        let xxe =
            #"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>"#
            + svg(#"<text x="0" y="0">&x;</text>"#)
        #expect(messages(xxe).contains { $0.contains("DOCTYPE") })
    }

    @Test func rejectsTheWrongNamespace() {
        #expect(!messages(#"<svg width="1" height="1" viewBox="0 0 1 1"/>"#).isEmpty)
    }

    @Test func bundledSchemaMatchesTheFileInTheRepository() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let onDisk = try String(contentsOf: root.appendingPathComponent("Schemas/svg-subset.rng"), encoding: .utf8)
        #expect(SVGValidator.bundledSchema == onDisk)
    }

    @Test func reportsAnInvalidGrammar() {
        #expect(throws: SVGValidationError.self) { try SVGValidator(schema: "<grammar/>") }
    }
}
