public import TraceAssembly
import TraceModel

/// Which rows a waterfall draws. Up to the row budget, one per span. Above it, repetitive
/// siblings (the same service and operation many times under one parent) become one summary row
/// ("1,240 × SELECT orders, 3.2 s total"), and the tree is drawn down to the deepest level that
/// fits, each row whose subtree is cut saying how many spans it hides. Nothing is dropped
/// silently, and the statistics and critical path of the page still cover every span.
public enum WaterfallRow: Equatable, Sendable {
    /// One span; `hiddenDescendants` of its subtree are not drawn.
    case span(index: Int, hiddenDescendants: Int)
    /// Siblings with the same service and operation, drawn as one bar from the first start to
    /// the last end; `hiddenDescendants` counts the spans below them.
    case group(indices: [Int], hiddenDescendants: Int)
}

extension WaterfallRow {
    /// The rows for `trace` within `budget`.
    public static func plan(_ trace: Trace, budget: Int, groupThreshold: Int = 10) -> [WaterfallRow] {
        let count = trace.spans.count
        guard count > budget else { return (0..<count).map { .span(index: $0, hiddenDescendants: 0) } }

        // Children lists in display order, and subtree sizes (children follow parents).
        var children = [[Int]](repeating: [], count: count)
        for index in 0..<count { if let p = trace.parentIndex[index] { children[p].append(index) } }
        var size = [Int](repeating: 1, count: count)
        for index in (0..<count).reversed() { if let p = trace.parentIndex[index] { size[p] += size[index] } }

        /// A node's children, with repetitive runs folded into groups.
        func items(of node: Int) -> [[Int]] {
            var byKey: [String: [Int]] = [:]
            for child in children[node] { byKey[trace.spans[child].service + "\u{0}" + trace.spans[child].name, default: []].append(child) }
            var seenGroups = Set<String>()
            var result: [[Int]] = []
            for child in children[node] {
                let key = trace.spans[child].service + "\u{0}" + trace.spans[child].name
                let members = byKey[key]!
                if members.count >= groupThreshold {
                    if seenGroups.insert(key).inserted { result.append(members) }
                } else {
                    result.append([child])
                }
            }
            return result
        }

        // Rows per depth, to find the deepest level that fits the budget.
        var rowsAtDepth: [Int] = []
        var level = trace.rootIndices.map { [$0] }
        while !level.isEmpty {
            rowsAtDepth.append(level.count)
            level = level.filter { $0.count == 1 }.flatMap { items(of: $0[0]) }
        }
        var maximumDepth = 0
        var total = rowsAtDepth[0]
        while maximumDepth + 1 < rowsAtDepth.count, total + rowsAtDepth[maximumDepth + 1] <= budget {
            maximumDepth += 1
            total += rowsAtDepth[maximumDepth]
        }

        // Emit depth-first, with an explicit stack.
        var rows: [WaterfallRow] = []
        var stack: [(item: [Int], depth: Int)] = trace.rootIndices.reversed().map { ([$0], 0) }
        while let (item, depth) = stack.popLast() {
            if item.count > 1 {
                rows.append(.group(indices: item, hiddenDescendants: item.reduce(0) { $0 + size[$1] - 1 }))
                continue
            }
            let node = item[0]
            if depth == maximumDepth || rows.count >= budget {
                rows.append(.span(index: node, hiddenDescendants: size[node] - 1))
                continue
            }
            rows.append(.span(index: node, hiddenDescendants: 0))
            for child in items(of: node).reversed() { stack.append((child, depth + 1)) }
        }
        return rows
    }
}
