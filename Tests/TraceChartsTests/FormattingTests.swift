import TestSupport
import Testing
import TraceCharts
import TraceModel

@Test(arguments: [
    (UInt64(0), "0 ns"), (999, "999 ns"), (1_000, "1 µs"), (12_340, "12.3 µs"), (1_500_000, "1.5 ms"),
    (999_999, "1 ms"), (999_400, "999 µs"), (2_330_000_000, "2.33 s"), (59_400_000_000, "59.4 s"),
    (999_600_000_000, "16 min 40 s"), (125_000_000_000, "2 min 5 s"), (7_200_000_000_000, "2 h 0 min"),
])
func durationsReadHumanly(_ nanoseconds: UInt64, _ text: String) {
    #expect(DurationFormat.string(nanoseconds: nanoseconds) == text)
}

@Test func svgNumbersNeverUseExponentsAndFlagNonFinite() {
    #expect(SVGNumber.format(0.00001) == "0")
    #expect(SVGNumber.format(-0.04) == "0")
    #expect(SVGNumber.format(12.345) == "12.3")
    #expect(SVGNumber.format(123_456_789) == "123456789")
    #expect(SVGNumber.format(1e20) == "NaN")  // far outside any chart: a bug, so it must fail validation
    #expect(SVGNumber.format(-3) == "-3")
    #expect(SVGNumber.format(.nan) == "NaN")
    #expect(SVGNumber.format(.infinity) == "NaN")
}

@Test func timeAxisUsesRoundSteps() {
    #expect(TimeAxis(span: 22_000_000).ticks == [0, 5_000_000, 10_000_000, 15_000_000, 20_000_000])
    #expect(TimeAxis(span: 1_000).ticks == [0, 200, 400, 600, 800, 1_000])
    #expect(TimeAxis(span: 0).ticks == [0, 1])
}

@Test func escapingCoversEveryMarkupCharacterAndForbiddenControls() {
    #expect(Markup.escape(#"<a href="x">'&'</a>"#) == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
    #expect(Markup.escape("a\u{0}b\u{1B}c\td") == "a\u{FFFD}b\u{FFFD}c\td")
    #expect(Markup.escape("\u{FFFE}") == "\u{FFFD}")
    #expect(Markup.escape("plain") == "plain")
    #expect(Markup.truncate("abcdef", to: 4) == "abc…")
}

@Test func escapingAgreesWithAScalarByScalarDefinition() {
    func reference(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case "\u{0}"..."\u{1F}", "\u{FFFE}", "\u{FFFF}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
    let alphabet = (0..<128).map { Character(Unicode.Scalar(UInt8($0))) } + ["é", "→", "\u{FFFE}", "\u{FFFF}", "\u{FFFD}", "😀", "\u{EFFF}"]
    var random = SplitMix64(seed: 5)
    for _ in 0..<20_000 {
        let length = Int(random.next(below: 24))
        let text = String((0..<length).map { _ in alphabet[Int(random.next(below: UInt64(alphabet.count)))] })
        #expect(Markup.escape(text) == reference(text), "\(Array(text.unicodeScalars))")
    }
    for truncated in ["abc", "abcdef", "ab→cd", "ééééé", "😀😀😀😀😀😀"] {
        #expect(Markup.truncate(truncated, to: 4) == (truncated.count > 4 ? String(truncated.prefix(3)) + "…" : truncated))
    }
}

@Test func serviceColoursAreStableAndDistinctWithinATrace() {
    let palette = ServicePalette(services: ["b", "a", "c"])
    let again = ServicePalette(services: ["c", "a", "b"])
    #expect(["a", "b", "c"].map(palette.colorClass) == ["a", "b", "c"].map(again.colorClass))
    #expect(Set(["a", "b", "c"].map(palette.colorClass)).count == 3)
    let many = (0..<16).map { "service-\($0)" }
    #expect(Set(many.map(ServicePalette(services: many).colorClass)).count == 16)
}

@Test(arguments: [UInt64.max, UInt64.max - 1, UInt64(Int64.max), UInt64(Int64.max) + 1, 10_000_000_000_000_000_000])
func timeAxisCoversAnySpan(_ span: UInt64) {
    let ticks = TimeAxis(span: span).ticks
    #expect(ticks.first == 0 && ticks.count >= 2 && ticks.count <= 12)
    #expect(ticks.last! <= span && zip(ticks, ticks.dropFirst()).allSatisfy { $0 < $1 })
}
