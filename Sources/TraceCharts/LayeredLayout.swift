/// A layered (Sugiyama-style) layout of a directed graph, left to right: cycles are broken by
/// reversing the back edges of a depth-first search, nodes are put in layers by longest path, an
/// edge that spans several layers gets a slot of its own in each layer it crosses (so that it
/// never passes behind a node), layers are reordered by barycenter sweeps to reduce crossings,
/// and each layer is placed as near its neighbours as the order and gaps allow (least squares).
/// Deterministic: every tie is broken by node order. Never recurses.
public struct LayeredLayout: Sendable {
    public struct Rect: Sendable, Equatable {
        public var x: Double
        public var y: Double
        public var width: Double
        public var height: Double

        public init(x: Double, y: Double, width: Double, height: Double) {
            self.x = x
            self.y = y
            self.width = width
            self.height = height
        }

        public var maxX: Double { x + width }
        public var maxY: Double { y + height }
        public var midX: Double { x + width / 2 }
        public var midY: Double { y + height / 2 }

        public func intersects(_ other: Rect) -> Bool {
            x < other.maxX && other.x < maxX && y < other.maxY && other.y < maxY
        }
    }

    /// A point of an edge's way between its ends.
    public struct Point: Sendable, Equatable {
        public var x: Double
        public var y: Double

        public init(x: Double, y: Double) {
            self.x = x
            self.y = y
        }
    }

    /// Node rectangles, indexed like the input nodes.
    public let nodes: [Rect]
    /// Each node's layer (column), from 0.
    public let layers: [Int]
    /// For each input edge, the points it passes through in the layers between its ends, in
    /// order from its `from` node to its `to` node: the left and right ends of its slot in each
    /// layer crossed (right before left when the edge points back). Empty for neighbouring layers
    /// and for an edge within one layer (from a node to itself, or a loose edge).
    public let waypoints: [[Point]]
    /// Where each layer begins and ends horizontally.
    public let columns: [(x: Double, maxX: Double)]
    /// Total size of the drawing.
    public let width: Double
    public let height: Double

    /// The most slots a layout makes (more for graphs of many nodes: four a node).
    static let slotBudget = 20_000

    /// Height of an edge's slot in a layer it crosses, and the gap kept around it.
    static let slotHeight = 4.0
    static let slotGap = 10.0

    /// Room kept above the first node of a group in a layer, for the group's name.
    public static let groupLabelRoom = 18.0

