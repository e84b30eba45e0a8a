import SpanRecords

/// Recognises a span export by its content, never by its file name.
enum FormatDetection {
    /// The format of uncompressed `bytes` (the whole input, or its start when `complete` is
    /// false), or nil when they hold nothing but whitespace.
    /// - Throws: `JSONFailure` saying what the content looks like when it is no span export.
    static func detect(_ bytes: UnsafeRawBufferPointer, complete: Bool = true) throws(JSONFailure) -> InputFormat? {
        if SpanRecordFormat.recognises(bytes) { return .spanRecords }
        // Protobuf next: a message may start with byte 0x0A, which JSON would take for a newline.
        // Zipkin's list of spans first: its first span's fields tell it from OTLP's framing.
        if ZipkinProtobufDecoder.recognises(bytes, complete: complete) { return .zipkinProtobuf }
        if OTLPProtobufDecoder.hasMessageFraming(bytes, complete: complete) { return .otlpProtobuf }
        var reader = JSONReader(bytes: bytes)
        reader.skipByteOrderMark()
        guard let first = reader.peek() else { return nil }
        switch first {
        case UInt8(ascii: "{"):
            return try classifyObject(&reader)
        case UInt8(ascii: "["):
            reader.offset += 1
            switch reader.peek() {
            case UInt8(ascii: "[")?:
                return .zipkinJSON  // a list of traces, each a list of spans: only Zipkin nests lists
            case UInt8(ascii: "]")?:
                return .zipkinJSON  // an empty list: no spans in any format
            case UInt8(ascii: "{")?:
                return try classifyObject(&reader)
            default:
                throw reader.failure("a JSON array of \(reader.describeNext()) is not a span export")
            }
        default:
            if DotNetConsoleDecoder.recognises(bytes) { return .dotnetConsole }
            if CollectorDebugDecoder.recognises(bytes) { return .collectorDebug }
            let head = bytes.prefix(8).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ")
            throw JSONFailure(
                offset: 0,
                message:
                    "not a recognised span export: neither JSON, OTLP or Zipkin protobuf, nor the Collector's debug output or .NET's console output (first bytes \(head)); "
                    + "name the format with --format if it is one")
        }
    }

    /// Reads member names of the object at the reader until one tells the format.
    private static func classifyObject(_ reader: inout JSONReader) throws(JSONFailure) -> InputFormat {
        let start = reader.offset
        try reader.beginObject()
        var first = true
        var seen: [String] = []
        // Names two formats share decide only when nothing else does: `id` (Zipkin, X-Ray),
        // `parent_id` (Python, X-Ray); `start_time`, `end_time` are Python's when text, X-Ray's
        // when numbers, and `annotations` X-Ray's when an object (Zipkin's are a list).
        var tentative: InputFormat?
        while let key = try reader.nextKey(first: &first) {
            let name = reader.text(of: key)
            switch name {
            case "id":
                tentative = tentative ?? .zipkinJSON
                try reader.skipValue()
                continue
            case "start_time", "end_time":
                return reader.peek() == UInt8(ascii: "\"") ? .pythonConsole : .xray
            case "parent_id":
                tentative = tentative ?? .pythonConsole
                try reader.skipValue()
                continue
            case "annotations" where reader.peek() == UInt8(ascii: "{"):
                return .xray
            case "trace_id", "subsegments", "in_progress", "Traces", "UnprocessedTraceIds", "origin", "fault", "throttle", "format":
                return .xray
            default: break
            }
            switch name {
            case "resourceSpans", "batches", "result", "scopeSpans":
                return .otlpJSON
            case "resourceLogs", "resourceMetrics", "resourceProfiles":
                throw reader.failure(
                    "this is OpenTelemetry \(name.dropFirst("resource".count).lowercased()) data, not traces", at: start)
            case "data", "traceID", "spanID", "operationName", "processes", "processID", "references", "spans":
                return .jaegerJSON
            case "parentId", "localEndpoint", "remoteEndpoint", "annotations", "binaryAnnotations", "shared":
                return .zipkinJSON
            case "SpanContext", "Parent", "SpanKind", "InstrumentationScope", "InstrumentationLibrary", "ChildSpanCount":
                return .goStdoutTrace
            case "context":
                return .pythonConsole
            default:
                if seen.count < 5 { seen.append(name) }
                try reader.skipValue()
            }
        }
        if let tentative { return tentative }
        let members = seen.isEmpty ? "no members" : "members " + seen.map { "'\($0)'" }.joined(separator: ", ")
        throw reader.failure(
            "not a recognised span export: a JSON object with \(members); expected OTLP, Jaeger, Zipkin or X-Ray JSON, or the "
                + "console output of an OpenTelemetry SDK (Go stdouttrace, Python ConsoleSpanExporter)", at: start)
    }
}
