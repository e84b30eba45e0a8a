public import TraceModel

/// What must survive a trip through any format: ids, parents, services, names and times.
public struct SpanShape: Hashable, Comparable, CustomStringConvertible, Sendable {
    public var spanID: SpanID
    public var parentSpanID: SpanID?
    public var service: String
    public var name: String
    public var start: UInt64
    public var end: UInt64

    public init(_ span: Span) {
        spanID = span.spanID
        parentSpanID = span.parentSpanID
        service = span.service
        name = span.name
        start = span.startTimeUnixNano
        end = span.endTimeUnixNano
    }

    public static func < (lhs: SpanShape, rhs: SpanShape) -> Bool {
        (lhs.start, lhs.spanID) < (rhs.start, rhs.spanID)
    }

    public var description: String {
        "\(spanID) <- \(parentSpanID.map(\.description) ?? "root") \(service): \(name) [\(start), \(end)]"
    }

    /// The shape with times cut to a multiple of `unit` nanoseconds, for formats that keep less
    /// precision (Jaeger and Zipkin keep microseconds).
    public func truncatingTimes(to unit: UInt64) -> SpanShape {
        var copy = self
        copy.start -= start % unit
        copy.end -= end % unit
        return copy
    }

    /// The sorted shapes of `spans`.
    public static func of(_ spans: some Sequence<Span>) -> [SpanShape] { spans.map(SpanShape.init).sorted() }
}

extension Span {
    /// The span moved to another trace id, as in a copy of a sample written under a new id.
    public func withTraceID(_ id: TraceID) -> Span {
        var copy = self
        copy.traceID = id
        copy.links = links.map { link in
            var moved = link
            if link.traceID == traceID { moved.traceID = id }
            return moved
        }
        return copy
    }
}
