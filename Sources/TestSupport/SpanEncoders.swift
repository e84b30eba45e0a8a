public import TraceModel

/// Writes spans in each input format, so that tests can check that every decoder reads the same
/// trace back, and so that `samples/` can hold one checkout flow in every format.
public enum SpanEncoders {
    /// Groups spans by resource (in first-seen order), as exporters batch them.
    static func byResource(_ spans: [Span]) -> [(Resource, [Span])] {
        var groups: [(Resource, [Span])] = []
        for span in spans {
            if let index = groups.firstIndex(where: { $0.0 === span.resource }) {
                groups[index].1.append(span)
            } else {
                groups.append((span.resource, [span]))
            }
        }
        return groups
    }

    // MARK: OTLP protobuf

    /// One `TracesData` message.
    public static func otlpProtobuf(_ spans: [Span]) -> [UInt8] {
        var writer = ProtobufWriter()
        for (resource, group) in byResource(spans) {
            writer.messageField(1) { resourceSpans in
                resourceSpans.messageField(1) { message in
                    for attribute in resource.attributes { message.messageField(1) { keyValue(&$0, attribute) } }
                }
                resourceSpans.messageField(2) { scopeSpans in
                    if let scope = group.first?.scope, !scope.name.isEmpty {
                        scopeSpans.messageField(1) { message in
                            message.stringField(1, scope.name)
                            if !scope.version.isEmpty { message.stringField(2, scope.version) }
                        }
                    }
                    for span in group { scopeSpans.messageField(2) { otlpSpan(&$0, span) } }
                }
            }
        }
        return writer.bytes
    }

    private static func otlpSpan(_ writer: inout ProtobufWriter, _ span: Span) {
        writer.bytesField(1, idBytes(span.traceID))
        writer.bytesField(2, idBytes(span.spanID))
        if let parent = span.parentSpanID { writer.bytesField(4, idBytes(parent)) }
        writer.stringField(5, span.name)
        if span.kind != .unspecified { writer.varintField(6, UInt64(span.kind.rawValue)) }
        writer.fixed64Field(7, span.startTimeUnixNano)
        writer.fixed64Field(8, span.endTimeUnixNano)
        for attribute in span.attributes { writer.messageField(9) { keyValue(&$0, attribute) } }
        for event in span.events {
            writer.messageField(11) { message in
                message.fixed64Field(1, event.timeUnixNano)
                message.stringField(2, event.name)
                for attribute in event.attributes { message.messageField(3) { keyValue(&$0, attribute) } }
            }
        }
        for link in span.links {
            writer.messageField(13) { message in
                message.bytesField(1, idBytes(link.traceID))
                message.bytesField(2, idBytes(link.spanID))
                for attribute in link.attributes { message.messageField(4) { keyValue(&$0, attribute) } }
            }
        }
        if span.status.code != .unset || !span.status.message.isEmpty {
            writer.messageField(15) { message in
                if !span.status.message.isEmpty { message.stringField(2, span.status.message) }
                message.varintField(3, UInt64(span.status.code.rawValue))
            }
        }
    }

    private static func keyValue(_ writer: inout ProtobufWriter, _ attribute: Attribute) {
        writer.stringField(1, attribute.key)
        writer.messageField(2) { anyValue(&$0, attribute.value) }
    }

    private static func anyValue(_ writer: inout ProtobufWriter, _ value: AttributeValue) {
        switch value {
        case .string(let text): writer.stringField(1, text)
        case .bool(let flag): writer.varintField(2, flag ? 1 : 0)
        case .int(let number): writer.varintField(3, UInt64(bitPattern: number))
        case .double(let number): writer.fixed64Field(4, number.bitPattern)
        case .array(let values): writer.messageField(5) { array in for value in values { array.messageField(1) { anyValue(&$0, value) } } }
        case .keyValueList(let pairs): writer.messageField(6) { list in for pair in pairs { list.messageField(1) { keyValue(&$0, pair) } } }
        case .bytes(let bytes): writer.bytesField(7, bytes)
        case .empty: break
        }
    }

