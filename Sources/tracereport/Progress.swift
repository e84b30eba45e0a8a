import Foundation
import Synchronization

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

    /// Prints an error (or warning) line to standard error.
    static func report(_ message: String, level: String = "error") {
        FileHandle.standardError.write(Data("tracereport: \(level): \(message)\n".utf8))
    }

    static func megabytes(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1e6) }
}