    /// Lays out `nodeSizes.count` nodes with the given sizes and `edges` between node indices.
    /// The edges in `loose` (asynchronous calls) do not decide the layers: they are drawn
    /// between whatever layers the others give their ends, within one layer too. Nodes with the
    /// same `groups` entry (a service namespace, say) stay together in each layer, with room
    /// above them for the group's name; `groups` is empty or has an entry per node.
    public init(
        nodeSizes: [(width: Double, height: Double)], edges: [(from: Int, to: Int)], loose: Set<Int> = [], groups: [Int?] = [],
        layerGap: Double = 130, nodeGap: Double = 26, margin: Double = 20
    ) {
        let count = nodeSizes.count
        /// A node's group; none for slots.
        func group(_ item: Int) -> Int? { item < groups.count ? groups[item] : nil }
        var successors = [[Int]](repeating: [], count: count)
        for (number, edge) in edges.enumerated() where edge.from != edge.to && !loose.contains(number) {
            successors[edge.from].append(edge.to)
        }
        for index in 0..<count { successors[index] = Array(Set(successors[index])).sorted() }

        // 1. Break cycles: order the nodes so that few edges point backwards, and reverse those.
        let rank = Self.feedbackOrder(successors: successors)
        var dag = [[Int]](repeating: [], count: count)
        for (node, targets) in successors.enumerated() {
            for target in targets { rank[node] < rank[target] ? dag[node].append(target) : dag[target].append(node) }
        }
        for index in 0..<count { dag[index] = Array(Set(dag[index])).sorted() }

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

        // 3. A slot (a dummy node) for each long edge in each layer it crosses; `chains` maps a
        // pair of nodes in different layers, lower layer first, to its slots in order.
        var itemLayer = layer
        var heights = nodeSizes.map(\.height)
        var down = [[Int]](repeating: [], count: count)  // the acyclic graph, slots included
        var chains: [Pair: [Int]] = [:]
        var downPairs = Set<Pair>()
        for (node, targets) in dag.enumerated() { for target in targets { downPairs.insert(Pair(from: node, to: target)) } }
        for number in loose where edges[number].from != edges[number].to {
            let (a, b) = (edges[number].from, edges[number].to)
            if layer[a] != layer[b] { downPairs.insert(layer[a] < layer[b] ? Pair(from: a, to: b) : Pair(from: b, to: a)) }
        }
        // At most `slotBudget` slots, given to the shortest edges first: past it (a chain of
        // thousands of services, each calling the last, say) a long edge is drawn straight
        // across, rather than the layout growing with edges × layers.
        let byPair = downPairs.map { ($0.from, $0.to) }.sorted(by: <)
        func span(_ pair: (Int, Int)) -> Int { layer[pair.1] - layer[pair.0] - 1 }
        var spared = Set<Pair>()  // drawn straight across
        var slotsLeft = max(Self.slotBudget, 4 * count)
        if byPair.reduce(0, { $0 + span($1) }) > slotsLeft {
            for pair in byPair.sorted(by: { (span($0), $0.0, $0.1) < (span($1), $1.0, $1.1) }) {
                if span(pair) <= slotsLeft { slotsLeft -= span(pair) } else { spared.insert(Pair(from: pair.0, to: pair.1)) }
            }
        }
        for (node, target) in byPair {
            guard !spared.contains(Pair(from: node, to: target)) else {
                down[node].append(target)
                continue
            }
            var previous = node
            var chain: [Int] = []
            for crossed in stride(from: layer[node] + 1, to: layer[target], by: 1) {
                let slot = itemLayer.count
                itemLayer.append(crossed)
                heights.append(Self.slotHeight)
                down.append([])
                down[previous].append(slot)
                chain.append(slot)
                previous = slot
            }
            down[previous].append(target)
            if !chain.isEmpty { chains[Pair(from: node, to: target)] = chain }
        }
        let itemCount = itemLayer.count
        var up = [[Int]](repeating: [], count: itemCount)
        for (item, targets) in down.enumerated() { for target in targets { up[target].append(item) } }

        // 4. Order within layers: barycenter sweeps, down then up.
        var columnItems = [[Int]](repeating: [], count: layerCount)
        for item in 0..<itemCount { columnItems[itemLayer[item]].append(item) }
        var position = [Double](repeating: 0, count: itemCount)
        for column in columnItems { for (index, item) in column.enumerated() { position[item] = Double(index) } }
        for sweep in 0..<8 {
            let downward = sweep % 2 == 0
            let range = downward ? Array(1..<max(1, layerCount)) : Array((0..<max(0, layerCount - 1)).reversed())
            for column in range {
                let barycenter = columnItems[column].map { item -> (Int, Double) in
                    let neighbours = downward ? up[item] : down[item]
                    guard !neighbours.isEmpty else { return (item, position[item]) }
                    return (item, neighbours.reduce(0) { $0 + position[$1] } / Double(neighbours.count))
                }
                // A group goes where its members' mean barycenter puts it, its members together.
                var groupSum: [Int: (sum: Double, count: Double)] = [:]
                for (item, value) in barycenter {
                    if let group = group(item) { groupSum[group, default: (0, 0)].sum += value; groupSum[group]!.count += 1 }
                }
                let keyed = barycenter.map { item, value -> (item: Int, key: Double, tag: Int, value: Double) in
                    guard let group = group(item), let total = groupSum[group] else { return (item, value, Int.min, value) }
                    return (item, total.sum / total.count, group, value)
                }
                columnItems[column] = keyed.sorted {
                    ($0.key, $0.tag, $0.value, position[$0.item], $0.item) < ($1.key, $1.tag, $1.value, position[$1.item], $1.item)
                }.map(\.item)
                for (index, item) in columnItems[column].enumerated() { position[item] = Double(index) }
            }
        }

        // 5. Vertical places: stacked first, then each layer as near the mean of its neighbours
        // as its order and gaps allow, sweeping down and up.
        func gap(_ a: Int, _ b: Int) -> Double {
            guard a < count, b < count else { return Self.slotGap }
            return group(b) != nil && group(a) != group(b) ? nodeGap + Self.groupLabelRoom : nodeGap
        }
        var top = [Double](repeating: 0, count: itemCount)
        for column in columnItems {
            var y = 0.0
            for (index, item) in column.enumerated() {
                top[item] = y
                y += heights[item] + (index + 1 < column.count ? gap(item, column[index + 1]) : 0)
            }
        }
        for sweep in 0..<8 {
            let downward = sweep % 2 == 0
            let range = downward ? Array(1..<max(1, layerCount)) : Array((0..<max(0, layerCount - 1)).reversed())
            for column in range {
                let items = columnItems[column]
                let desired = items.map { item -> Double in
                    let neighbours = downward ? up[item] : down[item]
                    guard !neighbours.isEmpty else { return top[item] }
                    let centre = neighbours.reduce(0) { $0 + top[$1] + heights[$1] / 2 } / Double(neighbours.count)
                    return centre - heights[item] / 2
                }
                let separations = items.indices.dropLast().map { heights[items[$0]] + gap(items[$0], items[$0 + 1]) }
                for (item, y) in zip(items, Self.placeInOrder(desired: desired, separations: separations)) { top[item] = y }
            }
        }
        let highest = top.min() ?? 0
        let lowest = (0..<itemCount).map { top[$0] + heights[$0] }.max() ?? 0

        // 6. Coordinates: columns left to right, as wide as their widest node.
        var columns: [(x: Double, maxX: Double)] = []
        var rects = [Rect](repeating: Rect(x: 0, y: 0, width: 0, height: 0), count: count)
        var slots = [Point](repeating: Point(x: 0, y: 0), count: itemCount)
        var x = margin
        for nodesInColumn in columnItems {
            let columnWidth = nodesInColumn.filter { $0 < count }.map { nodeSizes[$0].width }.max() ?? 0
            for item in nodesInColumn {
                let y = margin + top[item] - highest
                if item < count {
                    let size = nodeSizes[item]
                    rects[item] = Rect(x: x + (columnWidth - size.width) / 2, y: y, width: size.width, height: size.height)
                } else {
                    slots[item] = Point(x: x, y: y + Self.slotHeight / 2)
                }
            }
            columns.append((x, x + columnWidth))
            x += columnWidth + layerGap
        }
        waypoints = edges.map { edge in
            guard layer[edge.from] != layer[edge.to] else { return [] }
            let forward = layer[edge.to] > layer[edge.from]
            let pair = forward ? Pair(from: edge.from, to: edge.to) : Pair(from: edge.to, to: edge.from)
            let chain = chains[pair] ?? []
            return (forward ? chain : chain.reversed()).flatMap { slot -> [Point] in
                let ends = [
                    Point(x: columns[itemLayer[slot]].x, y: slots[slot].y), Point(x: columns[itemLayer[slot]].maxX, y: slots[slot].y),
                ]
                return forward ? ends : ends.reversed()
            }
        }
        self.columns = columns
        nodes = rects
        layers = layer
        width = max(x - layerGap + margin, 2 * margin)
        height = lowest - highest + 2 * margin
    }

