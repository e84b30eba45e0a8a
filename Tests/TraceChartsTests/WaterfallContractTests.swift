import Foundation
import TestSupport
import Testing
import TraceAssembly
import TraceCharts
import TraceModel
import XMLValidation

/// The waterfall's contract with its scripts (`Templates/trace.js`, `trace-large.js`,
/// `waterfall-parts.js`; `WaterfallContract`) holds in all four places: the chart writes every
/// attribute, the grammar of record and the validator allow them, and the scripts read them, and
/// nothing else of the chart's.
struct WaterfallContractTests {
    private static let root = Fixtures.repositoryRoot

    @Test func theChartWritesEveryAttributeAndTheValidatorAllowsThem() throws {
        let trace = TraceAssembler().assemble([
            SpanBuilder.span(id: 1, service: "gateway", name: "GET /", start: 0, end: 20),
            SpanBuilder.span(id: 2, parent: 1, service: "db", name: "SELECT", start: 5, end: 15),
        ])[0]
        let svg = WaterfallChart(trace: trace).svg()
        try SVGValidator().validate(svg)
        for attribute in WaterfallContract.attributes { #expect(svg.contains(" \(attribute)=\""), "\(attribute) not written") }
        // Every data attribute the chart writes is in the contract.
        let written = Set(svg.components(separatedBy: " data-").dropFirst().map { "data-" + $0.prefix { $0 != "=" } })
        #expect(written == Set(WaterfallContract.attributes))
    }

    @Test func theGrammarOfRecordDeclaresEveryAttribute() throws {
        let grammar = try String(contentsOf: Self.root.appendingPathComponent("Schemas/svg-subset.rng"), encoding: .utf8)
        for attribute in WaterfallContract.attributes {
            #expect(grammar.contains("<attribute name=\"\(attribute)\">"), "\(attribute) not in Schemas/svg-subset.rng")
        }
    }

    @Test func theScriptsReadEveryAttributeAndNoOtherOfTheChart() throws {
        let script = try ["trace.js", "trace-large.js", "waterfall-parts.js"].map {
            try String(contentsOf: Self.root.appendingPathComponent("Templates/\($0)"), encoding: .utf8)
        }.joined(separator: "\n")
        func names(after call: String) -> Set<String> {
            Set(script.components(separatedBy: "\(call)(\"data-").dropFirst().map { "data-" + $0.prefix { $0 != "\"" } })
        }
        let read = names(after: "getAttribute")
        // What the scripts keep on elements for themselves (a bar's place before a zoom; a row
        // drawn as it scrolls, written as markup: ` data-i="' + i`).
        let written = Set(
            script.components(separatedBy: " data-").dropFirst().compactMap { piece -> String? in
                let name = piece.prefix { $0 != "=" }
                return piece.dropFirst(name.count).hasPrefix("=\"") ? "data-" + name : nil
            })
        let ownAttributes = names(after: "setAttribute").union(written.subtracting(WaterfallContract.attributes))
        #expect(read.subtracting(ownAttributes) == Set(WaterfallContract.attributes))
    }
}
