import Foundation
import Synchronization
import Testing
import XMLValidation

/// The two validators: the streaming one the site uses, and the RELAX NG oracle.
enum ValidatorKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case streaming, relaxNG

    var validator: any SVGValidating {
        switch self {
        case .streaming: SVGValidator()
        case .relaxNG: RelaxNGValidator.bundled
        }
    }

    var testDescription: String { rawValue }
}

/// Every case runs on both validators.
struct SVGValidatorTests {
    func svg(_ body: String, size: String = #"width="10" height="10" viewBox="0 0 10 10""#) -> String {
        #"<svg xmlns="http://www.w3.org/2000/svg" \#(size)>\#(body)</svg>"#
    }

    func messages(_ document: String, _ kind: ValidatorKind) -> [String] {
        let error = #expect(throws: SVGValidationError.self) { try kind.validator.validate(document) }
        return error?.messages ?? []
    }

    @Test(arguments: ValidatorKind.allCases)
    func acceptsTheSubsetTheChartsUse(_ kind: ValidatorKind) throws {
        try kind.validator.validate(
            svg(
                #"<title>t</title><g class="row err" id="w1"><title>x</title><rect class="c1" x="1.5" y="-2" width="3" height="4"/><line x1="0" y1="0" x2="1" y2="1"/><text x="1" y="2">&lt;b&gt;</text></g>"#
            ))
    }

    @Test(arguments: ValidatorKind.allCases)
    func rejectsBadNestingWithLibxml2sMessage(_ kind: ValidatorKind) {
        let found = messages(svg(#"<g><rect x="1" y="1" width="1" height="1"></g></rect>"#), kind)
        #expect(found.contains { $0.contains("chart.svg:1:") && $0.contains("mismatch") })
    }

    @Test(arguments: ValidatorKind.allCases, ["NaN", "INF", "-INF", "1e3", ""])
    func rejectsNonDecimalCoordinates(_ kind: ValidatorKind, _ value: String) {
        let found = messages(svg(#"<rect x="\#(value)" y="0" width="1" height="1"/>"#), kind)
        #expect(found.contains { $0.contains("element rect") }, "\(found)")
    }

    @Test(arguments: ValidatorKind.allCases)
    func acceptsPathsOfCommandsAndDecimals(_ kind: ValidatorKind) throws {
        try kind.validator.validate(svg(#"<path d="M 1 2 C 3.5 4 5 -6 7 8 L 9 10 Z"/>"#))
    }

    @Test(arguments: ValidatorKind.allCases, ["M NaN 2", "M 1 2 X 3", "M1 2", "M 1e3 2", "M 1 2; url(x)"])
    func rejectsOtherPaths(_ kind: ValidatorKind, _ path: String) {
        #expect(!messages(svg(#"<path d="\#(path)"/>"#), kind).isEmpty)
    }

    @Test(arguments: ValidatorKind.allCases)
    func rejectsNegativeSizes(_ kind: ValidatorKind) {
        #expect(!messages(svg(#"<rect x="0" y="0" width="-1" height="1"/>"#), kind).isEmpty)
    }

    @Test(arguments: ValidatorKind.allCases)
    func rejectsUnknownElementsAndAttributes(_ kind: ValidatorKind) {
        #expect(messages(svg(#"<foreignObject/>"#), kind).contains { $0.contains("foreignObject") })
        #expect(messages(svg(#"<script>alert(1)</script>"#), kind).contains { $0.contains("script") })
        #expect(!messages(svg(#"<rect x="0" y="0" width="1" height="1" onclick="alert(1)"/>"#), kind).isEmpty)
    }

    @Test(arguments: ValidatorKind.allCases)
    func rejectsEntitiesAndDoctypes(_ kind: ValidatorKind) {
        let xxe =
            #"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>"#
            + svg(#"<text x="0" y="0">&x;</text>"#)
        #expect(messages(xxe, kind).contains { $0.contains("DOCTYPE") })
    }

    @Test(arguments: ValidatorKind.allCases)
    func rejectsTheWrongNamespace(_ kind: ValidatorKind) {
        #expect(!messages(#"<svg width="1" height="1" viewBox="0 0 1 1"/>"#, kind).isEmpty)
    }

    @Test(arguments: ValidatorKind.allCases)
    func rejectsTextOutsideTextAndTitle(_ kind: ValidatorKind) {
        #expect(!messages(svg(#"<g>stray</g>"#), kind).isEmpty)
        #expect(!messages(svg(#"<g><![CDATA[stray]]></g>"#), kind).isEmpty)
    }

    @Test(arguments: ValidatorKind.allCases)
    func rejectsATitleAfterOtherChildren(_ kind: ValidatorKind) {
        #expect(!messages(svg(#"<g><line x1="0" y1="0" x2="1" y2="1"/><title>late</title></g>"#), kind).isEmpty)
    }

    @Test func streamingMessagesNameTheLineElementAndAttribute() {
        let found = messages(svg("<g>\n<rect x=\"NaN\" y=\"0\" width=\"1\" height=\"1\"/></g>"), .streaming)
        #expect(found == ["chart.svg:2: element rect: attribute x: 'NaN' is not a valid value"])
    }

    @Test func validatesFromManyThreadsAtOnce() {
        let good = svg(#"<rect x="1" y="1" width="1" height="1"/>"#)
        let bad = svg(#"<rect x="1" y="1" width="-1" height="1"/>"#)
        let verdicts = Mutex([Bool](repeating: false, count: 400))
        DispatchQueue.concurrentPerform(iterations: 400) { index in
            let valid = (try? SVGValidator().validate(index % 2 == 0 ? good : bad)) != nil
            verdicts.withLock { $0[index] = valid }
        }
        #expect(verdicts.withLock { $0 } == (0..<400).map { $0 % 2 == 0 })
    }

    @Test func bundledSchemaMatchesTheFileInTheRepository() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let onDisk = try String(contentsOf: root.appendingPathComponent("Schemas/svg-subset.rng"), encoding: .utf8)
        #expect(RelaxNGValidator.bundledSchema == onDisk)
    }

    @Test func reportsAnInvalidGrammar() {
        #expect(throws: SVGValidationError.self) { try RelaxNGValidator(schema: "<grammar/>") }
    }
}
