/// Parent links as a forest, walked with explicit stacks.
struct Forest {
    let parent: [Int?]
    /// For node `i`, its children are `children[childStart[i]..<childStart[i + 1]]`, in index order.
    private let childStart: [Int]
    private let children: [Int]

    init(parent: [Int?]) {
        self.parent = parent
        var start = [Int](repeating: 0, count: parent.count + 1)
        for case let p? in parent { start[p + 1] += 1 }
        for index in 0..<parent.count { start[index + 1] += start[index] }
        var next = start
        var children = [Int](repeating: 0, count: start[parent.count])
        for (index, p) in parent.enumerated() {
            guard let p else { continue }
            children[next[p]] = index
            next[p] += 1
        }
        self.childStart = start
        self.children = children
    }

    /// Every node once, each root (in index order) followed by its subtree, children in index order.
    ///
    /// Nodes on a parent cycle are reachable from no root; the first such node (by index) is made a
    /// root and returned in `cycleBreaks`, and the walk goes on from it.
    func depthFirstOrder() -> (order: [Int], cycleBreaks: [Int]) {
        var order: [Int] = []
        order.reserveCapacity(parent.count)
        var visited = [Bool](repeating: false, count: parent.count)
        var stack: [Int] = []
        var cycleBreaks: [Int] = []

        func walk(from root: Int) {
            stack.append(root)
            while let node = stack.popLast() {
                guard !visited[node] else { continue }
                visited[node] = true
                order.append(node)
                // Push in reverse so that the earliest child is visited first.
                for child in children[childStart[node]..<childStart[node + 1]].reversed() where !visited[child] {
                    stack.append(child)
                }
            }
        }

        for node in parent.indices where parent[node] == nil {
            walk(from: node)
        }
        if order.count < parent.count {
            for node in parent.indices where !visited[node] {
                cycleBreaks.append(node)
                walk(from: node)
            }
        }
        return (order, cycleBreaks)
    }
}