    /// A pair of nodes joined in the acyclic graph.
    private struct Pair: Hashable {
        var from: Int
        var to: Int
    }

    /// Each node's place in an order where few edges point backwards (the greedy heuristic of
    /// Eades, Lin and Smyth): sinks go to the end, sources to the front, and otherwise the node
    /// with most more edges out than in goes to the front; ties go to the lowest index. Each
    /// choice comes from a heap whose stale entries are skipped: O((V + E) log V), so that a night
    /// naming 100,000 services does not stall here.
    public static func feedbackOrder(successors: [[Int]]) -> [Int] {
        let count = successors.count
        var predecessors = [[Int]](repeating: [], count: count)
        for (node, targets) in successors.enumerated() { for target in targets { predecessors[target].append(node) } }
        var outDegree = successors.map(\.count)
        var inDegree = predecessors.map(\.count)
        var removed = [Bool](repeating: false, count: count)
        // Keys compare as tuples, smallest first: (node) for sinks and sources, (−δ, node) for the rest.
        var sinks = MinimumHeap(), sources = MinimumHeap(), balance = MinimumHeap()
        func note(_ node: Int) {
            if outDegree[node] == 0 { sinks.push((node, 0)) }
            if inDegree[node] == 0 { sources.push((node, 0)) }
            balance.push((inDegree[node] - outDegree[node], node))
        }
        for node in 0..<count { note(node) }
        var front: [Int] = []
        var back: [Int] = []
        func remove(_ node: Int) {
            removed[node] = true
            for target in successors[node] where !removed[target] {
                inDegree[target] -= 1
                note(target)
            }
            for source in predecessors[node] where !removed[source] {
                outDegree[source] -= 1
                note(source)
            }
        }
        while front.count + back.count < count {
            if let sink = sinks.pop(where: { !removed[$0.0] && outDegree[$0.0] == 0 }) {
                back.append(sink.0)
                remove(sink.0)
            } else if let source = sources.pop(where: { !removed[$0.0] && inDegree[$0.0] == 0 }) {
                front.append(source.0)
                remove(source.0)
            } else if let best = balance.pop(where: { !removed[$0.1] && $0.0 == inDegree[$0.1] - outDegree[$0.1] }) {
                front.append(best.1)
                remove(best.1)
            }
        }
        var rank = [Int](repeating: 0, count: count)
        for (place, node) in (front + back.reversed()).enumerated() { rank[node] = place }
        return rank
    }

