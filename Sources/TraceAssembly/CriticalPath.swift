import TraceModel

/// A stretch of time during which one span was what the trace waited for.
public struct CriticalPathSection: Equatable, Sendable {
    /// The span's index in `Trace.spans`.
    public var spanIndex: Int
    public var startTimeUnixNano: UInt64
    public var endTimeUnixNano: UInt64

    public init(spanIndex: Int, startTimeUnixNano: UInt64, endTimeUnixNano: UInt64) {
        self.spanIndex = spanIndex
        self.startTimeUnixNano = startTimeUnixNano
        self.endTimeUnixNano = endTimeUnixNano
    }

    public var durationNano: UInt64 { endTimeUnixNano - startTimeUnixNano }
}

/// The critical path, computed as Jaeger UI does: FOLLOWS_FROM subtrees are left out; children
/// are clipped to their parent's window (and dropped when wholly outside it, with their
/// subtrees); then from each root's end the walk goes back through the last-finishing child, and
/// on returning to a parent, through the child that finished last by the time the one just walked
/// started.
enum CriticalPath {
    /// The sections, latest first, for every root in turn.
    /// - Parameters:
    ///   - spans: spans in depth-first order, siblings by start time, indexed from 0.
    ///   - parent: each span's parent index, or nil.
    static func compute<Spans: RandomAccessCollection<Span>>(spans: Spans, parent: [Int?], roots: [Int]) -> [CriticalPathSection]
    where Spans.Index == Int {
        let count = spans.count
        // Clip children to their parents, top-down (depth-first order puts parents first).
        let included = Scratch(repeating: false, count: count)
        let start = Scratch(count: count) { spans[$0].startTimeUnixNano }
        let end = Scratch(count: count) { max(spans[$0].endTimeUnixNano, spans[$0].startTimeUnixNano) }
        for index in 0..<count {
            guard let p = parent[index] else {
                included[index] = true
                continue
            }
            guard included[p], spans[index].parentRelation == .childOf else { continue }
            if start[index] >= start[p] {
                guard start[index] < end[p] else { continue }
                end[index] = min(end[index], end[p])
            } else {
                guard end[index] > start[p] else { continue }
                start[index] = start[p]
                end[index] = min(end[index], end[p])
            }
            included[index] = true
        }

        // Each span's blocking children, latest end first (earlier start first among equals).
        let childStart = Scratch(repeating: 0, count: count + 1)
        for index in 0..<count where included[index] {
            if let p = parent[index] { childStart[p + 1] += 1 }
        }
        for index in 0..<count { childStart[index + 1] += childStart[index] }
        let children = Scratch(repeating: 0, count: childStart[count])
        let fill = Scratch(copying: childStart)
        for index in 0..<count where included[index] {
            if let p = parent[index] {
                children[fill[p]] = index
                fill[p] += 1
            }
        }
        for p in 0..<count where childStart[p + 1] - childStart[p] > 1 {
            children.sort(childStart[p]..<childStart[p + 1]) { (end[$0], $1) > (end[$1], $0) }
        }

        // The walk. `next[p]` only moves forward: each return to a parent asks for a child that
        // ended before an earlier time than the last one, so the whole walk is linear.
        let next = Scratch(copying: childStart)
        var sections: [CriticalPathSection] = []
        for root in roots where included[root] {
            var current = root
            var returning: UInt64?
            while true {
                let sectionEnd = returning ?? end[current]
                if let limit = returning {
                    // Past the child just walked, to one that ended by the time it started: a
                    // child ending the instant the next one starts was waited for too.
                    next[current] += 1
                    while next[current] < childStart[current + 1], end[children[next[current]]] > limit { next[current] += 1 }
                }
                if next[current] < childStart[current + 1] {
                    let child = children[next[current]]
                    if end[child] != sectionEnd {
                        sections.append(CriticalPathSection(spanIndex: current, startTimeUnixNano: end[child], endTimeUnixNano: sectionEnd))
                    }
                    current = child
                    returning = nil
                    continue
                }
                if start[current] != sectionEnd {
                    sections.append(CriticalPathSection(spanIndex: current, startTimeUnixNano: start[current], endTimeUnixNano: sectionEnd))
                }
                guard current != root, let p = parent[current] else { break }
                returning = start[current]
                current = p
            }
        }
        return sections
    }
}
