/// The entity that produced spans (a service instance), shared by reference among its spans.
public final class Resource: Equatable, Sendable {
    /// The service name used when a resource has no `service.name`, as OpenTelemetry SDKs do.
    public static let unknownServiceName = "unknown_service"

    /// The `service.name` attribute, or `unknown_service` when absent.
    public let serviceName: String
    public let attributes: [Attribute]
    public let schemaURL: String
    /// The host the entity ran on, as "key=value" from the first of `host.id`, `host.ip`,
    /// `host.name`, `service.instance.id` or `network.local.address` (Zipkin's endpoint address);
    /// nil when the resource does not say. Spans on different hosts may have skewed clocks.
    public let host: String?

    /// The attributes that name a host, most specific first.
    public static let hostKeys = ["host.id", "host.ip", "host.name", "service.instance.id", "network.local.address"]

    public init(attributes: [Attribute], schemaURL: String = "") {
        if case .string(let name)? = attributes[key: "service.name"], !name.isEmpty {
            serviceName = name
        } else {
            serviceName = Resource.unknownServiceName
        }
        self.attributes = attributes
        self.schemaURL = schemaURL
        host =
            Self.hostKeys.lazy.compactMap { key -> String? in
                guard case .string(let value)? = attributes[key: key], !value.isEmpty else { return nil }
                return key + "=" + value
            }.first
    }

    /// A resource holding only a service name.
    public convenience init(serviceName: String) {
        self.init(attributes: [Attribute(key: "service.name", value: .string(serviceName))])
    }

    public static func == (lhs: Resource, rhs: Resource) -> Bool {
        lhs === rhs || (lhs.attributes == rhs.attributes && lhs.schemaURL == rhs.schemaURL)
    }
}

/// The instrumentation library that produced spans, shared by reference among its spans.
public final class InstrumentationScope: Equatable, Sendable {
    /// A scope with no name, for spans whose export did not say.
    public static let unknown = InstrumentationScope(name: "")

    public let name: String
    public let version: String
    public let attributes: [Attribute]

    public init(name: String, version: String = "", attributes: [Attribute] = []) {
        self.name = name
        self.version = version
        self.attributes = attributes
    }

    public static func == (lhs: InstrumentationScope, rhs: InstrumentationScope) -> Bool {
        lhs === rhs || (lhs.name == rhs.name && lhs.version == rhs.version && lhs.attributes == rhs.attributes)
    }
}
