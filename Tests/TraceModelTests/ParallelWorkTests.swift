import Synchronization
import Testing
import TraceModel

struct ParallelWorkTests {
    @Test(arguments: [1, 2, 7])
    func resultsComeInIndexOrderWhateverTheThreads(_ workers: Int) {
        let calls = Atomic<Int>(0)
        let squares = ParallelWork.map(count: 10_000, workers: workers) { index in
            calls.add(1, ordering: .relaxed)
            return index * index
        }
        #expect(squares == (0..<10_000).map { $0 * $0 })
        #expect(calls.load(ordering: .relaxed) == 10_000)
    }

    @Test func nothingToDoGivesNothing() {
        #expect(ParallelWork.map(count: 0, workers: 4) { $0 }.isEmpty)
    }

    @Test func bothReturnsEachResultInItsPlace() {
        let (text, number) = ParallelWork.both({ String(repeating: "a", count: 3) }, { 42 })
        #expect(text == "aaa" && number == 42)
    }
}
