public import TraceModel

/// Groups spans into traces and arranges each trace as a tree, repairing what exporters got
/// wrong the way the best backends do (shared span ids, clock skew, orphans, cycles), then works
/// out self time and the critical path. Every repair is recorded as a warning.
///
/// Never recurses, and costs O(n log n) in the spans of a trace: a chain of 100,000 nested spans
/// or a fan-out of 1,000,000 children is assembled with explicit stacks and sorts.
public struct TraceAssembler: Sendable {
    public let options: AssemblyOptions

    public init(options: AssemblyOptions = AssemblyOptions()) {
        self.options = options
    }

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
        var spans = Self.stableOrder(Self.placeUntimedSpans(input, warnings: &warnings))
        let duplicatesDropped = Self.dropExactDuplicates(&spans)
        let repeated = Self.repeatedIDs(spans)
        if !repeated.isEmpty {
            if SharedSpanIDs.separate(&spans, repeated: repeated, warnings: &warnings) > 0 {
                spans = Self.stableOrder(spans)
            }
            Self.reportReusedIDs(spans, among: repeated, warnings: &warnings)
        }

        var (parent, missingParentCount) = Self.link(spans, warnings: &warnings)
        var (order, cycleBreaks) = Forest(parent: parent).depthFirstOrder()
        for index in cycleBreaks {
            parent[index] = nil
            warnings.append("parent cycle broken at span \(spans[index].spanID), now shown as a root")
        }

        var shift = [Int64](repeating: 0, count: spans.count)
        if options.adjustClockSkew {
            shift = ClockSkewAdjuster.adjust(&spans, parent: parent, order: order, options: options, warnings: &warnings)
            if shift.contains(where: { $0 != 0 }) {
                // Shifted spans may now sort differently among their siblings.
                let permutation = Self.sortedPermutation(spans)
                var position = [Int](repeating: 0, count: spans.count)
                for (newIndex, oldIndex) in permutation.enumerated() { position[oldIndex] = newIndex }
                spans = permutation.map { spans[$0] }
                shift = permutation.map { shift[$0] }
                parent = permutation.map { parent[$0].map { position[$0] } }
                order = Forest(parent: parent).depthFirstOrder().order
            }
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
        let roots = orderedParent.indices.filter { orderedParent[$0] == nil }
        return Trace(
            traceID: traceID,
            spans: orderedSpans,
            parentIndex: orderedParent,
            depth: depth,
            selfTimeNano: SelfTime.compute(spans: orderedSpans, parentIndex: orderedParent),
            criticalPath: CriticalPath.compute(spans: orderedSpans, parent: orderedParent, roots: roots),
            clockSkewShiftNano: order.map { shift[$0] },
            rootIndices: roots,
            missingParentCount: missingParentCount,
            duplicatesDropped: duplicatesDropped,
            warnings: warnings
        )
    }

    /// Start time, then id, end and name: ties never depend on the input's order.
    static func precedes(_ a: Span, _ b: Span) -> Bool {
        (a.startTimeUnixNano, a.spanID, a.endTimeUnixNano, a.name) < (b.startTimeUnixNano, b.spanID, b.endTimeUnixNano, b.name)
    }

    private static func stableOrder(_ spans: [Span]) -> [Span] { sortedPermutation(spans).map { spans[$0] } }

    /// The indices of `spans` in `precedes` order, sorting small keys rather than whole spans.
    static func sortedPermutation(_ spans: [Span]) -> [Int] {
        let keys = spans.map { ($0.startTimeUnixNano, $0.spanID.value, $0.endTimeUnixNano) }
        return spans.indices.sorted { a, b in
            let (left, right) = (keys[a], keys[b])
            if left != right { return left < right }
            return spans[a].name < spans[b].name
        }
    }

    /// The ids that more than one span carries.
    private static func repeatedIDs(_ spans: [Span]) -> Set<SpanID> {
        var seen = Set<SpanID>(minimumCapacity: spans.count)
        var repeated = Set<SpanID>()
        for span in spans where !seen.insert(span.spanID).inserted { repeated.insert(span.spanID) }
        return repeated
    }

    /// Each span's parent index; spans naming a missing parent, or themselves, become roots.
    /// The first span holding an id is the one its children attach to.
    private static func link(_ spans: [Span], warnings: inout [String]) -> (parent: [Int?], missing: Int) {
        var indexOfID: [SpanID: Int] = [:]
        indexOfID.reserveCapacity(spans.count)
        for (index, span) in spans.enumerated() where indexOfID[span.spanID] == nil {
            indexOfID[span.spanID] = index
        }
        var parent = [Int?](repeating: nil, count: spans.count)
        var missing = 0
        for (index, span) in spans.enumerated() {
            guard let parentID = span.parentSpanID else { continue }
            if parentID == span.spanID {
                warnings.append("span \(span.spanID) names itself as its parent; shown as a root")
            } else if let parentIndex = indexOfID[parentID] {
                parent[index] = parentIndex
            } else {
                missing += 1
            }
        }
        if missing > 0 {
            let noun = missing == 1 ? "span names a parent" : "spans name a parent"
            warnings.append("incomplete trace: \(missing) \(noun) missing from the input, shown as roots")
        }
        return (parent, missing)
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

    /// Removes spans identical to an earlier span; returns how many were removed. Identical spans
    /// have the same sort key, so in `stableOrder` they sit in one run of equal keys; the array is
    /// rebuilt only when there is something to remove.
    private static func dropExactDuplicates(_ spans: inout [Span]) -> Int {
        func sameKey(_ a: Int, _ b: Int) -> Bool {
            spans[a].startTimeUnixNano == spans[b].startTimeUnixNano && spans[a].spanID == spans[b].spanID
                && spans[a].endTimeUnixNano == spans[b].endTimeUnixNano && spans[a].name == spans[b].name
        }
        var dropped = [Bool](repeating: false, count: spans.count)
        var count = 0
        var runStart = 0
        for index in spans.indices.dropFirst() {
            if !sameKey(runStart, index) {
                runStart = index
                continue
            }
            // Compared with the kept spans of the run, first one first: a run of copies costs one
            // comparison each.
            if (runStart..<index).contains(where: { !dropped[$0] && spans[$0] == spans[index] }) {
                dropped[index] = true
                count += 1
            }
        }
        guard count > 0 else { return 0 }
        spans = spans.indices.filter { !dropped[$0] }.map { spans[$0] }
        return count
    }

    /// Reports ids that different spans still share (after shared client/server ids were separated).
    private static func reportReusedIDs(_ spans: [Span], among repeated: Set<SpanID>, warnings: inout [String]) {
        var counts: [SpanID: Int] = [:]
        for span in spans where repeated.contains(span.spanID) { counts[span.spanID, default: 0] += 1 }
        for id in counts.filter({ $0.value > 1 }).keys.sorted() {
            warnings.append("span id \(id) is used by different spans; children attach to the earliest")
        }
    }
}
