import Foundation
import TestSupport
import Testing
import TraceAssembly
import TraceCharts
import TraceModel
import XMLValidation

/// The waterfall's contract with `Templates/trace.js` (`WaterfallContract`) holds in all four
/// places: the chart writes every attribute, the grammar of record and the validator allow them,
/// and the script reads them, and nothing else of the chart's.
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

    @Test func theScriptReadsEveryAttributeAndNoOtherOfTheChart() throws {
        let script = try String(contentsOf: Self.root.appendingPathComponent("Templates/trace.js"), encoding: .utf8)
        func names(after call: String) -> Set<String> {
            Set(script.components(separatedBy: "\(call)(\"data-").dropFirst().map { "data-" + $0.prefix { $0 != "\"" } })
        }
        let read = names(after: "getAttribute")
        // What the script keeps on elements for itself (a bar's place before a zoom).
        let ownAttributes = names(after: "setAttribute")
        #expect(read.subtracting(ownAttributes) == Set(WaterfallContract.attributes))
    }
}
