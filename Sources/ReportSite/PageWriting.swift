import Dispatch
import Synchronization

/// Pages handed from the threads that render them to the one thread that writes them, with
/// the failures of both, the first by the pages' order winning.
final class PageWriting: Sendable {
    /// How many pages have been written.
    let written = Atomic<Int>(0)
    private let writer = DispatchQueue(label: "tracereport.page-writing")
    /// Bounds the pages rendered but not yet written.
    private let slots: DispatchSemaphore
    private let failures = Mutex<[(Int, ReportError)]>([])
    private let anyFailure = Atomic<Bool>(false)

    init(waiting: Int) {
        slots = DispatchSemaphore(value: max(1, waiting))
    }

    /// Whether something failed, so that rendering can stop early.
    var failed: Bool { anyFailure.load(ordering: .relaxed) }

    /// Runs `body` on the writing thread, after waiting for a free slot; a failure is recorded
    /// as that of the page at `index` in the pages' order.
    func write(at index: Int, _ body: @escaping @Sendable () throws(ReportError) -> Void) {
        slots.wait()
        writer.async { [self] in
            defer { slots.signal() }
            do throws(ReportError) {
                try body()
            } catch {
                fail(index, error)
            }
        }
    }

    func fail(_ index: Int, _ error: ReportError) {
        failures.withLock { $0.append((index, error)) }
        anyFailure.store(true, ordering: .relaxed)
    }

    /// Waits for every page to be written; the first failure by the pages' order, if any.
    func finish() -> ReportError? {
        writer.sync {}
        return failures.withLock { $0.min { $0.0 < $1.0 }?.1 }
    }
}
