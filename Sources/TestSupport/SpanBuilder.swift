public import TraceModel

/// Short ways to make spans in tests: small integers for ids, milliseconds for times.
public enum SpanBuilder {
    /// A resource for `service`, shared by every call with the same name.
    public static func resource(_ service: String) -> Resource { Resource(serviceName: service) }

    /// A span of trace `trace` with id `id`, child of `parent` (0 for none), from `start` to `end`
    /// milliseconds after a fixed epoch.
    public static func span(
        trace: UInt64 = 1, id: UInt64, parent: UInt64 = 0, service: String = "svc", name: String? = nil,
        start: UInt64, end: UInt64, kind: SpanKind = .internal, status: SpanStatus = SpanStatus(),
        attributes: [Attribute] = []
    ) -> Span {
        let epoch: UInt64 = 1_700_000_000_000_000_000
        return Span(
            traceID: TraceID(high: 0xABCD, low: trace),
            spanID: SpanID(id),
            parentSpanID: parent == 0 ? nil : SpanID(parent),
            name: name ?? "op\(id)",
            kind: kind,
            startTimeUnixNano: epoch + start * 1_000_000,
            endTimeUnixNano: epoch + end * 1_000_000,
            status: status,
            attributes: attributes,
            resource: resource(service)
        )
    }
}
