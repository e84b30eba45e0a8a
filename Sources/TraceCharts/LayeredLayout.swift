/// A layered (Sugiyama-style) layout of a directed graph, left to right: cycles are broken by
/// reversing the back edges of a depth-first search, nodes are put in layers by longest path,
/// layers are reordered by barycenter sweeps to reduce crossings, and coordinates are assigned
/// from the nodes' sizes. Deterministic: every tie is broken by node order. Never recurses.
public struct LayeredLayout: Sendable {
    public struct Rect: Sendable, Equatable {
        public var x: Double
        public var y: Double
        public var width: Double
        public var height: Double

        public var maxX: Double { x + width }
        public var maxY: Double { y + height }
        public var midY: Double { y + height / 2 }

        public func intersects(_ other: Rect) -> Bool {
            x < other.maxX && other.x < maxX && y < other.maxY && other.y < maxY
        }
    }

    /// Node rectangles, indexed like the input nodes.
    public let nodes: [Rect]
    /// Each node's layer (column), from 0.
    public let layers: [Int]
    /// Total size of the drawing.
    public let width: Double
    public let height: Double

    /// Lays out `nodeSizes.count` nodes with the given sizes and `edges` between node indices.
    public init(
        nodeSizes: [(width: Double, height: Double)], edges: [(from: Int, to: Int)],
        layerGap: Double = 170, nodeGap: Double = 26, margin: Double = 20
    ) {
        let count = nodeSizes.count
        var successors = [[Int]](repeating: [], count: count)
        for edge in edges where edge.from != edge.to { successors[edge.from].append(edge.to) }
        for index in 0..<count { successors[index] = Array(Set(successors[index])).sorted() }

        // 1. Break cycles: edges into a node still on the depth-first stack point backwards.
        var state = [UInt8](repeating: 0, count: count)  // 0 new, 1 on stack, 2 done
        var dag = [[Int]](repeating: [], count: count)
        for start in 0..<count where state[start] == 0 {
            var stack: [(node: Int, next: Int)] = [(start, 0)]
            state[start] = 1
            while let top = stack.last {
                if top.next < successors[top.node].count {
                    stack[stack.count - 1].next += 1
                    let target = successors[top.node][top.next]
                    switch state[target] {
                    case 0:
                        dag[top.node].append(target)
                        state[target] = 1
                        stack.append((target, 0))
                    case 1:
                        dag[target].append(top.node)  // back edge, reversed
                    default:
                        dag[top.node].append(target)
                    }
                } else {
                    state[top.node] = 2
                    stack.removeLast()
                }
            }
        }

        // 2. Layers by longest path from the sources, in topological order (Kahn).
        var indegree = [Int](repeating: 0, count: count)
        for targets in dag { for target in targets { indegree[target] += 1 } }
        var ready = (0..<count).filter { indegree[$0] == 0 }
        var layer = [Int](repeating: 0, count: count)
        var cursor = 0
        while cursor < ready.count {
            let node = ready[cursor]
            cursor += 1
            for target in dag[node] {
                layer[target] = max(layer[target], layer[node] + 1)
                indegree[target] -= 1
                if indegree[target] == 0 { ready.append(target) }
            }
        }
        let layerCount = (layer.max() ?? 0) + 1

        // 3. Order within layers: barycenter sweeps, down then up.
        var columns = [[Int]](repeating: [], count: layerCount)
        for node in 0..<count { columns[layer[node]].append(node) }
        var position = [Double](repeating: 0, count: count)
        func renumber() {
            for column in columns { for (index, node) in column.enumerated() { position[node] = Double(index) } }
        }
        renumber()
        var predecessors = [[Int]](repeating: [], count: count)
        for (node, targets) in dag.enumerated() { for target in targets { predecessors[target].append(node) } }
        for sweep in 0..<8 {
            let downward = sweep % 2 == 0
            let range = downward ? Array(1..<max(1, layerCount)) : Array((0..<max(0, layerCount - 1)).reversed())
            for column in range {
                let barycenter = columns[column].map { node -> (Int, Double) in
                    let neighbours = downward ? predecessors[node] : dag[node]
                    guard !neighbours.isEmpty else { return (node, position[node]) }
                    return (node, neighbours.reduce(0) { $0 + position[$1] } / Double(neighbours.count))
                }
                columns[column] = barycenter.sorted { ($0.1, position[$0.0], $0.0) < ($1.1, position[$1.0], $1.0) }.map(\.0)
                for (index, node) in columns[column].enumerated() { position[node] = Double(index) }
            }
        }

        // 4. Coordinates: columns left to right, nodes stacked and centred vertically.
        let columnHeights = columns.map { column in
            column.reduce(0) { $0 + nodeSizes[$1].height } + Double(max(0, column.count - 1)) * nodeGap
        }
        let tallest = columnHeights.max() ?? 0
        var rects = [Rect](repeating: Rect(x: 0, y: 0, width: 0, height: 0), count: count)
        var x = margin
        for (column, nodesInColumn) in columns.enumerated() {
            let columnWidth = nodesInColumn.map { nodeSizes[$0].width }.max() ?? 0
            var y = margin + (tallest - columnHeights[column]) / 2
            for node in nodesInColumn {
                let size = nodeSizes[node]
                rects[node] = Rect(x: x + (columnWidth - size.width) / 2, y: y, width: size.width, height: size.height)
                y += size.height + nodeGap
            }
            x += columnWidth + layerGap
        }
        nodes = rects
        layers = layer
        width = max(x - layerGap + margin, 2 * margin)
        height = tallest + 2 * margin + 40  // room below for back edges
    }
}
