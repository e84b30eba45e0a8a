/// Lists each sorted by a key, merged into one order: a heap of the lists by their next
/// element's key, so that merging n elements of k lists takes n log k comparisons.
public enum SortedMerge {
    /// Where each element of `lists` (each in ascending `key` order) stands in their merged order:
    /// (list, index) pairs, ties going to the list given first.
    public static func order<Element, Key: Comparable>(
        of lists: [[Element]], by key: (Element) -> Key
    ) -> [(list: Int, index: Int)] {
        var next = [Int](repeating: 0, count: lists.count)
        var heap = lists.indices.filter { !lists[$0].isEmpty }
        func before(_ a: Int, _ b: Int) -> Bool {
            let (first, second) = (key(lists[a][next[a]]), key(lists[b][next[b]]))
            return first < second || (first == second && a < b)
        }
        func siftDown(_ start: Int) {
            var parent = start
            while true {
                let (left, right) = (2 * parent + 1, 2 * parent + 2)
                var first = parent
                if left < heap.count, before(heap[left], heap[first]) { first = left }
                if right < heap.count, before(heap[right], heap[first]) { first = right }
                if first == parent { return }
                heap.swapAt(parent, first)
                parent = first
            }
        }
        for position in stride(from: heap.count / 2, through: 0, by: -1) { siftDown(position) }
        var merged: [(list: Int, index: Int)] = []
        merged.reserveCapacity(lists.reduce(0) { $0 + $1.count })
        while let list = heap.first {
            merged.append((list, next[list]))
            next[list] += 1
            if next[list] == lists[list].count {
                heap.swapAt(0, heap.count - 1)
                heap.removeLast()
            }
            siftDown(0)
        }
        return merged
    }
}
