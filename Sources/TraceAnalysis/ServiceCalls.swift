public import TraceAssembly
import TraceModel

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
/// `peer.service`, `db.system`/`db.name`, `messaging.system`, or the server's address (with its
/// port when the address is an IP address: `0.0.0.0:8081`). Zipkin's `remoteEndpoint` arrives as
/// `peer.service` and `network.peer.*`.
public enum ServiceCalls {
    public static func derive(_ trace: Trace) -> [ServiceCall] {
        var calls: [ServiceCall] = []
        calls.reserveCapacity(trace.spans.count)
        var hasRemoteChild = [Bool](repeating: false, count: trace.spans.count)
        // Links need the spans by id; most traces have none, and skip building the map.
        var indexOfID: [SpanID: Int] = [:]
        if trace.spans.contains(where: { !$0.links.isEmpty }) {
            for index in trace.spans.indices where indexOfID[trace.spans[index].spanID] == nil {
                indexOfID[trace.spans[index].spanID] = index
            }
        }
        for index in trace.spans.indices {
            // Fields are read in place rather than copying whole spans.
            if let p = trace.parentIndex[index], trace.spans[p].service != trace.spans[index].service {
                hasRemoteChild[p] = true
                let asynchronous =
                    trace.spans[index].parentRelation == .followsFrom || trace.spans[index].kind == .consumer
                    || trace.spans[p].kind == .producer
                calls.append(
                    ServiceCall(
                        caller: trace.spans[p].service, callee: trace.spans[index].service, calleeIsVirtual: false,
                        style: asynchronous ? .asynchronous : .request, spanIndex: index, durationNano: trace.spans[index].durationNano,
                        isError: trace.spans[index].status.isError))
            }
            guard !indexOfID.isEmpty else { continue }
            for link in trace.spans[index].links where link.traceID == trace.traceID {
                guard let linked = indexOfID[link.spanID], trace.spans[linked].service != trace.spans[index].service else { continue }
                calls.append(
                    ServiceCall(
                        caller: trace.spans[linked].service, callee: trace.spans[index].service, calleeIsVirtual: false,
                        style: .asynchronous, spanIndex: index, durationNano: trace.spans[index].durationNano,
                        isError: trace.spans[index].status.isError))
            }
        }
        for index in trace.spans.indices
        where (trace.spans[index].kind == .client || trace.spans[index].kind == .producer) && !hasRemoteChild[index] {
            guard let name = virtualCallee(attributes: trace.spans[index].attributes) else { continue }
            let asynchronous = trace.spans[index].kind == .producer
            calls.append(
                ServiceCall(
                    caller: trace.spans[index].service, callee: name, calleeIsVirtual: true, style: asynchronous ? .asynchronous : .request,
                    spanIndex: index, durationNano: trace.spans[index].durationNano, isError: trace.spans[index].status.isError))
        }
        return calls
    }

    /// The name of what an uninstrumented CLIENT or PRODUCER span called, from its attributes.
    static func virtualCallee(attributes: [Attribute]) -> String? {
        func text(_ key: String) -> String? {
            guard let value = attributes[key: key] else { return nil }
            let description = value.description
            return description.isEmpty ? nil : description
        }
        if let peer = text("peer.service") { return peer }
        if let system = text("db.system") { return text("db.name").map { "\(system) \($0)" } ?? system }
        if let system = text("messaging.system") {
            return text("messaging.destination.name").map { "\(system) \($0)" } ?? system
        }
        guard
            let address = text("server.address") ?? text("net.peer.name") ?? text("http.host") ?? text("network.peer.address")
                ?? text("net.peer.ip")
        else { return nil }
        // A bare address (0.0.0.0, 10.0.3.7, ::1, localhost) names a machine, not a service: the
        // port tells the services on it apart.
        guard isAddressLiteral(address), let port = text("server.port") ?? text("net.peer.port") ?? text("network.peer.port") else {
            return address
        }
        return address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)"
    }

    /// Whether `host` is an IP address or `localhost` rather than a name.
    static func isAddressLiteral(_ host: String) -> Bool {
        if host == "localhost" { return true }
        if host.contains(":") { return host.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." } }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4
            && parts.allSatisfy { part in !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber) }
    }
}
