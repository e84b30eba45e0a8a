import SpanRecords
import TraceModel

/// The span export formats tracereport reads.
public enum InputFormat: String, CaseIterable, Sendable {
    /// OpenTelemetry OTLP/JSON: one document or JSON lines.
    case otlpJSON = "otlp-json"
    /// OpenTelemetry OTLP protobuf: one message, or length-prefixed messages.
    case otlpProtobuf = "otlp-proto"
    /// Jaeger JSON: query API / UI download, span arrays, domain model.
    case jaegerJSON = "jaeger"
    /// Zipkin v2 JSON.
    case zipkinJSON = "zipkin"
    /// Zipkin protobuf: `zipkin.proto3` `ListOfSpans`.
    case zipkinProtobuf = "zipkin-proto"
    /// AWS X-Ray: `batch-get-traces` output, or segment documents.
    case xray = "xray"
    /// The OpenTelemetry Collector's `debug` (or `logging`) exporter's detailed text.
    case collectorDebug = "collector-debug"
    /// What the OpenTelemetry Go SDK's `stdouttrace` exporter writes.
    case goStdoutTrace = "otel-go-stdout"
    /// What the OpenTelemetry Python SDK's `ConsoleSpanExporter` prints.
    case pythonConsole = "otel-python-console"
    /// What the OpenTelemetry .NET SDK's console exporter prints.
    case dotnetConsole = "otel-dotnet-console"
    /// tracereport's own span records: what `tracereport partition` writes.
    case spanRecords = "span-records"

    /// A name for messages.
    public var displayName: String {
        switch self {
        case .otlpJSON: "OTLP JSON"
        case .otlpProtobuf: "OTLP protobuf"
        case .jaegerJSON: "Jaeger JSON"
        case .zipkinJSON: "Zipkin v2 JSON"
        case .zipkinProtobuf: "Zipkin protobuf"
        case .xray: "AWS X-Ray JSON"
        case .collectorDebug: "OpenTelemetry Collector debug output"
        case .goStdoutTrace: "OpenTelemetry Go stdouttrace output"
        case .pythonConsole: "OpenTelemetry Python console output"
        case .dotnetConsole: "OpenTelemetry .NET console output"
        case .spanRecords: "tracereport span records"
        }
    }

    /// Fewer bytes than exporters of this format write for a span with a few attributes, so that
    /// the spans array reserved from an input's size is seldom outgrown: growing it copies every
    /// span into new memory, while memory reserved and not used is never touched.
    var bytesPerSpanEstimate: Int {
        switch self {
        case .otlpJSON: 320
        case .otlpProtobuf: 140
        case .jaegerJSON: 360
        case .zipkinJSON: 200
        case .zipkinProtobuf: 100
        case .xray: 400
        case .collectorDebug: 900
        case .goStdoutTrace: 900
        case .pythonConsole: 700
        case .dotnetConsole: 500
        case .spanRecords: 120
        }
    }

    /// Decodes `bytes` in this format, appending the spans; returns what was dropped or
    /// repaired (see the decoders).
    func decode(_ bytes: UnsafeRawBufferPointer, file: String, strict: Bool, into spans: inout [Span]) throws(ImportError) -> RecordIssues {
        switch self {
        case .otlpJSON: return try OTLPJSONDecoder().decode(bytes, file: file, strict: strict, into: &spans)
        case .otlpProtobuf: return try OTLPProtobufDecoder().decode(bytes, file: file, strict: strict, into: &spans)
        case .jaegerJSON: return try JaegerJSONDecoder().decode(bytes, file: file, strict: strict, into: &spans)
        case .zipkinJSON: return try ZipkinJSONDecoder().decode(bytes, file: file, strict: strict, into: &spans)
        case .zipkinProtobuf: return try ZipkinProtobufDecoder().decode(bytes, file: file, strict: strict, into: &spans)
        case .xray: return try XRayDecoder().decode(bytes, file: file, strict: strict, into: &spans)
        case .collectorDebug: return try CollectorDebugDecoder().decode(bytes, file: file, strict: strict, into: &spans)
        case .goStdoutTrace: return try GoStdoutTraceDecoder().decode(bytes, file: file, strict: strict, into: &spans)
        case .pythonConsole: return try PythonConsoleDecoder().decode(bytes, file: file, strict: strict, into: &spans)
        case .dotnetConsole: return try DotNetConsoleDecoder().decode(bytes, file: file, strict: strict, into: &spans)
        case .spanRecords:
            // tracereport's own files: damage is a fault of the file, not of a record.
            do {
                try SpanRecordReader.decode(bytes, into: &spans)
            } catch {
                throw ImportError(file: file, offset: error.offset, message: error.message)
            }
            return RecordIssues()
        }
    }
}
