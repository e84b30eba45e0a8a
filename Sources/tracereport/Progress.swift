import ArgumentParser
import Foundation
import ReportRun
import ReportSite
import Synchronization
import TraceImport
import TraceModel

/// Progress on standard error while a run reads and writes: one line, redrawn at most ten times
/// a second, and only when standard error is a terminal (a cron job's log gets nothing).
final class Progress: RunEvents {
    private let enabled: Bool
    private let quiet: Bool
    private let lastDraw = Mutex<Date?>(nil)

    init(quiet: Bool) {
        self.quiet = quiet
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

    /// Prints a message of a run (`RunEvents`); advice only when not quiet.
    func report(_ message: String, level: RunMessage) {
        if level == .advice && quiet { return }
        clear()
        Self.report(message, level: level == .error ? "error" : "warning")
    }

    /// Runs `body`; a failure is reported and ends the command with its exit code.
    func running<T>(_ body: () throws(RunFailure) -> T) throws -> T {
        do {
            return try body()
        } catch {
            clear()
            if let message = error.message { Self.report(message) }
            throw error.kind.exitCode
        }
    }

    /// Prints an error (or warning) line to standard error.
    static func report(_ message: String, level: String = "error") {
        FileHandle.standardError.write(Data("tracereport: \(level): \(message)\n".utf8))
    }

    static func megabytes(_ bytes: Int) -> String { ReportRun.megabytes(bytes) }
}

extension RunFailure.Kind {
    /// The exit code for this failure.
    var exitCode: ExitCode {
        switch self {
        case .missing: Exit.missing
        case .noInput: Exit.noInput
        case .traceNotFound: Exit.traceNotFound
        case .internalError: Exit.internalError
        case .cannotWrite: Exit.cannotWrite
        }
    }
}
