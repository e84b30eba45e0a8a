extension Array {
    /// Reorders the elements in place so that position `i` holds the element that was at
    /// `source[i]` (`source` is a permutation of the indices). Elements are swapped along the
    /// permutation's cycles, never copied: rearranging spans costs no reference counting.
    public mutating func rearrange(takingFrom source: [Int]) {
        precondition(source.count == count, "a permutation of every index is needed")
        var placed = [Bool](repeating: false, count: count)
        withUnsafeMutableBufferPointer { elements in
            for start in elements.indices where !placed[start] {
                var index = start
                while true {
                    placed[index] = true
                    let from = source[index]
                    if from == start { break }
                    // The buffer pointer's swap moves the two values; Array's would copy them.
                    elements.swapAt(index, from)
                    index = from
                }
            }
        }
    }
}
