import TestSupport
import Testing
import TraceAnalysis
import TraceAssembly
import TraceCharts
import XMLValidation

/// The site validates charts with `SVGValidator` (SAX events checked in code); the grammar of
/// record is `Schemas/svg-subset.rng`. On the project's own charts and on thousands of broken
/// copies of them, both must give the same verdict: a difference is a bug in one of the two.
struct ValidatorAgreementTests {
    static func charts() -> [String] {
        var generator = SyntheticTraces()
        let traces = TraceAssembler().assemble((0..<30).flatMap { _ in generator.nextTrace() })
        var charts = traces.flatMap { trace in
            [WaterfallChart(trace: trace).svg(), ServiceGraphChart(graph: ServiceGraph(traces: [trace])).svg()]
        }
        charts.append(ServiceGraphChart(graph: ServiceGraph(traces: traces)).svg())
        let points = traces.enumerated().map { index, trace in
            ScatterChart.Point(
                startUnixNano: trace.startTimeUnixNano, durationNano: trace.durationNano, failed: trace.errorCount > 0,
                page: index % 3 == 0 ? "traces/\(trace.traceID).html" : nil, label: "trace <\(index)> & \"more\"")
        }
        charts.append(ScatterChartTests.chart(points).svg())
        let bars = (0..<12).map {
            HistogramChart.Bar(lower: UInt64($0) * 1_000, upper: UInt64($0 + 1) * 1_000, count: $0 * 3, failed: $0 % 4)
        }
        charts.append(HistogramChart(bars: bars, size: .full, label: "a <b> & c").svg())
        charts.append(HistogramChart(bars: bars, size: .row, label: "row").svg())
        return charts
    }

    /// Values of every kind the grammar knows, valid and not, for any attribute.
    static let values = [
        "0", "-0", "1.5", "-2.25", "+3", ".5", "5.", "-.5", "NaN", "INF", "1e3", "", " ", " 7 ", "1,2", "0x10", "abc",
        "c1", "c1 c2", " c1  c2 ", "1bad", "_a.b-c", "start", "middle", "end", "img", "figure", "START",
        "0123456789abcdef", "0123456789ABCDEF", "0123456789abcde", "traces/0123456789abcdef0123456789abcdef.html",
        "traces/x.html", "javascript:alert(1)", "M 0 0 L 1 1 Z", "M 1 2 C 3 4 5 6 7 8", "M0 0", "M 0 0 Q 1 1",
        "0 0 10 10", "0 0 -1 10", "0 0 10", "0 0 1 1 1", "-5 -5 10 10", "12", "007", "-3",
        "-00", "+0", "123456789012345678901234", "1234567890123456789012345", "0001234567890123456789012345", "&lt;x&gt;", "&amp;",
        "url(#x)",
    ]
    static let attributeNames = [
        "class", "role", "aria-label", "data-rh", "data-left", "data-width", "data-ns", "width", "height", "viewBox", "href",
        "id", "data-d", "data-s", "x", "y", "rx", "d", "x1", "y1", "x2", "y2", "text-anchor", "onclick", "style",
        "xml:space", "fill",
    ]
    /// Fragments to drop between two tags.
    static let insertions = [
        "<title>t</title>", #"<rect x="1" y="1" width="1" height="1"/>"#, #"<text x="1" y="1">t</text>"#,
        "<foreignObject/>", "<script>x</script>", "<g/>", #"<a href="traces/0123456789abcdef0123456789abcdef.html"/>"#,
        #"<svg width="1" height="1" viewBox="0 0 1 1"/>"#, "stray text", "  \n", "<!-- note -->", "<?pi x?>",
        "<![CDATA[x]]>", "<![CDATA[ ]]>", "&amp;", #"<line x1="0" y1="0" x2="1" y2="1"/>"#, #"<path d="M 0 0 L 1 1"/>"#,
        #"<s:rect xmlns:s="http://www.w3.org/2000/svg" x="1" y="1" width="1" height="1"/>"#,
        #"<rect xmlns="http://example.com/" x="1" y="1" width="1" height="1"/>"#, "<", "</g>", "<line/>",
    ]

    /// A chart as bytes, with where its values and tags are.
    struct Target {
        let bytes: [UInt8]
        /// Where each attribute value's opening quote is.
        let openingQuotes: [Int]
        let tagStarts: [Int]
        let tagEnds: [Int]

        init(_ chart: String) {
            let bytes = Array(chart.utf8)
            self.bytes = bytes
            let quotes = bytes.indices.filter { bytes[$0] == UInt8(ascii: "\"") }
            // Quotes come in pairs, so every other one opens a value.
            openingQuotes = stride(from: 0, to: quotes.count, by: 2).map { quotes[$0] }
            tagStarts = bytes.indices.filter { bytes[$0] == UInt8(ascii: "<") && bytes[$0 + 1] != UInt8(ascii: "/") }
            tagEnds = bytes.indices.filter { bytes[$0] == UInt8(ascii: ">") }
        }
    }