    static func idBytes(_ id: TraceID) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: id.high >> (56 - 8 * $0)) }
            + (0..<8).map { UInt8(truncatingIfNeeded: id.low >> (56 - 8 * $0)) }
    }

    static func idBytes(_ id: SpanID) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: id.value >> (56 - 8 * $0)) }
    }

    // MARK: OTLP JSON

    /// One `TracesData` document on one line, as a Collector's file exporter writes each batch.
    public static func otlpJSON(_ spans: [Span]) -> String {
        "{\"resourceSpans\":[" + otlpJSONResourceSpans(spans).joined(separator: ",") + "]}"
    }

    /// One bare `ResourceSpans` object a line, as the OpenTelemetry Java SDK's logging-otlp
    /// exporter writes them.
    public static func otlpJSONResourceSpansLines(_ spans: [Span]) -> String {
        otlpJSONResourceSpans(spans).joined(separator: "\n") + "\n"
    }

    /// A `ResourceSpans` object per resource.
    private static func otlpJSONResourceSpans(_ spans: [Span]) -> [String] {
        byResource(spans).map { resource, group in
            var out = "{\"resource\":{\"attributes\":" + otlpAttributes(resource.attributes) + "},\"scopeSpans\":[{"
            if let scope = group.first?.scope, !scope.name.isEmpty {
                out += "\"scope\":{\"name\":\(json(scope.name)),\"version\":\(json(scope.version))},"
            }
            out += "\"spans\":["
            for (index, span) in group.enumerated() {
                if index > 0 { out += "," }
                out += otlpJSONSpan(span)
            }
            return out + "]}]}"
        }
    }

    private static func otlpJSONSpan(_ span: Span) -> String {
        var out = "{\"traceId\":\"\(span.traceID.hex)\",\"spanId\":\"\(span.spanID.hex)\","
        if let parent = span.parentSpanID { out += "\"parentSpanId\":\"\(parent.hex)\"," }
        out += "\"name\":\(json(span.name)),\"kind\":\(span.kind.rawValue),"
        out += "\"startTimeUnixNano\":\"\(span.startTimeUnixNano)\",\"endTimeUnixNano\":\"\(span.endTimeUnixNano)\""
        if !span.attributes.isEmpty { out += ",\"attributes\":" + otlpAttributes(span.attributes) }
        if !span.events.isEmpty {
            let events = span.events.map { event in
                "{\"timeUnixNano\":\"\(event.timeUnixNano)\",\"name\":\(json(event.name)),\"attributes\":\(otlpAttributes(event.attributes))}"
            }
            out += ",\"events\":[" + events.joined(separator: ",") + "]"
        }
        if !span.links.isEmpty {
            let links = span.links.map { link in
                "{\"traceId\":\"\(link.traceID.hex)\",\"spanId\":\"\(link.spanID.hex)\",\"attributes\":\(otlpAttributes(link.attributes))}"
            }
            out += ",\"links\":[" + links.joined(separator: ",") + "]"
        }
        if span.status.code != .unset || !span.status.message.isEmpty {
            out += ",\"status\":{\"code\":\(span.status.code.rawValue),\"message\":\(json(span.status.message))}"
        }
        return out + "}"
    }

    private static func otlpAttributes(_ attributes: [Attribute]) -> String {
        "[" + attributes.map { "{\"key\":\(json($0.key)),\"value\":\(otlpValue($0.value))}" }.joined(separator: ",") + "]"
    }

    private static func otlpValue(_ value: AttributeValue) -> String {
        switch value {
        case .string(let text): "{\"stringValue\":\(json(text))}"
        case .bool(let flag): "{\"boolValue\":\(flag)}"
        case .int(let number): "{\"intValue\":\"\(number)\"}"
        case .double(let number):
            number.isFinite
                ? "{\"doubleValue\":\(number)}" : "{\"doubleValue\":\"\(number > 0 ? "Infinity" : number < 0 ? "-Infinity" : "NaN")\"}"
        case .bytes(let bytes): "{\"bytesValue\":\"\(base64(bytes))\"}"
        case .array(let values): "{\"arrayValue\":{\"values\":[" + values.map(otlpValue).joined(separator: ",") + "]}}"
        case .keyValueList(let pairs): "{\"kvlistValue\":{\"values\":" + otlpAttributes(pairs) + "}}"
        case .empty: "{}"
        }
    }

    /// Standard base64 with padding.
    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            let value = chunk.enumerated().reduce(0) { $0 | UInt32($1.element) << (16 - 8 * UInt32($1.offset)) }
            for position in 0..<4 {
                out.append(position <= chunk.count ? alphabet[Int(value >> (18 - 6 * UInt32(position)) & 63)] : UInt8(ascii: "="))
            }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: Jaeger JSON

    /// The query API's `{"data": [trace...]}`, one trace per trace id, processes per resource.
    public static func jaegerJSON(_ spans: [Span]) -> String {
        var traceOrder: [TraceID] = []
        var byTrace: [TraceID: [Span]] = [:]
        for span in spans {
            if byTrace[span.traceID] == nil { traceOrder.append(span.traceID) }
            byTrace[span.traceID, default: []].append(span)
        }
        return jaegerDocument(traceOrder.map { jaegerTrace(byTrace[$0]!) })
    }

    /// The query API's envelope around traces written by `jaegerTrace`.
    public static func jaegerDocument(_ traces: [String]) -> String {
        "{\"data\":[\(traces.joined(separator: ",\n"))],\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}\n"
    }

    /// One trace object of the query API: the spans (all of one trace) and their processes.
    public static func jaegerTrace(_ spans: [Span]) -> String {
        var processes: [String] = []
        var spanTexts: [String] = []
        for (index, (resource, group)) in byResource(spans).enumerated() {
            let tags = resource.attributes.filter { $0.key != "service.name" }.map(jaegerTag)
            processes.append(
                "\"p\(index + 1)\":{\"serviceName\":\(json(resource.serviceName)),\"tags\":[\(tags.joined(separator: ","))]}")
            for span in group { spanTexts.append(jaegerSpan(span, processID: "p\(index + 1)")) }
        }
        let traceID = spans.first?.traceID.hex ?? ""
        return
            "{\"traceID\":\"\(traceID)\",\"spans\":[\n\(spanTexts.joined(separator: ",\n"))\n],\"processes\":{\(processes.joined(separator: ","))},\"warnings\":null}"
    }

    private static func jaegerSpan(_ span: Span, processID: String) -> String {
        var tags = span.attributes.map(jaegerTag)
        if span.kind != .unspecified { tags.append("{\"key\":\"span.kind\",\"type\":\"string\",\"value\":\"\(span.kind.name)\"}") }
        if span.status.isError { tags.append("{\"key\":\"error\",\"type\":\"bool\",\"value\":true}") }
        if !span.status.message.isEmpty {
            tags.append("{\"key\":\"otel.status_description\",\"type\":\"string\",\"value\":\(json(span.status.message))}")
        }
        let references =
            span.parentSpanID.map {
                "[{\"refType\":\"CHILD_OF\",\"traceID\":\"\(span.traceID.hex)\",\"spanID\":\"\($0.hex)\"}]"
            } ?? "[]"
        let logs = span.events.map { event in
            let fields = [jaegerTag(Attribute(key: "event", value: .string(event.name)))] + event.attributes.map(jaegerTag)
            return "{\"timestamp\":\(event.timeUnixNano / 1000),\"fields\":[\(fields.joined(separator: ","))]}"
        }
        return "{\"traceID\":\"\(span.traceID.hex)\",\"spanID\":\"\(span.spanID.hex)\",\"operationName\":\(json(span.name)),"
            + "\"references\":\(references),\"startTime\":\(span.startTimeUnixNano / 1000),\"duration\":\(span.durationNano / 1000),"
            + "\"tags\":[\(tags.joined(separator: ","))],\"logs\":[\(logs.joined(separator: ","))],\"processID\":\"\(processID)\",\"warnings\":null}"
    }

    private static func jaegerTag(_ attribute: Attribute) -> String {
        let (type, value): (String, String) =
            switch attribute.value {
            case .bool(let flag): ("bool", flag ? "true" : "false")
            case .int(let number): ("int64", String(number))
            case .double(let number): ("float64", String(number))
            default: ("string", json(attribute.value.description))
            }
        return "{\"key\":\(json(attribute.key)),\"type\":\"\(type)\",\"value\":\(value)}"
    }

    // MARK: Zipkin v2 JSON

    /// A list of Zipkin v2 spans.
    public static func zipkinJSON(_ spans: [Span]) -> String {
        "[\n" + zipkinRecords(spans).joined(separator: ",\n") + "\n]\n"
    }

    /// Each span as one Zipkin v2 span object.
    public static func zipkinRecords(_ spans: [Span]) -> [String] {
        spans.map { span -> String in
            var fields = [
                "\"traceId\":\"\(span.traceID.hex)\"", "\"id\":\"\(span.spanID.hex)\"",
            ]
            if let parent = span.parentSpanID { fields.append("\"parentId\":\"\(parent.hex)\"") }
            switch span.kind {
            case .client, .server, .producer, .consumer: fields.append("\"kind\":\"\(span.kind.name.uppercased())\"")
            default: break
            }
            fields.append("\"name\":\(json(span.name))")
            fields.append("\"timestamp\":\(span.startTimeUnixNano / 1000)")
            fields.append("\"duration\":\(span.durationNano / 1000)")
            fields.append("\"localEndpoint\":{\"serviceName\":\(json(span.service))}")
            if case .string(let peer)? = span.attributes[key: "peer.service"] {
                fields.append("\"remoteEndpoint\":{\"serviceName\":\(json(peer))}")
            }
            if !span.events.isEmpty {
                let annotations = span.events.map { "{\"timestamp\":\($0.timeUnixNano / 1000),\"value\":\(json($0.name))}" }
                fields.append("\"annotations\":[\(annotations.joined(separator: ","))]")
            }
            var tags = span.attributes.filter { $0.key != "peer.service" }.map { "\(json($0.key)):\(json($0.value.description))" }
            if span.status.isError { tags.append("\"error\":\(json(span.status.message))") }
            if !tags.isEmpty { fields.append("\"tags\":{\(tags.joined(separator: ","))}") }
            return "{" + fields.joined(separator: ",") + "}"
        }
    }

    /// The spans `zipkinJSON` writes, as one Zipkin protobuf `ListOfSpans` (`zipkin.proto3`).
    public static func zipkinProtobuf(_ spans: [Span]) -> [UInt8] {
        func bigEndian(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) } }
        var writer = ProtobufWriter()
        for span in spans {
            writer.messageField(1) { message in
                message.bytesField(1, bigEndian(span.traceID.high) + bigEndian(span.traceID.low))
                if let parent = span.parentSpanID { message.bytesField(2, bigEndian(parent.value)) }
                message.bytesField(3, bigEndian(span.spanID.value))
                let kinds: [SpanKind: UInt64] = [.client: 1, .server: 2, .producer: 3, .consumer: 4]
                if let kind = kinds[span.kind] { message.varintField(4, kind) }
                message.stringField(5, span.name)
                message.fixed64Field(6, span.startTimeUnixNano / 1000)
                message.varintField(7, span.durationNano / 1000)
                message.messageField(8) { $0.stringField(1, span.service) }
                if case .string(let peer)? = span.attributes[key: "peer.service"] {
                    message.messageField(9) { $0.stringField(1, peer) }
                }
                for event in span.events {
                    message.messageField(10) { annotation in
                        annotation.fixed64Field(1, event.timeUnixNano / 1000)
                        annotation.stringField(2, event.name)
                    }
                }
                var tags = span.attributes.filter { $0.key != "peer.service" }.map { ($0.key, $0.value.description) }
                if span.status.isError { tags.append(("error", span.status.message)) }
                for (key, value) in tags {
                    message.messageField(11) { entry in
                        entry.stringField(1, key)
                        entry.stringField(2, value)
                    }
                }
            }
        }
        return writer.bytes
    }

    /// `text` as a JSON string literal.
    public static func json(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{0}"..."\u{1F}", "\u{2028}", "\u{2029}":
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
