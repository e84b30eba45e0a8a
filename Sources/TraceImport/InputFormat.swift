public import TraceModel

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

    /// A name for messages.
    public var displayName: String {
        switch self {
        case .otlpJSON: "OTLP JSON"
        case .otlpProtobuf: "OTLP protobuf"
        case .jaegerJSON: "Jaeger JSON"
        case .zipkinJSON: "Zipkin v2 JSON"
        }
    }

    /// Decodes `bytes` in this format, appending the spans.
    func decode(_ bytes: UnsafeRawBufferPointer, file: String, into spans: inout [Span]) throws(ImportError) {
        switch self {
        case .otlpJSON: try OTLPJSONDecoder().decode(bytes, file: file, into: &spans)
        case .otlpProtobuf: try OTLPProtobufDecoder().decode(bytes, file: file, into: &spans)
        case .jaegerJSON: try JaegerJSONDecoder().decode(bytes, file: file, into: &spans)
        case .zipkinJSON: try ZipkinJSONDecoder().decode(bytes, file: file, into: &spans)
        }
    }
}