    /// One random change to `target`: an attribute's value replaced, an attribute added or
    /// removed, a fragment inserted after a tag, or a byte dropped.
    static func mutate(_ target: Target, random: inout SplitMix64) -> [UInt8] {
        var bytes = target.bytes
        func pick<T>(_ items: [T]) -> T { items[Int(random.next(below: UInt64(items.count)))] }
        switch random.next(below: 5) {
        case 0:
            let opening = pick(target.openingQuotes)
            let closing = bytes[(opening + 1)...].firstIndex(of: UInt8(ascii: "\""))!
            bytes.replaceSubrange((opening + 1)..<closing, with: Array(pick(values).utf8))
        case 1:
            let start = pick(target.tagStarts)
            let nameEnd = bytes[start...].firstIndex { $0 == 0x20 || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "/") }!
            bytes.insert(contentsOf: Array(#" \#(pick(attributeNames))="\#(pick(values))""#.utf8), at: nameEnd)
        case 2:
            // From the space before the attribute's name to its closing quote.
            let opening = pick(target.openingQuotes)
            let closing = bytes[(opening + 1)...].firstIndex(of: UInt8(ascii: "\""))!
            let space = bytes[..<opening].lastIndex(of: 0x20)!
            bytes.removeSubrange(space...closing)
        case 3:
            bytes.insert(contentsOf: Array(pick(insertions).utf8), at: pick(target.tagEnds) + 1)
        default:
            bytes.remove(at: Int(random.next(below: UInt64(bytes.count))))
        }
        return bytes
    }

    @Test func bothValidatorsAcceptEveryChartTheProjectDraws() throws {
        for chart in Self.charts() {
            try SVGValidator().validate(chart)
            try RelaxNGValidator.bundled.validate(chart)
        }
    }

    /// The verdicts of both validators on `document`; a description when they differ.
    static func disagreement(_ document: String) -> String? {
        let streaming = (try? SVGValidator().validate(document)) != nil
        let relaxNG = (try? RelaxNGValidator.bundled.validate(document)) != nil
        guard streaming != relaxNG else { return nil }
        return "streaming \(streaming ? "accepts" : "rejects") what RELAX NG \(relaxNG ? "accepts" : "rejects"): \(document.prefix(600))"
    }

    /// The attributes each element needs, with valid values.
    static let required: [String: [(String, String)]] = [
        "svg": [("width", "10"), ("height", "10"), ("viewBox", "0 0 10 10")],
        "a": [("href", "traces/0123456789abcdef0123456789abcdef.html")],
        "rect": [("x", "1"), ("y", "1"), ("width", "1"), ("height", "1")],
        "line": [("x1", "0"), ("y1", "0"), ("x2", "1"), ("y2", "1")],
        "path": [("d", "M 0 0 L 1 1")], "text": [("x", "1"), ("y", "1")],
    ]

    static func element(_ name: String, _ attributes: [(String, String)], content: String = "") -> String {
        let text = attributes.map { #" \#($0.0)="\#($0.1)""# }.joined()
        return name == "svg"
            ? #"<svg xmlns="http://www.w3.org/2000/svg"\#(text)>\#(content)</svg>"#
            : #"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" viewBox="0 0 10 10"><\#(name)\#(text)>\#(content)</\#(name)></svg>"#
    }

    @Test func bothValidatorsJudgeEveryAttributeOfEveryElementAlike() {
        var documents: [String] = []
        for name in ["svg", "g", "a", "rect", "line", "path", "text", "title", "image", "use"] {
            let needed = Self.required[name] ?? []
            documents.append(Self.element(name, needed))
            for (index, _) in needed.enumerated() {
                documents.append(Self.element(name, needed.enumerated().filter { $0.offset != index }.map(\.element)))
            }
            for attribute in Self.attributeNames {
                for value in Self.values {
                    documents.append(Self.element(name, needed.filter { $0.0 != attribute } + [(attribute, value)]))
                }
            }
        }
        let disagreements = documents.compactMap(Self.disagreement)
        #expect(disagreements.isEmpty, "\(disagreements.count) of \(documents.count): \(disagreements.prefix(3))")
    }

    @Test func bothValidatorsJudgeEveryNestingAlike() {
        var documents: [String] = []
        let child = #"<line x1="0" y1="0" x2="1" y2="1"/>"#
        for name in ["svg", "g", "a", "rect", "line", "path", "text", "title"] {
            for fragment in Self.insertions {
                for content in [fragment, child + fragment, fragment + child, fragment + fragment] {
                    documents.append(Self.element(name, Self.required[name] ?? [], content: content))
                }
            }
        }
        let disagreements = documents.compactMap(Self.disagreement)
        #expect(disagreements.isEmpty, "\(disagreements.count) of \(documents.count): \(disagreements.prefix(3))")
    }

    @Test func bothValidatorsGiveTheSameVerdictOnBrokenCharts() {
        var random = SplitMix64(seed: 7)
        var rejected = 0
        var disagreements: [String] = []
        let targets = Self.charts().map(Target.init)
        for round in 0..<2_000 {
            var bytes = Self.mutate(targets[round % targets.count], random: &random)
            if round % 3 == 0 { bytes = Self.mutate(Target(String(decoding: bytes, as: UTF8.self)), random: &random) }
            let mutant = String(decoding: bytes, as: UTF8.self)
            if (try? RelaxNGValidator.bundled.validate(mutant)) == nil { rejected += 1 }
            if let disagreement = Self.disagreement(mutant) { disagreements.append(disagreement) }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count): \(disagreements.prefix(3))")
        // Most changes break a chart, and a fair share do not: both verdicts are exercised.
        #expect(rejected > 1_000 && rejected < 1_950, "\(rejected) of 2,000 rejected")
    }
}
