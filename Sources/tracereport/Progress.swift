import Foundation
import ReportSite
import Synchronization
import TraceImport
import TraceModel

/// Progress on standard error while a run reads and writes: one line, redrawn at most ten times
/// a second, and only when standard error is a terminal (a cron job's log gets nothing).
final class Progress: Sendable {
    private let enabled: Bool
    private let lastDraw = Mutex<Date?>(nil)

    init(quiet: Bool) {
        enabled = !quiet && isatty(STDERR_FILENO) == 1
    }

    func update(_ line: String) {
        guard enabled else { return }
        let now = Date()
        let due = lastDraw.withLock { last -> Bool in
            if let last, now.timeIntervalSince(last) < 0.1 { return false }
            last = now
            return true
        }
        if due { FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8)) }
    }

    /// Erases the progress line, before a message or at the end.
    func clear() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        lastDraw.withLock { $0 = nil }
    }

    /// What a site build reports as it writes the trace pages of `traceCount` traces.
    func pageWriting(traceCount: Int) -> @Sendable (_ written: Int, _ total: Int) -> Void {
        { written, total in self.update("\(traceCount) traces; writing trace pages: \(written) of \(total)") }
    }

    /// Prints why each of `failures` could not be read (skipped, or with `strict` fatal), then
    /// exits with `Exit.noInput` when `strict` and any failed, or when all `inputCount` failed.
    func reportUnreadable(
        _ failures: [ImportError], of inputCount: Int, strict: Bool = false,
        noneRead: String = "no input could be read; nothing was written"
    ) throws {
        for failure in failures {
            clear()
            Self.report(failure.description + (strict ? "" : " (input skipped)"), level: strict ? "error" : "warning")
        }
        if strict && !failures.isEmpty { throw Exit.noInput }
        if failures.count == inputCount {
            Self.report(noneRead)
            throw Exit.noInput
        }
    }

    /// Prints what reading the inputs dropped or repaired: a warning per input and reason, with
    /// how often and where its first case is.
    func reportIssues(_ inputs: [ReportBuilder.Input]) {
        for input in inputs {
            for reason in input.issues.reasons {
                clear()
                Self.report("\(input.path): \(reason.description)", level: "warning")
            }
        }
    }

    /// Prints an error (or warning) line to standard error.
    static func report(_ message: String, level: String = "error") {
        FileHandle.standardError.write(Data("tracereport: \(level): \(message)\n".utf8))
    }

    static func megabytes(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1e6) }
}
