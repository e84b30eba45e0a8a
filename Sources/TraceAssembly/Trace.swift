public import TraceModel

/// The spans of one trace, arranged as a forest in display order, with what assembly found.
///
/// `spans` is in depth-first order: each root (earliest first) is followed by its subtree, and
/// siblings are ordered by start time. Per-span facts live in arrays parallel to `spans`.
public struct Trace: Sendable {
    public let traceID: TraceID
    /// The spans in display order.
    public let spans: SpanList
    /// For each span, the index of its parent in `spans`, or nil for a root.
    public let parentIndex: [Int?]
    /// For each span, its depth in the tree (roots are 0).
    public let depth: [Int]
    /// For each span, its duration minus the time covered by its children (clipped to the span).
    public let selfTimeNano: [UInt64]
    /// The critical path: the sections of spans the trace's end waited for, latest first.
    public let criticalPath: [CriticalPathSection]
    /// For each span, its time on the critical path.
    public let criticalPathNano: [UInt64]
    /// For each span, how far clock-skew adjustment moved it (0 when it was not).
    public let clockSkewShiftNano: [Int64]
    /// Indices of the root spans in `spans`.
    public let rootIndices: [Int]
    /// How many spans name a parent that is not in the trace; such spans are shown as roots.
    public let missingParentCount: Int
    /// How many exact copies of another span were dropped.
    public let duplicatesDropped: Int
    /// What assembly had to correct, in words, for the trace page.
    public let warnings: [String]
    /// The earliest start of any span.
    public let startTimeUnixNano: UInt64
    /// The latest end of any span (a span ending before it starts counts as ending at its start).
    public let endTimeUnixNano: UInt64
    /// How many spans have error status.
    public let errorCount: Int
    /// The names of the services taking part, sorted.
    public let services: [String]

    public init(
        traceID: TraceID, spans: [Span], parentIndex: [Int?], depth: [Int], selfTimeNano: [UInt64],
        criticalPath: [CriticalPathSection], clockSkewShiftNano: [Int64],
        rootIndices: [Int], missingParentCount: Int, duplicatesDropped: Int, warnings: [String]
    ) {
        self.init(
            traceID: traceID, spans: SpanList(spans), parentIndex: parentIndex, depth: depth, selfTimeNano: selfTimeNano,
            criticalPath: criticalPath, clockSkewShiftNano: clockSkewShiftNano, rootIndices: rootIndices,
            missingParentCount: missingParentCount, duplicatesDropped: duplicatesDropped, warnings: warnings)
    }

    init(
        traceID: TraceID, spans: SpanList, parentIndex: [Int?], depth: [Int], selfTimeNano: [UInt64],
        criticalPath: [CriticalPathSection], clockSkewShiftNano: [Int64],
        rootIndices: [Int], missingParentCount: Int, duplicatesDropped: Int, warnings: [String]
    ) {
        self.traceID = traceID
        self.spans = spans
        self.parentIndex = parentIndex
        self.depth = depth
        self.selfTimeNano = selfTimeNano
        self.criticalPath = criticalPath
        var onPath = [UInt64](repeating: 0, count: spans.count)
        for section in criticalPath { onPath[section.spanIndex] += section.durationNano }
        self.criticalPathNano = onPath
        self.clockSkewShiftNano = clockSkewShiftNano
        self.rootIndices = rootIndices
        self.missingParentCount = missingParentCount
        self.duplicatesDropped = duplicatesDropped
        self.warnings = warnings
        // One pass reading fields in place; a service name is looked at only where the resource
        // differs from the span before's.
        var start = UInt64.max
        var end: UInt64 = 0
        var errors = 0
        var services = ServiceNames()
        var lastResource: ObjectIdentifier?
        for index in spans.indices {
            start = min(start, spans[index].startTimeUnixNano)
            end = max(end, spans[index].endTimeUnixNano, spans[index].startTimeUnixNano)
            if spans[index].status.isError { errors += 1 }
            let resource = ObjectIdentifier(spans[index].resource)
            if resource != lastResource {
                lastResource = resource
                services.insert(spans[index].service)
            }
        }
        self.startTimeUnixNano = spans.isEmpty ? 0 : start
        self.endTimeUnixNano = end
        self.errorCount = errors
        self.services = services.sorted()
    }

    /// True when some span's parent is missing: the trace was not captured whole.
    public var isIncomplete: Bool { missingParentCount > 0 }

    /// From the earliest start to the latest end.
    public var durationNano: UInt64 { endTimeUnixNano - startTimeUnixNano }

    /// The first root span: the entry point of the request.
    public var root: Span { spans[rootIndices[0]] }
}

/// The distinct service names of a trace: a short list searched in order (a trace has a few
/// services, and hashing a name costs more than comparing it with them), and past that a set.
private struct ServiceNames {
    private static let listed = 16
    private var list: [String] = []
    private var set: Set<String> = []

    mutating func insert(_ name: String) {
        if set.isEmpty {
            if list.contains(name) { return }
            if list.count < Self.listed {
                list.append(name)
                return
            }
            set = Set(list)
        }
        set.insert(name)
    }

    func sorted() -> [String] { set.isEmpty ? list.sorted() : set.sorted() }
}
