import Foundation
import TestSupport
import Testing
import TraceModel

@testable import TraceImport

/// The decoders' shortcuts (word-wise scans, the string and object caches, the attribute stack)
/// against plain reference code or against the slow path they stand in for.
struct DecoderFastPathTests {
    /// A reproducible source of test bytes.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        mutating func below(_ limit: Int) -> Int { Int(next() % UInt64(limit)) }
    }

    /// Bytes that exercise the scans: plain ASCII, the special bytes and bytes above 0x7F.
    static let alphabet: [UInt8] = Array("ab\"\\/ \t{}[],:0123456789e.-".utf8) + [0x01, 0x1F, 0x20, 0x7F, 0x80, 0xC3, 0xA9, 0xFF]

    @Test func sameBytesAgreesWithAByteLoopAtEveryLength() {
        var random = Random(state: 1)
        for count in 0...40 {
            for _ in 0..<200 {
                let a = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next() % 3) }
                var b = a
                if count > 0, random.below(2) == 0 { b[random.below(count)] ^= 1 }
                let same = a.withUnsafeBytes { left in
                    b.withUnsafeBytes { right in ByteRuns.equal(left, right) }
                }
                #expect(same == (a == b), "count \(count)")
            }
        }
    }

    @Test func theSpecialByteScanFindsTheFirstQuoteBackslashOrControlByte() {
        var random = Random(state: 2)
        for _ in 0..<20_000 {
            let bytes = (0..<random.below(40)).map { _ in Self.alphabet[random.below(Self.alphabet.count)] }
            let start = bytes.isEmpty ? 0 : random.below(bytes.count)
            let expected =
                bytes[start...].firstIndex { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 } ?? bytes.count
            let found = bytes.withUnsafeBytes { JSONReader(bytes: $0).nextSpecialByte(from: start) }
            #expect(found == expected, "\(bytes) from \(start)")
        }
    }

    @Test func smallStringsComeBackAsDecodedWhateverTheirBytes() {
        let interner = StringInterner()
        var random = Random(state: 3)
        var seen: [[UInt8]: String] = [:]
        // Few distinct bytes and lengths up to 20, so that texts repeat and slots are shared.
        for _ in 0..<50_000 {
            let bytes = (0..<random.below(21)).map { _ in [0x61, 0x62, 0xC3, 0xA9, 0xFF][random.below(5)] as UInt8 }
            let made = bytes.withUnsafeBytes { interner.string($0) }
            #expect(made == String(decoding: bytes, as: UTF8.self))
            if let before = seen[bytes] { #expect(made == before) }
            seen[bytes] = made
        }
    }

    typealias Integer = (negative: Bool, magnitude: UInt64, position: Int)

    /// Whether `text` reads as the same integer (ending at the same offset), or fails with the
    /// same message at the same offset, through `readInteger` and through its general path.
    func readsAlike(_ text: String) -> Bool {
        Array(text.utf8).withUnsafeBytes { raw in
            var quick = JSONReader(bytes: raw)
            let fast = Result { () throws(JSONFailure) -> Integer in try quick.readInteger("n") }
            var careful = JSONReader(bytes: raw)
            let general = Result { () throws(JSONFailure) -> Integer in try careful.readIntegerInFull("n") }
            switch (fast, general) {
            case (.success(let a), .success(let b)):
                return a == b && quick.offset == careful.offset
            case (.failure(let a), .failure(let b)):
                return a.message == b.message && a.offset == b.offset
            default:
                return false
            }
        }
    }

    @Test(arguments: [
        "0", "-0", "7", "42", "\"42\"", "-42", "\"-42\"", "1234567890123456789", "-1234567890123456789",
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", "12345678901234567890",
        "00", "01", "\"01\"", "1.5", "1e3", "1E3", "2.0", "-", "\"\"", "\"12", "\"12x\"", "12x", "12,",
        "\"1234567890\"", "123456781234567", "99999999999999999999", "-9223372036854775809", "1.7e18", " 12", "",
    ])
    func integersReadTheSameEitherWay(text: String) {
        #expect(readsAlike(text))
    }

    @Test func randomIntegersReadTheSameEitherWay() {
        var random = Random(state: 4)
        for _ in 0..<20_000 {
            var text = random.below(3) == 0 ? "-" : ""
            text += String((0..<(1 + random.below(21))).map { _ in Character(String(random.below(10))) })
            if random.below(4) == 0 { text = "\"" + text + "\"" }
            if random.below(8) == 0 { text += [".5", "e2", "x", ",", "\""][random.below(5)] }
            #expect(readsAlike(text), "\(text)")
        }
    }

    @Test func aTextIsKeptOnceSeenTwiceAndFoundAtTheStartOfAnInput() {
        let cache = RecurringObjects<Int>()
        func value(at input: String) -> (value: Int, length: Int)? {
            Array(input.utf8).withUnsafeBytes { cache.value(atStartOf: $0) }
        }
        func insert(_ value: Int, _ text: String) { Array(text.utf8).withUnsafeBytes { cache.insert(value, for: $0) } }
        let text = #"[{"key":"a","value":{"stringValue":"b"}}]"#
        insert(1, text)
        #expect(value(at: text + ",rest") == nil)  // seen once: only its hash is noted
        insert(1, text)
        #expect(value(at: text + ",rest")! == (1, text.utf8.count))
        #expect(value(at: text)! == (1, text.utf8.count))
        // The same first bytes, another value: not taken for the kept one.
        #expect(value(at: String(text.dropLast(3)) + "c\"}}]") == nil)
        #expect(value(at: String(text.prefix(20))) == nil)
        #expect(value(at: "") == nil)
    }

    @Test func textsOfEveryKeyLengthAreFoundAndAFullSetGivesUpItsOldest() {
        let cache = RecurringObjects<Int>()
        func value(at input: String) -> (value: Int, length: Int)? {
            Array(input.utf8).withUnsafeBytes { cache.value(atStartOf: $0) }
        }
        func keep(_ value: Int, _ text: String) {
            for _ in 0..<2 { Array(text.utf8).withUnsafeBytes { cache.insert(value, for: $0) } }
        }
        // Filed under their first 16, 32, 64 and 128 bytes; shorter or longer than kept texts are not.
        let lengths = [15, 16, 31, 32, 63, 64, 127, 128, 1_000, 4_096, 4_097]
        let texts = lengths.map { length in "[\"" + String(repeating: "x", count: length - 4) + "\"]" }
        for (number, text) in texts.enumerated() { keep(number, text) }
        for (number, text) in texts.enumerated() {
            let kept = (16...4_096).contains(text.utf8.count)
            #expect(value(at: text + ",{}")?.value == (kept ? number : nil), "\(text.utf8.count) bytes")
            #expect(value(at: text + ",{}")?.length == (kept ? text.utf8.count : nil))
        }
        // Nine texts alike in their first 128 bytes share a set of eight: the first is given up.
        let prefix = "[\"" + String(repeating: "p", count: 140)
        let alike = (0..<9).map { prefix + "\($0)\"]" }
        for (number, text) in alike.enumerated() { keep(100 + number, text) }
        #expect(value(at: alike[0]) == nil)
        for (number, text) in alike.enumerated().dropFirst() { #expect(value(at: text)?.value == 100 + number) }
    }

    /// Batches of two services that repeat their resource and scope, as the Collector writes them.
    func batches(_ count: Int) -> String {
        (0..<count).map { number -> String in
            let service = number % 2 == 0 ? "front" : "back"
            return #"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"\#(service)"}},"#
                + #"{"key":"host.name","value":{"stringValue":"node-\#(number % 2)"}}]},"#
                + #""scopeSpans":[{"scope":{"name":"lib","version":"1"},"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","#
                + #""spanId":"\#(String(format: "%016x", number + 1))","name":"op","startTimeUnixNano":"1","endTimeUnixNano":"2","#
                + #""attributes":[{"key":"n","value":{"intValue":"\#(number)"}},{"key":"list","value":{"kvlistValue":{"values":["#
                + #"{"key":"inner","value":{"stringValue":"v\#(number)"}}]}}}]}]}],"schemaUrl":"s\#(number % 3)"}]}"#
        }.joined(separator: "\n")
    }

    @Test func repeatedResourcesAndScopesAreSharedAndDecodedAlike() throws {
        let spans = try OTLPJSONDecoder().decode(Array(batches(12).utf8), file: "batches.json")
        #expect(spans.count == 12)
        for (number, span) in spans.enumerated() {
            #expect(span.service == (number % 2 == 0 ? "front" : "back"))
            #expect(span.resource.schemaURL == "s\(number % 3)")
            #expect(span.resource.host == "host.name=node-\(number % 2)")
            #expect(span.scope.name == "lib" && span.scope.version == "1")
            #expect(span.attributes.count == 2)
            #expect(span.attributes[key: "n"] == .int(Int64(number)))
            #expect(span.attributes[key: "list"] == .keyValueList([Attribute(key: "inner", value: .string("v\(number)"))]))
        }
        // Once a text has recurred (it is kept from its second time on), the same service and
        // schema URL share one resource object; any other has another.
        #expect(spans[2].resource === spans[8].resource)
        #expect(spans[4].resource === spans[10].resource)
        #expect(spans[2].resource !== spans[4].resource)
        #expect(spans[3].resource !== spans[2].resource)
        #expect(spans[1].scope === spans[11].scope)
    }

    @Test func aFaultAfterARepeatedResourceIsReportedWhereItIs() throws {
        let resource =
            #"{"attributes":[{"key":"service.name","value":{"stringValue":"front"}},"#
            + #"{"key":"host.name","value":{"stringValue":"node-0"}}]}"#
        let text = batches(2) + "\n" + #"{"resourceSpans":[{"resource":\#(resource),"scopeSpans":[{"spans":[{"traceId":7}]}]}]}"#
        let error = #expect(throws: ImportError.self) { try OTLPJSONDecoder().decode(Array(text.utf8), file: "f.json", strict: true) }
        #expect(error?.line == 3)
        #expect(error?.description.contains("expected a string") == true, "\(String(describing: error))")
        // Without --strict, the span is dropped there, and the batches before it read.
        var spans: [Span] = []
        let issues = try Array(text.utf8).withUnsafeBytes { try OTLPJSONDecoder().decode($0, file: "f.json", into: &spans) }
        #expect(spans.count == (try OTLPJSONDecoder().decode(Array(batches(2).utf8), file: "f.json")).count)
        #expect(issues.reasons.map { "\($0.action) at \($0.firstPlace)" } == ["span dropped at line 3, column \(error?.column ?? 0)"])
    }
}

/// The shortcuts for the usual spellings (compact attributes, tags and references, hex ids,
/// recurring resources, scopes and endpoints) give what the general parse gives for the same
/// content spelled otherwise: here, the same documents with their keys reordered and whitespace
/// added.
struct SpellingIndependenceTests {
    /// `text` re-serialized with sorted keys and indentation.
    func respelled(_ text: String) throws -> [UInt8] {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return Array(try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]))
    }

    func decode(_ bytes: [UInt8], as format: InputFormat) throws -> [Span] {
        var spans: [Span] = []
        try bytes.withUnsafeBytes { raw in _ = try SpanFileReader(format: format).decode(raw, name: "test", into: &spans) }
        return spans
    }

    /// Zipkin's tags are an object, whose members the respelling sorts.
    func withSortedAttributes(_ span: Span) -> Span {
        var sorted = span
        sorted.attributes.sort { $0.key < $1.key }
        return sorted
    }

    @Test(arguments: [InputFormat.otlpJSON, .jaegerJSON, .zipkinJSON])
    func respelledDocumentsDecodeAlike(format: InputFormat) throws {
        var generator = SyntheticTraces()
        var compared = 0
        for _ in 0..<30 {
            let trace = generator.nextTrace()
            let text =
                switch format {
                case .otlpJSON: SpanEncoders.otlpJSON(trace)
                case .jaegerJSON: SpanEncoders.jaegerJSON(trace)
                default: SpanEncoders.zipkinJSON(trace)
                }
            let compact = try decode(Array(text.utf8), as: format)
            let spaced = try decode(try respelled(text), as: format)
            #expect(!compact.isEmpty && compact.count == spaced.count)
            for span in compact.map(withSortedAttributes) {
                // Spans are matched by id (and service, as Zipkin's shared halves share an id).
                let twins = spaced.filter { $0.spanID == span.spanID && $0.service == span.service }
                #expect(twins.map(withSortedAttributes).contains(span))
                compared += 1
            }
        }
        #expect(compared > 300)
    }
}
