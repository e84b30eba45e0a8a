import Testing
import TraceModel

/// In-place permutation and the scratch buffers behind assembly.
struct RearrangeAndScratchTests {
    /// A reference-counted element, so that a copy or a lost element would show in the counts.
    final class Box {
        let value: Int
        init(_ value: Int) { self.value = value }
    }

    @Test func rearrangingMovesEveryElementWhereThePermutationSays() {
        var random = SystemRandomNumberGenerator()
        for count in [0, 1, 2, 3, 10, 100, 1_000] {
            let source = Array(0..<count).shuffled(using: &random)
            var boxes = (0..<count).map { Box($0) }
            let before = boxes
            boxes.rearrange(takingFrom: source)
            #expect(boxes.map(\.value) == source)
            // The same objects, each once: moved, not copied or dropped.
            #expect(zip(boxes, source).allSatisfy { $0 === before[$1] })
        }
    }

    @Test func aRearrangementIsNotASecondCopy() {
        var boxes = (0..<64).map { Box($0) }
        weak let first = boxes[0]
        boxes.rearrange(takingFrom: Array((0..<64).reversed()))
        #expect(boxes[63] === first)
        boxes.removeAll()
        #expect(first == nil)
    }

    @Test func scratchBuffersHoldWhatTheyWereGiven() {
        let squares = Scratch(count: 10) { $0 * $0 }
        let copy = Scratch(copying: squares)
        squares[3] = -1
        #expect((0..<10).map { copy[$0] } == (0..<10).map { $0 * $0 })
        #expect(squares[3] == -1 && squares.count == 10)
        let values = Scratch(count: 8) { 7 - $0 }
        values.sort(2..<6) { $0 < $1 }
        #expect((0..<8).map { values[$0] } == [7, 6, 2, 3, 4, 5, 1, 0])
        let empty = Scratch(repeating: false, count: 0)
        #expect(empty.count == 0)
    }
}
