import SpanRecords
import TestSupport
import Testing
import TraceModel

/// Span records keep every field of every span, chunk after chunk, and reject damaged files with
/// the offset of the damage.
struct SpanRecordsTests {
    /// A file of `spans`, cut into chunks every `chunkSpans` spans.
    func file(_ spans: [Span], chunkSpans: Int = 1_000) -> [UInt8] {
        let writer = SpanRecordWriter()
        var bytes = SpanRecordWriter.header()
        for (index, span) in spans.enumerated() {
            writer.append(span)
            if (index + 1) % chunkSpans == 0 { bytes += writer.takeChunk() }
        }
        return bytes + writer.takeChunk()
    }

    func decode(_ bytes: [UInt8]) throws(SpanRecordFailure) -> [Span] {
        var spans: [Span] = []
        try read(bytes) { raw throws(SpanRecordFailure) in try SpanRecordReader.decode(raw, into: &spans) }
        return spans
    }

    /// Runs `body` on the bytes of `bytes`.
    func read(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(SpanRecordFailure) -> Void) throws(SpanRecordFailure) {
        let result = bytes.withUnsafeBytes { raw in Result { () throws(SpanRecordFailure) in try body(raw) } }
        try result.get()
    }

    /// A span with every field set, values of every kind, nested.
    static let everyField: Span = {
        let nested = AttributeValue.keyValueList([
            Attribute(key: "list", value: .array([.int(-1), .double(.nan), .bool(true), .bytes([0, 255]), .empty])),
            Attribute(key: "deeper", value: .keyValueList([Attribute(key: "x", value: .string("é😀\u{0}"))])),
        ])
        let resource = Resource(
            attributes: [Attribute(key: "service.name", value: .string("checkout")), Attribute(key: "host.name", value: .string("h1"))],
            schemaURL: "https://opentelemetry.io/schemas/1.21.0")
        return Span(
            traceID: TraceID(high: 0x0102_0304_0506_0708, low: 0x090A_0B0C_0D0E_0F10), spanID: SpanID(0x1112_1314_1516_1718),
            parentSpanID: SpanID(0x2122_2324_2526_2728), parentRelation: .followsFrom, name: "GET /orders/{id}", kind: .server,
            startTimeUnixNano: 1_700_000_000_123_456_789, endTimeUnixNano: UInt64.max, status: SpanStatus(code: .error, message: "boom"),
            attributes: [
                Attribute(key: "i", value: .int(Int64.min)), Attribute(key: "j", value: .int(Int64.max)),
                Attribute(key: "d", value: .double(-0.0)), Attribute(key: "b", value: .bool(false)), Attribute(key: "n", value: nested),
                Attribute(key: String(repeating: "k", count: 65), value: .string(String(repeating: "v", count: 5_000))),
                Attribute(key: "", value: .string("")),
            ],
            events: [
                SpanEvent(timeUnixNano: 5, name: "exception", attributes: [Attribute(key: "exception.type", value: .string("E"))]),
                SpanEvent(timeUnixNano: 0, name: ""),
            ],
            links: [
                SpanLink(
                    traceID: TraceID(high: 1, low: 2), spanID: SpanID(3), traceState: "a=b",
                    attributes: [Attribute(key: "l", value: .int(1))])
            ],
            traceState: "vendor=1", flags: 0x301, resource: resource,
            scope: InstrumentationScope(name: "lib", version: "1.2", attributes: [Attribute(key: "s", value: .bool(true))]),
            sharesClientSpanID: true, warnings: ["first", "second"])
    }()

    @Test func everyFieldSurvivesTheRoundTrip() throws {
        let plain = Span(
            traceID: TraceID(high: 0, low: 9), spanID: SpanID(1), name: "", startTimeUnixNano: 0, endTimeUnixNano: 0,
            resource: Resource(attributes: []))
        let decoded = try decode(file([Self.everyField, plain, Self.everyField]))
        #expect(decoded == [Self.everyField, plain, Self.everyField])
        // One resource and one scope object per one written, shared as they were.
        #expect(decoded[0].resource === decoded[2].resource && decoded[0].scope === decoded[2].scope)
        #expect(decoded[0].resource.schemaURL == Self.everyField.resource.schemaURL)
        #expect(decoded[0].resource.host == "host.name=h1")
    }

    @Test(arguments: [1, 7, 100_000])
    func generatedTrafficSurvivesTheRoundTripInChunksOfAnySize(chunkSpans: Int) throws {
        var generator = SyntheticTraces()
        let spans = (0..<60).flatMap { _ in generator.nextTrace() }
        let decoded = try decode(file(spans, chunkSpans: chunkSpans))
        #expect(decoded == spans)
    }

