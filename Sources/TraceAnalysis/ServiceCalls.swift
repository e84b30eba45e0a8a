public import TraceAssembly
public import TraceModel

/// One call from a caller service to a callee, seen in one trace.
public struct ServiceCall: Sendable, Equatable {
    /// How the caller waited for the callee.
    public enum Style: Sendable, Equatable {
        /// The caller waited (RPC, HTTP, database query).
        case request
        /// The caller did not wait: producer to consumer, FOLLOWS_FROM, or a link.
        case asynchronous
    }

    public var caller: String
    public var callee: String
    /// True when the callee is not instrumented: a database, cache, queue or third-party API
    /// named from the caller's span.
    public var calleeIsVirtual: Bool
    public var style: Style
    /// The callee's span (or the client span, for a virtual callee), in `Trace.spans`.
    public var spanIndex: Int
    public var durationNano: UInt64
    public var isError: Bool
}

/// Derives the service-to-service calls of a trace.
///
/// A call is every parent/child pair that crosses services (asynchronous when the child follows
/// from its parent, consumes what the parent produced, or the parent is a producer), every link
/// to a span of another service in the trace, and every CLIENT or PRODUCER span with no
/// instrumented child in another service, whose callee is then a virtual node named from
/// `peer.service`, `db.system`/`db.name`, `messaging.system`, `server.address` (Zipkin's
/// `remoteEndpoint` arrives as `peer.service`).
public enum ServiceCalls {
    public static func derive(_ trace: Trace) -> [ServiceCall] {
        var calls: [ServiceCall] = []
        var hasRemoteChild = [Bool](repeating: false, count: trace.spans.count)
        var indexOfID: [SpanID: Int] = [:]
        for (index, span) in trace.spans.enumerated() where indexOfID[span.spanID] == nil { indexOfID[span.spanID] = index }
        for (index, span) in trace.spans.enumerated() {
            if let p = trace.parentIndex[index] {
                let parent = trace.spans[p]
                if parent.service != span.service {
                    hasRemoteChild[p] = true
                    let asynchronous = span.parentRelation == .followsFrom || span.kind == .consumer || parent.kind == .producer
                    calls.append(
                        ServiceCall(
                            caller: parent.service, callee: span.service, calleeIsVirtual: false,
                            style: asynchronous ? .asynchronous : .request, spanIndex: index, durationNano: span.durationNano,
                            isError: span.status.isError))
                }
            }
            for link in span.links where link.traceID == trace.traceID {
                guard let linked = indexOfID[link.spanID], trace.spans[linked].service != span.service else { continue }
                calls.append(
                    ServiceCall(
                        caller: trace.spans[linked].service, callee: span.service, calleeIsVirtual: false, style: .asynchronous,
                        spanIndex: index, durationNano: span.durationNano, isError: span.status.isError))
            }
        }
        for (index, span) in trace.spans.enumerated() where (span.kind == .client || span.kind == .producer) && !hasRemoteChild[index] {
            guard let name = virtualCallee(span) else { continue }
            calls.append(
                ServiceCall(
                    caller: span.service, callee: name, calleeIsVirtual: true, style: span.kind == .producer ? .asynchronous : .request,
                    spanIndex: index, durationNano: span.durationNano, isError: span.status.isError))
        }
        return calls
    }

    /// The name of what an uninstrumented CLIENT or PRODUCER span called, from its attributes.
    public static func virtualCallee(_ span: Span) -> String? {
        func text(_ key: String) -> String? {
            guard let value = span.attributes[key: key] else { return nil }
            let description = value.description
            return description.isEmpty ? nil : description
        }
        if let peer = text("peer.service") { return peer }
        if let system = text("db.system") { return text("db.name").map { "\(system) \($0)" } ?? system }
        if let system = text("messaging.system") {
            return text("messaging.destination.name").map { "\(system) \($0)" } ?? system
        }
        if let address = text("server.address") ?? text("net.peer.name") ?? text("http.host") { return address }
        return nil
    }
}
