import TraceModel

/// Parent links as a forest, walked with explicit stacks.
struct Forest: ~Copyable {
    let parent: [Int?]
    /// For node `i`, its children are `children[childStart[i]..<childStart[i + 1]]`, in index order.
    private let childStart: Scratch<Int>
    private let children: Scratch<Int>

    init(parent: [Int?]) {
        self.parent = parent
        let start = Scratch(repeating: 0, count: parent.count + 1)
        for case let p? in parent { start[p + 1] += 1 }
        for index in 0..<parent.count { start[index + 1] += start[index] }
        let next = Scratch(copying: start)
        let children = Scratch(repeating: 0, count: start[parent.count])
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
        let visited = Scratch(repeating: false, count: parent.count)
        // Every node has one parent, so it is pushed at most once: the stack never holds more.
        let stack = Scratch(repeating: 0, count: parent.count)
        var cycleBreaks: [Int] = []

        func walk(from root: Int) {
            var height = 1
            stack[0] = root
            while height > 0 {
                height -= 1
                let node = stack[height]
                guard !visited[node] else { continue }
                visited[node] = true
                order.append(node)
                // Pushed in reverse so that the earliest child is visited first.
                for position in (childStart[node]..<childStart[node + 1]).reversed() where !visited[children[position]] {
                    stack[height] = children[position]
                    height += 1
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