    @Test func eachChunkIsReadOnItsOwnByItsOffset() throws {
        var generator = SyntheticTraces()
        let spans = (0..<20).flatMap { _ in generator.nextTrace() }
        let writer = SpanRecordWriter()
        var bytes = SpanRecordWriter.header()
        var chunks: [(offset: Int, spans: ArraySlice<Span>)] = []
        var first = 0
        for (index, span) in spans.enumerated() {
            writer.append(span)
            if (index + 1) % 9 == 0 || index == spans.count - 1 {
                chunks.append((bytes.count, spans[first...index]))
                bytes += writer.takeChunk()
                first = index + 1
            }
        }
        #expect(chunks.count > 2)
        // What a positioned read of the file gives; nil past its end.
        func file(_ bytes: [UInt8]) -> (Int, UInt64) -> [UInt8]? {
            { count, position in
                let start = Int(position)
                return start + count <= bytes.count ? Array(bytes[start..<(start + count)]) : nil
            }
        }
        for chunk in chunks.reversed() {
            #expect(try SpanRecordReader.decodeChunk(at: UInt64(chunk.offset), reading: file(bytes)) == Array(chunk.spans))
        }
        // A chunk that does not start there, one past the end, one cut short, one not in a file:
        // each refused with the offset of the chunk asked for.
        let last = chunks[chunks.count - 1].offset
        for (offset, file) in [
            (chunks[1].offset + 1, file(bytes)), (bytes.count + 100, file(bytes)), (last, file(Array(bytes.dropLast()))), (3, file(bytes)),
        ] {
            #expect {
                try SpanRecordReader.decodeChunk(at: UInt64(offset), reading: file)
            } throws: { error in
                (error as? SpanRecordFailure)?.offset == offset
            }
        }
    }

    @Test func spanIDLocationsTravelWithTheSpansAndApart() throws {
        let locations = [
            SpanIDLocation(spanID: SpanID(7), traceID: TraceID(high: 1, low: 2), service: "checkout", operation: "GET /cart"),
            SpanIDLocation(spanID: SpanID(.max), traceID: TraceID(high: .max, low: 0), service: "", operation: "é"),
        ]
        let writer = SpanRecordWriter()
        writer.append(locations[0])
        writer.append(Self.everyField)
        var bytes = SpanRecordWriter.header() + writer.takeChunk()
        writer.append(locations[1])
        bytes += writer.takeChunk()
        var spans: [Span] = []
        var read: [SpanIDLocation] = []
        try self.read(bytes) { raw throws(SpanRecordFailure) in try SpanRecordReader.decode(raw, into: &spans, locations: &read) }
        #expect(spans == [Self.everyField] && read == locations)
        #expect(try decode(bytes) == [Self.everyField])
    }

    @Test func moreDistinctStringsThanTheTableHoldsStillRoundTrip() throws {
        let spans = (0..<70_000).map { number in
            Span(
                traceID: TraceID(high: 0, low: 1), spanID: SpanID(UInt64(number + 1)), name: "op \(number)", startTimeUnixNano: 1,
                endTimeUnixNano: 2, resource: Resource(serviceName: "s"))
        }
        let decoded = try decode(file(spans, chunkSpans: 70_000))
        #expect(decoded.map(\.name) == spans.map(\.name))
    }

    @Test func valuesNestedPastTheLimitAreWrittenEmpty() throws {
        var value = AttributeValue.int(1)
        for _ in 0..<(SpanRecordFormat.maximumDepth + 5) { value = .array([value]) }
        var span = Self.everyField
        span.attributes = [Attribute(key: "deep", value: value)]
        let decoded = try decode(file([span]))
        var depth = 0
        var current = decoded[0].attributes[0].value
        while case .array(let values) = current {
            depth += 1
            current = values[0]
        }
        #expect(depth == SpanRecordFormat.maximumDepth && current == .empty)
    }

    @Test func aFileOfAnotherVersionOrKindIsRefusedByName() {
        var other = file([Self.everyField])
        other[SpanRecordFormat.magic.count - 1] = 9
        #expect(throws: SpanRecordFailure.self) { try decode(other) }
        do {
            _ = try decode(other)
        } catch {
            #expect(error.message.contains("version 9") && error.offset == 7)
        }
        #expect(throws: SpanRecordFailure.self) { try decode(Array("{\"resourceSpans\":[]}".utf8)) }
    }

    @Test func everyTruncationIsAnErrorAtAPlaceInTheFile() {
        let whole = file([Self.everyField, Self.everyField], chunkSpans: 1)
        for length in SpanRecordFormat.magic.count..<whole.count {
            let cut = Array(whole.prefix(length))
            do {
                let spans = try decode(cut)
                // Cutting exactly between chunks leaves a shorter, valid file.
                #expect(spans.count < 2, "cut at \(length)")
            } catch {
                #expect(error.offset >= 0 && error.offset <= length, "cut at \(length): \(error.message)")
            }
        }
    }

    @Test func damagedBytesGiveAnErrorOrSpansButNeverACrash() {
        let whole = file([Self.everyField, Self.everyField], chunkSpans: 1)
        var random = SplitMix64(seed: 7)
        for _ in 0..<20_000 {
            var damaged = whole
            for _ in 0..<(1 + Int(random.next(below: 4))) {
                let position = SpanRecordFormat.magic.count + Int(random.next(below: UInt64(whole.count - SpanRecordFormat.magic.count)))
                damaged[position] = UInt8(truncatingIfNeeded: random.next())
            }
            _ = try? decode(damaged)
        }
    }
}
