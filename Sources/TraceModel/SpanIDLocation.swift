/// Where one span id was seen: its trace, and the service and operation of its span. The check
/// for span ids used in more than one trace works on these; partition files carry them apart
/// from the spans, filed by span id, so that the one `build` that gets an id sees every trace it
/// occurs in.
public struct SpanIDLocation: Sendable, Hashable {
    public var spanID: SpanID
    public var traceID: TraceID
    public var service: String
    public var operation: String

    public init(spanID: SpanID, traceID: TraceID, service: String, operation: String) {
        self.spanID = spanID
        self.traceID = traceID
        self.service = service
        self.operation = operation
    }
}