    /// A binary heap of pairs, smallest (by tuple order) first.
    private struct MinimumHeap {
        private var items: [(Int, Int)] = []

        mutating func push(_ item: (Int, Int)) {
            items.append(item)
            var child = items.count - 1
            while child > 0, items[child] < items[(child - 1) / 2] {
                items.swapAt(child, (child - 1) / 2)
                child = (child - 1) / 2
            }
        }

        /// The smallest item that is still `current`; stale ones above it are dropped.
        mutating func pop(where current: ((Int, Int)) -> Bool) -> (Int, Int)? {
            while let top = items.first {
                let last = items.removeLast()
                if !items.isEmpty {
                    items[0] = last
                    var parent = 0
                    while true {
                        let (left, right) = (2 * parent + 1, 2 * parent + 2)
                        var smallest = parent
                        if left < items.count, items[left] < items[smallest] { smallest = left }
                        if right < items.count, items[right] < items[smallest] { smallest = right }
                        if smallest == parent { break }
                        items.swapAt(parent, smallest)
                        parent = smallest
                    }
                }
                if current(top) { return top }
            }
            return nil
        }
    }

    /// The tops nearest `desired` (least squares) for items kept in their order, each at least
    /// `separations[i]` below the one before: pool-adjacent-violators on the tops less their
    /// least offsets, linear in the number of items.
    public static func placeInOrder(desired: [Double], separations: [Double]) -> [Double] {
        var offsets = [0.0]
        for separation in separations { offsets.append(offsets[offsets.count - 1] + separation) }
        var blocks: [(sum: Double, count: Int)] = []
        for (index, wanted) in desired.enumerated() {
            var block = (sum: wanted - offsets[index], count: 1)
            while let last = blocks.last, last.sum * Double(block.count) >= block.sum * Double(last.count) {
                block = (last.sum + block.sum, last.count + block.count)
                blocks.removeLast()
            }
            blocks.append(block)
        }
        var result: [Double] = []
        result.reserveCapacity(desired.count)
        for block in blocks {
            let mean = block.sum / Double(block.count)
            for _ in 0..<block.count { result.append(mean + offsets[result.count]) }
        }
        return result
    }
}
