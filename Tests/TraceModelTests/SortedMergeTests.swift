import Testing
import TraceModel

/// Merging sorted lists: every element once, in key order, ties to the list given first.
struct SortedMergeTests {
    @Test(arguments: 0..<40)
    func mergedOrderIsSortedAndStable(seed: Int) {
        var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 | 1
        func next(_ bound: Int) -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % UInt64(bound))
        }
        let lists = (0..<next(9)).map { _ in (0..<next(30)).map { _ in next(20) }.sorted() }
        let order = SortedMerge.order(of: lists, by: { $0 })
        let merged = order.map { lists[$0.list][$0.index] }
        #expect(merged == lists.flatMap { $0 }.sorted())
        #expect(Set(order.map { "\($0.list).\($0.index)" }).count == order.count)
        // Among equal keys, lists keep their order, and each list its own.
        for (a, b) in zip(order, order.dropFirst()) where lists[a.list][a.index] == lists[b.list][b.index] {
            #expect(a.list < b.list || (a.list == b.list && a.index < b.index))
        }
    }

    @Test func emptyListsMergeToNothing() {
        #expect(SortedMerge.order(of: [[Int](), [], []], by: { $0 }).isEmpty)
        #expect(SortedMerge.order(of: [[Int]](), by: { $0 }).isEmpty)
    }
}
