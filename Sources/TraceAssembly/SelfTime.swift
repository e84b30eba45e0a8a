public import TraceModel

/// Self time: the part of a span's duration not covered by any of its children.
public enum SelfTime {
    /// For each span, its duration minus the union of its children's intervals clipped to the span.
    ///
    /// - Parameters:
    ///   - spans: spans in depth-first order, siblings sorted by start time, indexed from 0.
    ///   - parentIndex: each span's parent index in `spans`, or nil.
    public static func compute<Spans: RandomAccessCollection<Span>>(spans: Spans, parentIndex: [Int?]) -> [UInt64]
    where Spans.Index == Int {
        let covered = Scratch<UInt64>(repeating: 0, count: spans.count)
        // The end of the covered stretch currently being merged, per parent.
        let coveredUntil = Scratch<UInt64>(repeating: 0, count: spans.count)
        for index in spans.indices {
            guard let p = parentIndex[index] else { continue }
            let parentStart = spans[p].startTimeUnixNano
            let parentEnd = max(spans[p].endTimeUnixNano, parentStart)
            let start = max(spans[index].startTimeUnixNano, parentStart, coveredUntil[p])
            let end = min(max(spans[index].endTimeUnixNano, spans[index].startTimeUnixNano), parentEnd)
            guard end > start else { continue }
            covered[p] += end - start
            coveredUntil[p] = end
        }
        return spans.indices.map { spans[$0].durationNano - min(covered[$0], spans[$0].durationNano) }
    }
}
