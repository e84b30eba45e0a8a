import Synchronization
import Testing

@testable import ReportSite

/// Trace pages are rendered on every core and written from one thread.
struct PageWritingTests {
    @Test func writesRunOneAtATimeInTheOrderTheyCame() {
        let writing = PageWriting(waiting: 2)
        let order = Mutex<[Int]>([])
        let running = Atomic<Int>(0)
        let overlapped = Atomic<Bool>(false)
        for index in 0..<200 {
            writing.write(at: index) { () throws(ReportError) in
                if running.add(1, ordering: .relaxed).newValue > 1 { overlapped.store(true, ordering: .relaxed) }
                order.withLock { $0.append(index) }
                running.subtract(1, ordering: .relaxed)
            }
        }
        let failure = writing.finish()
        let written = order.withLock { $0 }
        let oneAtATime = !overlapped.load(ordering: .relaxed)
        #expect(failure == nil)
        #expect(written == Array(0..<200))
        #expect(oneAtATime)
    }

    @Test func theFirstFailureByTraceOrderIsReported() {
        let writing = PageWriting(waiting: 4)
        for index in [9, 4, 7] {
            writing.write(at: index) { () throws(ReportError) in
                throw .output(path: "traces/\(index).html", message: "disk full")
            }
        }
        writing.fail(6, .output(path: "traces/6.html", message: "rendering failed"))
        let error = writing.finish()
        #expect(writing.failed)
        #expect(error?.description.contains("traces/4.html") == true, "\(String(describing: error))")
    }
}
