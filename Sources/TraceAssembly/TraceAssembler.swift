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
    /// then by id, so that the same input always gives the same order. Traces are assembled on up
    /// to `workers` threads (default one); the result is the same for any number.
    public func assemble(_ input: consuming [Span], workers: Int = 1) -> [Trace] {
        var spans = consume input
        let groups = TraceGroups(spans)
        // Each trace's spans are made contiguous, then arranged where they lie, each trace by
        // one thread; the traces then share the one array: no span is copied.
        spans.rearrange(takingFrom: groups.order)
        let arranged = spans.withUnsafeMutableBufferPointer { all in
            ParallelWork.map(regionsOf: all, count: groups.count, workers: workers, region: { groups.range(of: $0) }) { arrange($0) }
        }
        let storage = SpanStorage(spans)
        var traces = ParallelWork.map(count: groups.count, workers: workers) { number in
            let start = groups.range(of: number).lowerBound
            return arranged[number].trace(groups.ids[number], spans: SpanList(storage, start..<start + arranged[number].count))
        }
        traces.sort { ($0.startTimeUnixNano, $0.traceID) < ($1.startTimeUnixNano, $1.traceID) }
        return traces
    }

    /// Assembles the spans of one trace (all with the same trace id).
    public func assembleTrace(_ traceID: TraceID, _ input: consuming [Span]) -> Trace {
        var spans = consume input
        let arranged = spans.withUnsafeMutableBufferPointer { arrange($0) }
        return arranged.trace(traceID, spans: SpanList(SpanStorage(spans), 0..<arranged.count))
    }

    /// Puts the spans of one trace in display order where they lie (dropping duplicates and any
    /// beyond the limit to the end), and works out its tree, self time and critical path.
    private func arrange(_ spans: SpanBuffer) -> ArrangedTrace {
        var warnings: [String] = []
        Self.placeUntimedSpans(spans, warnings: &warnings)
        Self.stableOrder(spans)
        var count = spans.count
        if count > options.maximumSpansPerTrace {
            warnings.append(
                "the trace has \(count) spans; only the earliest \(options.maximumSpansPerTrace) are shown (--max-spans-per-trace)")
            count = options.maximumSpansPerTrace
        }
        let duplicatesDropped = Self.dropExactDuplicates(SpanBuffer(rebasing: spans[0..<count]))
        count -= duplicatesDropped
        let spans = SpanBuffer(rebasing: spans[0..<count])
        var byID = Self.idOrder(spans)
        let repeated = Self.repeatedIDs(byID)
        if !repeated.isEmpty {
            if SharedSpanIDs.separate(spans, repeated: repeated, warnings: &warnings) > 0 {
                Self.stableOrder(spans)
                byID = Self.idOrder(spans)
            }
            Self.reportReusedIDs(spans, among: repeated, warnings: &warnings)
        }

        var (parent, missingParentCount) = Self.link(spans, byID: byID, warnings: &warnings)
        var (order, cycleBreaks) = Forest(parent: parent).depthFirstOrder()
        for index in cycleBreaks {
            parent[index] = nil
            warnings.append("parent cycle broken at span \(spans[index].spanID), now shown as a root")
        }

        var shift =
            options.adjustClockSkew
            ? ClockSkewAdjuster.adjust(spans, parent: parent, order: order, options: options, warnings: &warnings)
            : [Int64](repeating: 0, count: count)
        if shift.contains(where: { $0 != 0 }) {
            // Shifted spans may now sort differently among their siblings.
            let permutation = Self.sortedPermutation(spans)
            let position = Scratch(repeating: 0, count: count)
            for (newIndex, oldIndex) in permutation.enumerated() { position[oldIndex] = newIndex }
            spans.rearrange(takingFrom: permutation)
            shift = permutation.map { shift[$0] }
            parent = permutation.map { parent[$0].map { position[$0] } }
            order = Forest(parent: parent).depthFirstOrder().order
        }

        Self.noteEventsOutsideTheirSpans(spans, warnings: &warnings)

        // Renumber everything into display order.
        let position = Scratch(repeating: 0, count: count)
        for (newIndex, oldIndex) in order.enumerated() { position[oldIndex] = newIndex }
        let orderedParent = order.map { parent[$0].map { position[$0] } }
        spans.rearrange(takingFrom: order)
        var depth = [Int](repeating: 0, count: count)
        for index in 0..<count {
            if let parentIndex = orderedParent[index] { depth[index] = depth[parentIndex] + 1 }
        }
        let roots = orderedParent.indices.filter { orderedParent[$0] == nil }
        return ArrangedTrace(
            count: count,
            parentIndex: orderedParent,
            depth: depth,
            selfTimeNano: SelfTime.compute(spans: spans, parentIndex: orderedParent),
            criticalPath: CriticalPath.compute(spans: spans, parent: orderedParent, roots: roots),
            clockSkewShiftNano: order.map { shift[$0] },
            rootIndices: roots,
            missingParentCount: missingParentCount,
            duplicatesDropped: duplicatesDropped,
            warnings: warnings
        )
    }

    /// Sorts `spans` in place as `sortedPermutation` orders them.
    private static func stableOrder(_ spans: SpanBuffer) {
        spans.rearrange(takingFrom: sortedPermutation(spans))
    }

    /// The indices of `spans` by start time, then id, end, name and service, sorting small keys
    /// rather than whole spans. Only spans alike in all of these keep their input order (such as
    /// a span exported twice, which is dropped).
    static func sortedPermutation(_ spans: SpanBuffer) -> [Int] {
        let keys = Scratch(count: spans.count) { (spans[$0].startTimeUnixNano, spans[$0].spanID.value, spans[$0].endTimeUnixNano) }
        return spans.indices.sorted { a, b in
            let (left, right) = (keys[a], keys[b])
            if left != right { return left < right }
            return (spans[a].name, spans[a].service) < (spans[b].name, spans[b].service)
        }
    }

    /// The ids that more than one span carries, from the spans' `idOrder`.
    private static func repeatedIDs(_ byID: [(id: UInt64, index: Int)]) -> Set<SpanID> {
        var repeated = Set<SpanID>()
        for position in byID.indices.dropFirst() where byID[position].id == byID[position - 1].id {
            repeated.insert(SpanID(byID[position].id))
        }
        return repeated
    }

    /// Every span's (id, index), sorted: a span id's holders sit side by side, the earliest
    /// first, and are found by binary search. Sorting a trace's ids costs less than hashing them.
    private static func idOrder(_ spans: SpanBuffer) -> [(id: UInt64, index: Int)] {
        var byID = spans.indices.map { (id: spans[$0].spanID.value, index: $0) }
        byID.sort { $0 < $1 }
        return byID
    }

    /// The index of the earliest span with `id` in an `idOrder` list, if any.
    private static func firstIndex(of id: UInt64, in byID: [(id: UInt64, index: Int)]) -> Int? {
        var low = 0
        var high = byID.count
        while low < high {
            let middle = (low + high) / 2
            if byID[middle].id < id { low = middle + 1 } else { high = middle }
        }
        return low < byID.count && byID[low].id == id ? byID[low].index : nil
    }

    /// Each span's parent index; spans naming a missing parent, or themselves, become roots.
    /// The first span holding an id is the one its children attach to.
    private static func link(
        _ spans: SpanBuffer, byID: [(id: UInt64, index: Int)], warnings: inout [String]
    ) -> (parent: [Int?], missing: Int) {
        var parent = [Int?](repeating: nil, count: spans.count)
        var missing = 0
        for index in spans.indices {
            guard let parentID = spans[index].parentSpanID else { continue }
            if parentID == spans[index].spanID {
                warnings.append("span \(parentID) names itself as its parent; shown as a root")
            } else if let parentIndex = firstIndex(of: parentID.value, in: byID) {
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
    private static func placeUntimedSpans(_ spans: SpanBuffer, warnings: inout [String]) {
        guard spans.contains(where: { $0.startTimeUnixNano == 0 }) else { return }
        // Starts and parents as given: placing one span must not change where another lands.
        let originalStart = spans.map { $0.startTimeUnixNano }
        let traceStart = originalStart.lazy.filter { $0 > 0 }.min() ?? 0
        var indexOfID: [SpanID: Int] = [:]
        for index in spans.indices where indexOfID[spans[index].spanID] == nil { indexOfID[spans[index].spanID] = index }
        let parentOf = spans.map { $0.parentSpanID.flatMap { indexOfID[$0] } }
        var placed = 0
        for index in spans.indices where originalStart[index] == 0 {
            // Walk up at most `count` steps, so that a parent cycle cannot loop forever.
            var ancestor = parentOf[index]
            var steps = 0
            while let current = ancestor, originalStart[current] == 0, steps < spans.count {
                ancestor = parentOf[current]
                steps += 1
            }
            let start = ancestor.map { originalStart[$0] }.flatMap { $0 > 0 ? $0 : nil } ?? traceStart
            spans[index].startTimeUnixNano = start
            spans[index].endTimeUnixNano = max(spans[index].endTimeUnixNano, start)
            spans[index].warnings.append("drawn at the start of its parent (or of the trace), as it has no timestamp")
            placed += 1
        }
        warnings.append("\(placed) \(placed == 1 ? "span has" : "spans have") no timestamp; drawn as instants at their parent's start")
    }

    /// Warns of events timed before their span's start or after its end (a clock behind or ahead
    /// of the span's, or an event added late); they are kept and shown with their signed offsets.
    private static func noteEventsOutsideTheirSpans(_ spans: SpanBuffer, warnings: inout [String]) {
        var outside = 0
        for index in spans.indices where !spans[index].events.isEmpty {
            let start = spans[index].startTimeUnixNano
            let end = max(spans[index].endTimeUnixNano, start)
            let times = spans[index].events.lazy.map(\.timeUnixNano)
            let (earliest, latest) = (times.min()!, times.max()!)
            guard earliest < start || latest > end else { continue }
            let count = times.count { $0 < start || $0 > end }
            var places: [String] = []
            if earliest < start { places.append("the earliest \(DurationFormat.string(nanoseconds: start - earliest)) before its start") }
            if latest > end { places.append("the latest \(DurationFormat.string(nanoseconds: latest - end)) after its end") }
            spans[index].warnings.append(
                "\(count) of its events \(count == 1 ? "lies" : "lie") outside the span's time (\(places.joined(separator: ", "))); shown at their own times"
            )
            outside += 1
        }
        guard outside > 0 else { return }
        warnings.append("\(outside) \(outside == 1 ? "span has events" : "spans have events") outside its own time (clocks that disagree?)")
    }

    /// Moves spans identical to an earlier span to the end, keeping the order of the others;
    /// returns how many were moved. Identical spans have the same sort key, so in `stableOrder`
    /// they sit in one run of equal keys; nothing moves unless there is something to drop.
    private static func dropExactDuplicates(_ spans: SpanBuffer) -> Int {
        func sameKey(_ a: Int, _ b: Int) -> Bool {
            spans[a].startTimeUnixNano == spans[b].startTimeUnixNano && spans[a].spanID == spans[b].spanID
                && spans[a].endTimeUnixNano == spans[b].endTimeUnixNano && spans[a].name == spans[b].name
        }
        let dropped = Scratch(repeating: false, count: spans.count)
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
        var kept = 0
        for index in spans.indices where !dropped[index] {
            spans.swapAt(kept, index)
            kept += 1
        }
        return count
    }

    /// Reports ids that different spans still share (after shared client/server ids were separated).
    private static func reportReusedIDs(_ spans: SpanBuffer, among repeated: Set<SpanID>, warnings: inout [String]) {
        var counts: [SpanID: Int] = [:]
        for index in spans.indices where repeated.contains(spans[index].spanID) { counts[spans[index].spanID, default: 0] += 1 }
        for id in counts.filter({ $0.value > 1 }).keys.sorted() {
            warnings.append("span id \(id) is used by different spans; children attach to the earliest")
        }
    }
}

/// What assembly works out for one trace before its spans are shared: all of `Trace` but the
/// spans, which are the first `count` of the trace's stretch of the shared array.
private struct ArrangedTrace {
    var count: Int
    var parentIndex: [Int?]
    var depth: [Int]
    var selfTimeNano: [UInt64]
    var criticalPath: [CriticalPathSection]
    var clockSkewShiftNano: [Int64]
    var rootIndices: [Int]
    var missingParentCount: Int
    var duplicatesDropped: Int
    var warnings: [String]

    func trace(_ traceID: TraceID, spans: SpanList) -> Trace {
        Trace(
            traceID: traceID, spans: spans, parentIndex: parentIndex, depth: depth, selfTimeNano: selfTimeNano,
            criticalPath: criticalPath, clockSkewShiftNano: clockSkewShiftNano, rootIndices: rootIndices,
            missingParentCount: missingParentCount, duplicatesDropped: duplicatesDropped, warnings: warnings)
    }
}
