/// The role of a span in a request, as OpenTelemetry's `SpanKind`.
public enum SpanKind: UInt8, Sendable, CaseIterable {
    case unspecified = 0
    case `internal` = 1
    case server = 2
    case client = 3
    case producer = 4
    case consumer = 5

    /// A short lower-case name for display.
    public var name: String {
        switch self {
        case .unspecified: "unspecified"
        case .internal: "internal"
        case .server: "server"
        case .client: "client"
        case .producer: "producer"
        case .consumer: "consumer"
        }
    }
}

/// The outcome of a span, as OpenTelemetry's `Status`.
public struct SpanStatus: Equatable, Sendable {
    /// The status code.
    public enum Code: UInt8, Sendable {
        case unset = 0
        case ok = 1
        case error = 2
    }

    // The message first: the status then takes 17 bytes, and a span packs small fields after it.
    public var message: String
    public var code: Code

    public init(code: Code = .unset, message: String = "") {
        self.code = code
        self.message = message
    }

    public var isError: Bool { code == .error }
}

/// A timestamped annotation on a span.
public struct SpanEvent: Equatable, Sendable {
    public var timeUnixNano: UInt64
    public var name: String
    public var attributes: [Attribute]

    public init(timeUnixNano: UInt64, name: String, attributes: [Attribute] = []) {
        self.timeUnixNano = timeUnixNano
        self.name = name
        self.attributes = attributes
    }
}

/// A reference from a span to another span, possibly in another trace.
public struct SpanLink: Equatable, Sendable {
    public var traceID: TraceID
    public var spanID: SpanID
    public var traceState: String
    public var attributes: [Attribute]

    public init(traceID: TraceID, spanID: SpanID, traceState: String = "", attributes: [Attribute] = []) {
        self.traceID = traceID
        self.spanID = spanID
        self.traceState = traceState
        self.attributes = attributes
    }
}

/// How a span relates to its parent.
public enum ParentRelation: UInt8, Sendable {
    /// The parent waits for the child (OpenTracing CHILD_OF; every OTLP parent).
    case childOf
    /// The parent does not wait for the child (OpenTracing FOLLOWS_FROM).
    case followsFrom
}

/// One hop of a request: a named, timed operation in one service.
///
/// Stored properties are ordered so that the small ones pack together (152 bytes a span rather
/// than 184): a large input holds millions, and assembly moves each of them.
public struct Span: Equatable, Sendable {
    public var traceID: TraceID
    public var spanID: SpanID
    public var startTimeUnixNano: UInt64
    public var endTimeUnixNano: UInt64
    public var name: String
    public var attributes: [Attribute]
    public var events: [SpanEvent]
    public var links: [SpanLink]
    public var traceState: String
    /// The entity that produced the span; shared by every span of one export batch.
    public var resource: Resource
    /// The instrumentation library that produced the span; shared like `resource`.
    public var scope: InstrumentationScope
    /// What the producer or the importer noted about this span (Jaeger's `warnings`, repairs).
    public var warnings: [String]
    /// `parentSpanID` as a number, 0 for none (an id of all zeros is invalid).
    private var parentValue: UInt64
    public var status: SpanStatus
    /// Whether the parent waits for this span.
    public var parentRelation: ParentRelation
    public var kind: SpanKind
    /// `sharesClientSpanID` (bit 0) and `wasSeparatedFromItsClient` (bit 1), in one byte.
    private var marks: UInt8
    public var flags: UInt32

    /// Zipkin's `shared`: the server half of an RPC that reuses its client's span id.
    public var sharesClientSpanID: Bool {
        get { marks & 1 != 0 }
        set { marks = newValue ? marks | 1 : marks & ~1 }
    }

    /// Set by assembly on the server half of an RPC that arrived with its client's span id and
    /// was given an id of its own.
    public var wasSeparatedFromItsClient: Bool {
        get { marks & 2 != 0 }
        set { marks = newValue ? marks | 2 : marks & ~2 }
    }

    /// The parent span's id, or nil for a root span.
    public var parentSpanID: SpanID? {
        get { parentValue == 0 ? nil : SpanID(parentValue) }
        set { parentValue = newValue?.value ?? 0 }
    }

    public init(
        traceID: TraceID,
        spanID: SpanID,
        parentSpanID: SpanID? = nil,
        parentRelation: ParentRelation = .childOf,
        name: String,
        kind: SpanKind = .unspecified,
        startTimeUnixNano: UInt64,
        endTimeUnixNano: UInt64,
        status: SpanStatus = SpanStatus(),
        attributes: [Attribute] = [],
        events: [SpanEvent] = [],
        links: [SpanLink] = [],
        traceState: String = "",
        flags: UInt32 = 0,
        resource: Resource,
        scope: InstrumentationScope = .unknown,
        sharesClientSpanID: Bool = false,
        wasSeparatedFromItsClient: Bool = false,
        warnings: [String] = []
    ) {
        self.traceID = traceID
        self.spanID = spanID
        self.parentValue = parentSpanID?.value ?? 0
        self.parentRelation = parentRelation
        self.name = name
        self.kind = kind
        self.startTimeUnixNano = startTimeUnixNano
        self.endTimeUnixNano = endTimeUnixNano
        self.status = status
        self.attributes = attributes
        self.events = events
        self.links = links
        self.traceState = traceState
        self.flags = flags
        self.resource = resource
        self.scope = scope
        self.marks = (sharesClientSpanID ? 1 : 0) | (wasSeparatedFromItsClient ? 2 : 0)
        self.warnings = warnings
    }

    /// The service that produced the span (the resource's `service.name`).
    public var service: String { resource.serviceName }

    /// End minus start in nanoseconds; zero when the span ends before it starts.
    public var durationNano: UInt64 {
        endTimeUnixNano > startTimeUnixNano ? endTimeUnixNano - startTimeUnixNano : 0
    }
}
