public import ReportSite
public import TraceImport
import TraceModel

/// What a run tells its user as it goes: a progress line, warnings, and errors about inputs it
/// goes on without. The command line draws them on standard error; tests may collect them.
public protocol RunEvents: Sendable {
    /// The line saying what the run is doing now.
    func update(_ line: String)
    /// A message for the user.
    func report(_ message: String, level: RunMessage)
}

/// How much a message matters.
public enum RunMessage: Sendable {
    /// An error the run may go on after (an unreadable input, with `strict`).
    case error
    /// Something the run did that the user must know about (an input skipped, records dropped).
    case warning
    /// A warning a quiet run leaves out (an input with no span, a tight memory budget).
    case advice
}

extension RunEvents {
    /// What a site build reports as it writes the trace pages of `traceCount` traces.
    func pageWriting(traceCount: Int) -> @Sendable (_ written: Int, _ total: Int) -> Void {
        { written, total in self.update("\(traceCount) traces; writing trace pages: \(written) of \(total)") }
    }

    /// Reports why each of `failures` could not be read (skipped, or with `strict` fatal), then
    /// stops the run when `strict` and any failed, or when all `inputCount` failed.
    public func reportUnreadable(
        _ failures: [ImportError], of inputCount: Int, strict: Bool = false,
        noneRead: String = "no input could be read; nothing was written"
    ) throws(RunFailure) {
        for failure in failures {
            report(failure.description + (strict ? "" : " (input skipped)"), level: strict ? .error : .warning)
        }
        if strict && !failures.isEmpty { throw RunFailure(.noInput, nil) }
        if failures.count == inputCount { throw RunFailure(.noInput, noneRead) }
    }

    /// Reports what reading the inputs dropped or repaired: a warning per input and reason,
    /// with how often and where its first case is.
    public func reportIssues(_ inputs: [ReportBuilder.Input]) {
        for input in inputs {
            for reason in input.issues.reasons { report("\(input.path): \(reason.description)", level: .warning) }
        }
    }
}

/// Events nobody hears.
public struct SilentRun: RunEvents {
    public init() {}
    public func update(_ line: String) {}
    public func report(_ message: String, level: RunMessage) {}
}
