public import TraceAssembly
public import TraceModel

/// What a report needs of a trace beyond its own page: enough for the index, the trace list,
/// the scatter plot and the choice of pages. Digests of the traces of every part of an input
/// are what `merge` puts together, so they hold plain values only.
public struct TraceDigest: Sendable, Equatable {
    public var traceID: TraceID
    public var startTimeUnixNano: UInt64
    public var durationNano: UInt64
    /// The service and name of the first root span: the request's entry point.
    public var rootService: String
    public var rootName: String
    public var spanCount: Int
    public var errorCount: Int
    /// Some span's parent is missing.
    public var isIncomplete: Bool
    /// The names of the services taking part, sorted.
    public var services: [String]

    public init(
        traceID: TraceID, startTimeUnixNano: UInt64, durationNano: UInt64, rootService: String, rootName: String, spanCount: Int,
        errorCount: Int, isIncomplete: Bool, services: [String]
    ) {
        self.traceID = traceID
        self.startTimeUnixNano = startTimeUnixNano
        self.durationNano = durationNano
        self.rootService = rootService
        self.rootName = rootName
        self.spanCount = spanCount
        self.errorCount = errorCount
        self.isIncomplete = isIncomplete
        self.services = services
    }

    public init(_ trace: Trace) {
        let root = trace.spans[trace.rootIndices[0]]
        self.init(
            traceID: trace.traceID, startTimeUnixNano: trace.startTimeUnixNano, durationNano: trace.durationNano, rootService: root.service,
            rootName: root.name, spanCount: trace.spans.count, errorCount: trace.errorCount, isIncomplete: trace.isIncomplete,
            services: trace.services)
    }

    /// Where the trace comes in a report: by start time, then by id.
    public var reportOrder: ReportOrder { ReportOrder(startTimeUnixNano: startTimeUnixNano, traceID: traceID) }
}

/// The order of traces in a report (and the sense of "earliest"): by start time, then by id.
/// Being a property of the trace alone, it is the same in any part of an input as in the whole.
public struct ReportOrder: Sendable, Hashable, Comparable {
    public var startTimeUnixNano: UInt64
    public var traceID: TraceID

    public init(startTimeUnixNano: UInt64, traceID: TraceID) {
        self.startTimeUnixNano = startTimeUnixNano
        self.traceID = traceID
    }

    public init(_ trace: Trace) {
        self.init(startTimeUnixNano: trace.startTimeUnixNano, traceID: trace.traceID)
    }

    public static func < (lhs: ReportOrder, rhs: ReportOrder) -> Bool {
        (lhs.startTimeUnixNano, lhs.traceID) < (rhs.startTimeUnixNano, rhs.traceID)
    }
}

extension TraceIDMatch {
    /// Finds the trace `text` names among `traces`.
    public init(_ text: String, in traces: [TraceDigest]) {
        self.init(text, ids: traces.map(\.traceID)) { index in "\(traces[index].rootService): \(traces[index].rootName)" }
    }
}
