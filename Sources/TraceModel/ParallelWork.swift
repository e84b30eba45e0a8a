import Dispatch
import Synchronization

/// Independent pieces of work spread over threads, with results in a fixed order, so that output
/// does not depend on which thread finished first.
public enum ParallelWork {
    /// `body(index)` for every index in `0..<count`, on up to `workers` threads that each take the
    /// next index not yet taken; the results in index order. With one worker (or one item) it all
    /// runs on the calling thread.
    public static func map<Result: Sendable>(
        count: Int, workers: Int, _ body: @Sendable (Int) -> Result
    ) -> [Result] {
        let threads = max(1, min(workers, count))
        guard threads > 1 else { return (0..<count).map(body) }
        return withoutActuallyEscaping(body) { body in
            [Result](unsafeUninitializedCapacity: count) { buffer, initialized in
                // Every index is written by exactly one thread, and read only after all are done.
                nonisolated(unsafe) let results = buffer
                let next = Atomic<Int>(0)
                DispatchQueue.concurrentPerform(iterations: threads) { _ in
                    while true {
                        let index = next.add(1, ordering: .relaxed).oldValue
                        guard index < count else { return }
                        (results.baseAddress! + index).initialize(to: body(index))
                    }
                }
                initialized = count
            }
        }
    }

    /// `body` for every region of `buffer`, region `index` being `region(index)` for every index
    /// in `0..<count`, on up to `workers` threads; the results in index order. Regions must not
    /// overlap: each is written by one thread only.
    public static func map<Element, Result: Sendable>(
        regionsOf buffer: UnsafeMutableBufferPointer<Element>, count: Int, workers: Int, region: @Sendable (Int) -> Range<Int>,
        _ body: @Sendable (UnsafeMutableBufferPointer<Element>) -> Result
    ) -> [Result] {
        nonisolated(unsafe) let buffer = buffer
        return map(count: count, workers: workers) { index in body(UnsafeMutableBufferPointer(rebasing: buffer[region(index)])) }
    }

    /// Runs `first` and `second` at the same time and returns both results.
    public static func both<First: Sendable, Second: Sendable>(
        _ first: @Sendable () -> First, _ second: @Sendable () -> Second
    ) -> (First, Second) {
        let results = map(count: 2, workers: 2) { index -> (First?, Second?) in
            index == 0 ? (first(), nil) : (nil, second())
        }
        return (results[0].0!, results[1].1!)
    }
}
