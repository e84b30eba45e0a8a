public import TraceModel

/// Groups spans into traces and arranges each trace as a tree.
///
/// Never recurses: a chain of 100,000 nested spans is assembled with explicit stacks.
public struct TraceAssembler: Sendable {
    public init() {}

    /// Groups `spans` by trace id and assembles each trace; traces are ordered by start time,
    /// then by id, so that the same input always gives the same order.
    public func assemble(_ spans: [Span]) -> [Trace] {
        var groups: [TraceID: [Int]] = [:]
        for (index, span) in spans.enumerated() {
            groups[span.traceID, default: []].append(index)
        }
        let traces = groups.map { id, indices in assembleTrace(id, indices.map { spans[$0] }) }
        return traces.sorted { ($0.startTimeUnixNano, $0.traceID) < ($1.startTimeUnixNano, $1.traceID) }
    }

    /// Assembles the spans of one trace (all with the same trace id).
    public func assembleTrace(_ traceID: TraceID, _ input: [Span]) -> Trace {
        var warnings: [String] = []
        let timed = Self.placeUntimedSpans(input, warnings: &warnings)
        // A stable order first: start time, then id, then name, so that ties never depend on input order.
        var spans = timed.sorted {
            ($0.startTimeUnixNano, $0.spanID, $0.endTimeUnixNano, $0.name)
                < ($1.startTimeUnixNano, $1.spanID, $1.endTimeUnixNano, $1.name)
        }
        let duplicatesDropped = Self.dropExactDuplicates(&spans, warnings: &warnings)

        // The first span holding an id is the one its children attach to.
        var indexOfID: [SpanID: Int] = [:]
        indexOfID.reserveCapacity(spans.count)
        for (index, span) in spans.enumerated() where indexOfID[span.spanID] == nil {
            indexOfID[span.spanID] = index
        }

        var parent = [Int?](repeating: nil, count: spans.count)
        var missingParentCount = 0
        for (index, span) in spans.enumerated() {
            guard let parentID = span.parentSpanID else { continue }
            if parentID == span.spanID {
                warnings.append("span \(span.spanID) names itself as its parent; shown as a root")
            } else if let parentIndex = indexOfID[parentID] {
                parent[index] = parentIndex
            } else {
                missingParentCount += 1
            }
        }
        if missingParentCount > 0 {
            let noun = missingParentCount == 1 ? "span names a parent" : "spans name a parent"
            warnings.append("\(missingParentCount) \(noun) missing from the input; shown as roots (trace incomplete)")
        }

        let forest = Forest(parent: parent)
        let (order, cycleBreaks) = forest.depthFirstOrder()
        for index in cycleBreaks {
            parent[index] = nil
            warnings.append("parent cycle broken at span \(spans[index].spanID), now shown as a root")
        }

        // Renumber everything into display order.
        var position = [Int](repeating: 0, count: spans.count)
        for (newIndex, oldIndex) in order.enumerated() { position[oldIndex] = newIndex }
        let orderedSpans = order.map { spans[$0] }
        let orderedParent = order.map { parent[$0].map { position[$0] } }
        var depth = [Int](repeating: 0, count: spans.count)
        for index in orderedSpans.indices {
            if let parentIndex = orderedParent[index] { depth[index] = depth[parentIndex] + 1 }
        }
        return Trace(
            traceID: traceID,
            spans: orderedSpans,
            parentIndex: orderedParent,
            depth: depth,
            selfTimeNano: SelfTime.compute(spans: orderedSpans, parentIndex: orderedParent),
            rootIndices: orderedParent.indices.filter { orderedParent[$0] == nil },
            missingParentCount: missingParentCount,
            duplicatesDropped: duplicatesDropped,
            warnings: warnings
        )
    }

    /// Gives spans without a timestamp (start 0, as Zipkin allows) the start of their nearest timed
    /// ancestor, or of the trace, as an instant, so that they can be drawn; each is reported.
    private static func placeUntimedSpans(_ input: [Span], warnings: inout [String]) -> [Span] {
        guard input.contains(where: { $0.startTimeUnixNano == 0 }) else { return input }
        let traceStart = input.lazy.map(\.startTimeUnixNano).filter { $0 > 0 }.min() ?? 0
        var indexOfID: [SpanID: Int] = [:]
        for (index, span) in input.enumerated() where indexOfID[span.spanID] == nil { indexOfID[span.spanID] = index }
        var spans = input
        var placed = 0
        for index in spans.indices where input[index].startTimeUnixNano == 0 {
            // Walk up at most `count` steps, so that a parent cycle cannot loop forever.
            var ancestor = input[index].parentSpanID.flatMap { indexOfID[$0] }
            var steps = 0
            while let current = ancestor, input[current].startTimeUnixNano == 0, steps < input.count {
                ancestor = input[current].parentSpanID.flatMap { indexOfID[$0] }
                steps += 1
            }
            let start = ancestor.map { input[$0].startTimeUnixNano }.flatMap { $0 > 0 ? $0 : nil } ?? traceStart
            spans[index].startTimeUnixNano = start
            spans[index].endTimeUnixNano = max(spans[index].endTimeUnixNano, start)
            spans[index].warnings.append("drawn at the start of its parent (or of the trace), as it has no timestamp")
            placed += 1
        }
        warnings.append("\(placed) \(placed == 1 ? "span has" : "spans have") no timestamp; drawn as instants at their parent's start")
        return spans
    }

    /// Removes spans identical to an earlier span with the same id; returns how many were removed.
    /// Different spans sharing an id are kept and reported.
    private static func dropExactDuplicates(_ spans: inout [Span], warnings: inout [String]) -> Int {
        var byID: [SpanID: [Int]] = [:]
        for (index, span) in spans.enumerated() { byID[span.spanID, default: []].append(index) }
        var drop = Set<Int>()
        var reused: [SpanID] = []
        for (id, indices) in byID where indices.count > 1 {
            var kept: [Int] = []
            for index in indices {
                if kept.contains(where: { spans[$0] == spans[index] }) {
                    drop.insert(index)
                } else {
                    kept.append(index)
                }
            }
            if kept.count > 1 { reused.append(id) }
        }
        for id in reused.sorted() {
            warnings.append("span id \(id) is used by different spans; children attach to the earliest")
        }
        guard !drop.isEmpty else { return 0 }
        spans = spans.indices.filter { !drop.contains($0) }.map { spans[$0] }
        return drop.count
    }
}
