extension Array {
    /// Reorders the elements in place so that position `i` holds the element that was at
    /// `source[i]` (`source` is a permutation of the indices). Each cycle of the permutation is
    /// rotated through one temporary, so every element is moved once and none is copied:
    /// rearranging spans costs no reference counting, and no second array.
    public mutating func rearrange(takingFrom source: [Int]) {
        withUnsafeMutableBufferPointer { $0.rearrange(takingFrom: source) }
    }
}

extension UnsafeMutableBufferPointer {
    /// `Array.rearrange(takingFrom:)` on memory the caller owns.
    public func rearrange(takingFrom source: [Int]) {
        precondition(source.count == count, "a permutation of every index is needed")
        guard let base = baseAddress else { return }
        let placed = Scratch(repeating: false, count: count)
        // The element a cycle starts with waits here while the others move up.
        let waiting = UnsafeMutablePointer<Element>.allocate(capacity: 1)
        defer { waiting.deallocate() }
        for start in indices where !placed[start] {
            placed[start] = true
            guard source[start] != start else { continue }
            waiting.moveInitialize(from: base + start, count: 1)
            var index = start
            while true {
                let from = source[index]
                if from == start { break }
                precondition(!placed[from], "not a permutation")
                (base + index).moveInitialize(from: base + from, count: 1)
                placed[from] = true
                index = from
            }
            (base + index).moveInitialize(from: waiting, count: 1)
        }
    }
}
