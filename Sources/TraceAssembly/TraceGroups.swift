import TraceModel

/// Spans grouped by trace id without an array per trace: the traces are numbered in the order
/// they first appear, and `order` lists the spans' indices trace after trace, each trace's in
/// input order.
struct TraceGroups {
    /// Each trace's id, by number.
    let ids: [TraceID]
    /// Span indices, trace after trace.
    let order: [Int]
    /// Where each trace's indices start in `order`, and (last) the end.
    private let starts: [Int]

    init(_ spans: [Span]) {
        var numbers: [TraceID: Int] = [:]
        var ids: [TraceID] = []
        var counts: [Int] = []
        var traceOf = [Int](repeating: 0, count: spans.count)
        // Fields are read in place: copying whole spans costs a dozen reference counts each.
        for index in spans.indices {
            let id = spans[index].traceID
            if let number = numbers[id] {
                traceOf[index] = number
                counts[number] += 1
            } else {
                numbers[id] = ids.count
                traceOf[index] = ids.count
                ids.append(id)
                counts.append(1)
            }
        }
        var starts = [Int](repeating: 0, count: ids.count + 1)
        for number in counts.indices { starts[number + 1] = starts[number] + counts[number] }
        var next = starts
        var order = [Int](repeating: 0, count: spans.count)
        for index in spans.indices {
            order[next[traceOf[index]]] = index
            next[traceOf[index]] += 1
        }
        self.ids = ids
        self.order = order
        self.starts = starts
    }

    /// How many traces there are.
    var count: Int { ids.count }

    /// Where the indices of trace `number` are in `order` (and, once the spans are rearranged by
    /// `order`, where its spans are).
    func range(of number: Int) -> Range<Int> { starts[number]..<starts[number + 1] }
}
