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
    /// tracereport's own span records: what `tracereport partition` writes.
    case spanRecords = "span-records"

    /// A name for messages.
    public var displayName: String {
        switch self {
        case .otlpJSON: "OTLP JSON"
        case .otlpProtobuf: "OTLP protobuf"
        case .jaegerJSON: "Jaeger JSON"
        case .zipkinJSON: "Zipkin v2 JSON"
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
        case .spanRecords: 120
        }
    }

    /// Decodes `bytes` in this format, appending the spans.
    func decode(_ bytes: UnsafeRawBufferPointer, file: String, into spans: inout [Span]) throws(ImportError) {
        switch self {
        case .otlpJSON: try OTLPJSONDecoder().decode(bytes, file: file, into: &spans)
        case .otlpProtobuf: try OTLPProtobufDecoder().decode(bytes, file: file, into: &spans)
        case .jaegerJSON: try JaegerJSONDecoder().decode(bytes, file: file, into: &spans)
        case .zipkinJSON: try ZipkinJSONDecoder().decode(bytes, file: file, into: &spans)
        case .spanRecords:
            do {
                try SpanRecordReader.decode(bytes, into: &spans)
            } catch {
                throw ImportError(file: file, offset: error.offset, message: error.message)
            }
        }
    }
}
