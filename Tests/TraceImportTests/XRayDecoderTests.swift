import Foundation
import TestSupport
import Testing
import TraceImport
import TraceModel

/// AWS X-Ray: `batch-get-traces` output and the daemon's segment documents, written in
/// `Inputs/` through the segment document's real field names.
struct XRayDecoderTests {
    static let inputs = Fixtures.repositoryRoot.appendingPathComponent("Tests/TraceImportTests/Inputs")

    static func read(_ name: String) throws -> (spans: [Span], summary: SpanFileReader.FileSummary) {
        var spans: [Span] = []
        let summary = try SpanFileReader().read(inputs.appendingPathComponent(name).path, into: &spans)
        return (spans, summary)
    }

    static func byName(_ spans: [Span]) -> [String: Span] {
        Dictionary(spans.map { ("\($0.service)/\($0.name)", $0) }, uniquingKeysWith: { first, _ in first })
    }

    @Test func batchGetTracesOutputIsReadSegmentBySegment() throws {
        let (read, summary) = try Self.read("xray-batch-get-traces.json")
        #expect(summary.format == .xray && summary.issues == RecordIssues())
        #expect(read.count == 9)
        let spans = Self.byName(read)
        let trace = TraceID(hex: "5f84c7a4a9e7cb6a2d1e2c1f0b3c4d5e")!
        let web = try #require(spans["web-frontend/web-frontend"])
        #expect(web.traceID == trace && web.spanID == SpanID(hex: "6226467e3f845502") && web.parentSpanID == nil && web.kind == .server)
        // Epoch seconds read from their digits: 1602537380.123456 to the nanosecond.
        #expect(web.startTimeUnixNano == 1_602_537_380_123_456_000 && web.endTimeUnixNano == 1_602_537_380_523_789_000)
        #expect(web.status == SpanStatus(code: .error, message: "payment declined upstream"))
        #expect(
            web.resource.attributes == [
                Attribute(key: "service.name", value: .string("web-frontend")), Attribute(key: "service.version", value: .string("2.4.1")),
            ])
        for (key, value) in [
            ("http.request.method", AttributeValue.string("POST")), ("url.full", .string("https://shop.example.com/checkout")),
            ("client.address", .string("203.0.113.9")), ("http.response.status_code", .int(500)), ("enduser.id", .string("customer-77")),
            ("order_id", .string("ord-1001")), ("items", .int(3)), ("express", .bool(true)), ("aws.xray.fault", .bool(true)),
            ("aws.xray.origin", .string("AWS::ECS::Container")), ("metadata.debug.cart", .string(#"{"lines": 3}"#)),
            ("metadata.debug.note", .string("first try")),
        ] {
            #expect(web.attributes[key: key] == value, "\(key)")
        }
        #expect(web.events.map(\.name) == ["exception"] && web.events[0].attributes[key: "exception.type"] == .string("PaymentError"))
        // Subsegments: nested, in the segment's service; remote ones are calls.
        let validate = try #require(spans["web-frontend/validate cart"])
        #expect(validate.kind == .internal && validate.parentSpanID == web.spanID)
        let query = try #require(spans["web-frontend/inventory-db"])
        #expect(
            query.kind == .client && query.parentSpanID == validate.spanID
                && query.attributes[key: "peer.service"] == .string("inventory-db"))
        #expect(query.attributes[key: "db.query.text"] == .string("SELECT stock FROM items WHERE id = ?"))
        #expect(query.attributes[key: "db.system"] == .string("PostgreSQL"))
        let call = try #require(spans["web-frontend/payments"])
        #expect(call.kind == .client && call.status.code == .error)
        let dynamo = try #require(spans["web-frontend/DynamoDB"])
        #expect(
            dynamo.attributes[key: "rpc.method"] == .string("PutItem") && dynamo.attributes[key: "cloud.region"] == .string("eu-west-1"))
        #expect(dynamo.attributes[key: "aws.table_name"] == .string("orders"))
        // The called service's segment joins by parent_id; an error (4xx) on a server is no failure, on a call it is.
        let payments = try #require(spans["payments/payments"])
        #expect(payments.parentSpanID == call.spanID && payments.kind == .server && payments.status.code == .unset)
        #expect(payments.attributes[key: "aws.xray.error"] == .bool(true))
        #expect(spans["payments/card-network"]?.status.code == .error)
        let inferred = try #require(spans["DynamoDB/DynamoDB"])
        #expect(inferred.parentSpanID == dynamo.spanID && inferred.attributes[key: "aws.xray.inferred"] == .bool(true))
        // Still in progress: ends where it starts.
        let open = try #require(read.first { $0.traceID == TraceID(hex: "5f84c7b00123456789abcdef01234567") })
        #expect(open.endTimeUnixNano == open.startTimeUnixNano && open.startTimeUnixNano == 1_602_537_392_500_000_000)
    }

    @Test func daemonDocumentsAndASubsegmentSentOnItsOwn() throws {
        let (spans, summary) = try Self.read("xray-daemon-segments.txt")
        #expect(summary.format == .xray && summary.issues == RecordIssues())
        #expect(spans.map(\.name) == ["payments", "card-network", "fraud check"])
        // The subsegment sent alone takes the service of the span it belongs to.
        #expect(spans[2].parentSpanID == spans[0].spanID && spans[2].service == "payments" && spans[2].kind == .internal)
    }

    @Test func subsegmentsNestedAHundredThousandDeepAreReadWithoutRecursion() throws {
        let depth = 100_000
        var text =
            #"{"id": "0000000000000001", "name": "deep", "trace_id": "1-5f84c7a4-000000000000000000000001", "start_time": 1602537380"#
        for level in 2...depth {
            text += #", "subsegments": [{"id": "\#(String(format: "%016x", level))", "name": "level", "start_time": 1602537380"#
        }
        text += String(repeating: "}]", count: depth - 1) + "}\n"
        var spans: [Span] = []
        let decoded = try Array(text.utf8).withUnsafeBytes { try SpanFileReader().decode($0, name: "deep.json", into: &spans) }
        #expect(decoded.format == .xray && spans.count == depth)
        #expect(spans.last?.parentSpanID == SpanID(UInt64(depth - 1)))
    }

    @Test func aSegmentWithoutAnIDCostsItselfItsSubsegmentsJoinItsParent() throws {
        let text = """
            {"id": "0000000000000001", "name": "api", "trace_id": "1-5f84c7a4-000000000000000000000002", "start_time": 1602537380, \
            "end_time": 1602537381, "subsegments": [{"name": "lost", "start_time": 1602537380.1, "subsegments": \
            [{"id": "0000000000000003", "name": "kept", "start_time": 1602537380.2, "end_time": 1602537380.3}]}]}
            {"id": "0000000000000004", "name": "api", "trace_id": "not an x-ray id", "start_time": 1602537380}
            """
        var spans: [Span] = []
        let decoded = try Array(text.utf8).withUnsafeBytes { try SpanFileReader().decode($0, name: "x.json", into: &spans) }
        #expect(spans.map(\.name) == ["api", "kept"] && spans[1].parentSpanID == SpanID(1))
        #expect(
            decoded.issues.reasons.map(\.action).sorted() == ["1 spans dropped", "span dropped", "trace_id ignored"], "\(decoded.issues)")
    }

    /// The samples' checkout written as segment documents (a segment, named for its service, per
    /// span whose parent is in another service, the rest nested as subsegments, calls as
    /// `remote` ones) reads back with the ids, times, kinds, status and attributes OTLP gave.
    @Test func theSamplesCheckoutReadsAsItsOTLPSpans() throws {
        var source: [Span] = []
        _ = try SpanFileReader().read(Fixtures.repositoryRoot.appendingPathComponent("samples/checkout.jsonl").path, into: &source)
        var spans: [Span] = []
        let decoded = try Array(SpanEncoders.xraySegments(source).utf8).withUnsafeBytes {
            try SpanFileReader().decode($0, name: "segments.txt", into: &spans)
        }
        #expect(decoded.format == .xray && decoded.issues == RecordIssues() && spans.count == source.count)
        let read = Dictionary(uniqueKeysWithValues: spans.map { ($0.spanID, $0) })
        for want in source {
            let got = try #require(read[want.spanID])
            let place = "\(want.name) \(want.spanID.hex)"
            // A segment is named for its service, as X-Ray names them; subsegments keep their names.
            let segment = SpanEncoders.isXRaySegment(want, in: source)
            #expect(got.traceID == want.traceID && got.parentSpanID == want.parentSpanID, "\(place)")
            #expect(got.name == (segment ? want.service : want.name), "\(place)")
            #expect(got.startTimeUnixNano == want.startTimeUnixNano && got.endTimeUnixNano == want.endTimeUnixNano, "\(place)")
            #expect(got.service == want.service && got.status.code == want.status.code, "\(place)")
            let expectedKind: SpanKind = segment ? .server : want.kind == .client ? .client : .internal
            #expect(got.kind == expectedKind, "\(place)")
            let named = got.attributes.filter { !$0.key.hasPrefix("aws.xray.") && !(want.kind == .client && $0.key == "peer.service") }
            #expect(named == want.attributes.filter { !(want.kind == .client && $0.key == "peer.service") }, "\(place)")
        }
    }

    /// Times of every size a number can be written in: nothing traps, each span is kept or
    /// dropped with a warning.
    @Test(arguments: ["0", "18446744073.709551615", "18446744073.709551616", "1e300", "-5", "1.5e9", "99999999999999999999999"])
    func hostileTimesAreBounded(time: String) throws {
        let text =
            #"{"id": "0000000000000001", "name": "api", "trace_id": "1-5f84c7a4-000000000000000000000002", "start_time": \#(time), "end_time": 1602537380}"#
        var spans: [Span] = []
        let decoded = try? Array(text.utf8).withUnsafeBytes { try SpanFileReader().decode($0, name: "x.json", into: &spans) }
        #expect(spans.count + (decoded?.issues.dropped ?? 1) == 1, "\(time)")
        if time == "18446744073.709551615" { #expect(spans.first?.startTimeUnixNano == .max) }
    }

    @Test(arguments: [
        ("1-5f84c7a4-a9e7cb6a2d1e2c1f0b3c4d5e", "5f84c7a4a9e7cb6a2d1e2c1f0b3c4d5e"), ("2-5f84c7a4-a9e7cb6a2d1e2c1f0b3c4d5e", nil),
        ("1-5f84c7a4-a9e7cb6a2d1e2c1f0b3c4d5", nil), ("1-00000000-000000000000000000000000", nil),
    ])
    func traceIDsBecomeTheirW3CForm(xray: String, w3c: String?) {
        #expect(XRayDecoder.traceID(xray) == w3c.flatMap { TraceID(hex: $0) })
    }
}
