public import TraceAssembly
public import TraceModel

/// What a report knows of some of the traces of an input (or all of them): a digest of each
/// trace, the service graph, the instrumentation health tally, the waste patterns' tally and the
/// timeline of requests, errors and latency. Everything the site shows but
/// the trace pages comes from this, and reports on disjoint sets of traces merge into exactly the
/// report on their union: counts, sums, maxima, edges and exemplars are equal, and percentiles
/// are those of the union (the latency sketches merge without loss).
public struct PartialReport: Sendable, Equatable {
    /// One per trace, in report order (by start time, then id).
    public private(set) var traces: [TraceDigest]
    public private(set) var graph: ServiceGraph
    public private(set) var health: InstrumentationHealth.Tally
    public private(set) var waste: WastePatterns.Tally
    public private(set) var timeline: Timeline
    public private(set) var workflows: Workflows.Tally

    /// - Parameter traces: in report order (checked: a list out of order is sorted).
    public init(
        traces: [TraceDigest], graph: ServiceGraph, health: InstrumentationHealth.Tally, waste: WastePatterns.Tally, timeline: Timeline,
        workflows: Workflows.Tally
    ) {
        let ordered = zip(traces, traces.dropFirst()).allSatisfy { $0.reportOrder < $1.reportOrder }
        self.traces = ordered ? traces : traces.sorted { $0.reportOrder < $1.reportOrder }
        self.graph = graph
        self.health = health
        self.waste = waste
        self.timeline = timeline
        self.workflows = workflows
    }

    /// The report on `traces` (in report order, as the assembler gives them).
    /// - Parameter spanIDsInSeveralTraces: the places of span ids met in several traces, found in
    ///   the spans as read (`InstrumentationHealth.Tally.spanIDsInSeveralTraces(in:)`); a part
    ///   filed by trace id has none of its own, and gets the places of the ids filed with it.
    /// - Parameter wasteThresholds: what counts as a pattern that wastes time.
    /// - Parameter buckets: the sizes the timeline's buckets may take.
    /// - Parameter joinAttribute: the attribute whose shared values join traces into workflows.
    public init(
        traces: [Trace], keyAttributes: [String], spanIDsInSeveralTraces: [SpanIDLocation],
        wasteThresholds: WastePatterns.Thresholds = WastePatterns.Thresholds(), buckets: BucketGrid = BucketGrid(),
        joinAttribute: String? = nil
    ) {
        // The graph, the health tally, the workflows' joins, the timeline, and the patterns of a few
        // runs of traces, each taken by the next free core; the runs' tallies merge into the tally
        // of all (in a fixed order). The timeline is one part: each run's would hold every series
        // over the whole time the traces span.
        enum Part: Sendable {
            case graph(ServiceGraph)
            case health(InstrumentationHealth.Tally)
            case waste(WastePatterns.Tally)
            case timeline(Timeline)
            case workflows(Workflows.Tally)
        }
        let runs = Self.runs
        let parts = ParallelWork.map(count: 4 + runs, workers: 4 + runs) { index -> Part in
            /// The traces of run `run`.
            func run(_ run: Int) -> ArraySlice<Trace> { traces[(traces.count * run / runs)..<(traces.count * (run + 1) / runs)] }
            switch index {
            case 0: return .graph(ServiceGraph(traces: traces))
            case 1: return .health(InstrumentationHealth.Tally(traces: traces, keyAttributes: keyAttributes))
            case 2: return .workflows(Workflows.Tally(traces: traces, joinAttribute: joinAttribute))
            case 3: return .timeline(Timeline(traces: traces, grid: buckets))
            default: return .waste(WastePatterns.Tally(traces: run(index - 4), thresholds: wasteThresholds))
            }
        }
        var graph = ServiceGraph()
        var health = InstrumentationHealth.Tally(keyAttributes: keyAttributes)
        var waste = WastePatterns.Tally(thresholds: wasteThresholds)
        var timeline = Timeline(grid: buckets)
        var workflows = Workflows.Tally(joinAttribute: joinAttribute)
        for part in parts {
            switch part {
            case .graph(let built): graph = built
            case .health(let counted): health = counted
            case .waste(let counted): waste.merge(counted)
            case .timeline(let counted): timeline = counted
            case .workflows(let noted): workflows = noted
            }
        }
        health.spanIDsInSeveralTraces = spanIDsInSeveralTraces
        self.traces = traces.map(TraceDigest.init)
        self.graph = graph
        self.health = health
        self.waste = waste
        self.timeline = timeline
        self.workflows = workflows
    }

    /// The patterns are looked for in this many runs of traces, beside the graph, the health tally
    /// and the timeline: they cost about as much as any of those, and so the work is shared evenly
    /// between cores.
    static let runs = 4

    /// An empty report, to merge parts into.
    public init(
        keyAttributes: [String], wasteThresholds: WastePatterns.Thresholds = WastePatterns.Thresholds(), buckets: BucketGrid = BucketGrid(),
        joinAttribute: String? = nil
    ) {
        self.init(
            traces: [], graph: ServiceGraph(), health: InstrumentationHealth.Tally(keyAttributes: keyAttributes),
            waste: WastePatterns.Tally(thresholds: wasteThresholds), timeline: Timeline(grid: buckets),
            workflows: Workflows.Tally(joinAttribute: joinAttribute))
    }

    /// Adds the report on other traces.
    public mutating func merge(_ other: PartialReport) {
        traces = Self.merged(traces, other.traces)
        mergeAllButTraces(other)
    }

    /// Adds the graph and health tally of a report on other traces, whose digests the caller
    /// puts in with `replaceTraces(_:)` (merging many parts' digests at once costs less memory).
    public mutating func mergeAllButTraces(_ other: PartialReport) {
        graph.merge(other.graph)
        health.merge(other.health)
        waste.merge(other.waste)
        timeline.merge(other.timeline)
        workflows.merge(other.workflows)
    }

    /// Takes `traces` (in report order) as the report's digests.
    public mutating func replaceTraces(_ traces: [TraceDigest]) {
        precondition(zip(traces, traces.dropFirst()).allSatisfy { $0.reportOrder < $1.reportOrder }, "digests out of report order")
        self.traces = traces
    }

    /// The health findings over every trace in the report.
    public var findings: InstrumentationHealth { InstrumentationHealth(tally: health, traces: traces) }

    /// The traces joined into workflows, over every trace in the report.
    public var joinedWorkflows: Workflows { Workflows(tally: workflows, traces: traces) }

    /// The patterns that waste time, over every trace in the report.
    public var wastePatterns: WastePatterns { WastePatterns(tally: waste) }

    /// Two lists in report order, merged.
    private static func merged(_ a: [TraceDigest], _ b: [TraceDigest]) -> [TraceDigest] {
        if b.isEmpty { return a }
        if a.isEmpty { return b }
        var out: [TraceDigest] = []
        out.reserveCapacity(a.count + b.count)
        var (i, j) = (0, 0)
        while i < a.count, j < b.count {
            if b[j].reportOrder < a[i].reportOrder {
                out.append(b[j])
                j += 1
            } else {
                out.append(a[i])
                i += 1
            }
        }
        out += a[i...]
        out += b[j...]
        return out
    }
}
