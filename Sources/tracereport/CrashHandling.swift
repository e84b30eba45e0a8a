import Foundation

/// What a trap does to the process. A trap in tracereport is a bug; when one happens, the process
/// must still end at once, releasing the pipes of whatever runs it (a nightly job's shell, a CI
/// step). The Swift runtime's own crash handler starts a `swift-backtrace` process that inherits
/// them, which has held them for minutes. So, unless `SWIFT_BACKTRACE` says otherwise (set it,
/// e.g. `SWIFT_BACKTRACE=enable=yes`, to get the runtime's backtrace instead), a crash signal
/// writes one line to standard error and ends the process with that signal.
enum CrashHandling {
    static func install() {
        guard ProcessInfo.processInfo.environment["SWIFT_BACKTRACE"] == nil else { return }
        for signal in [SIGILL, SIGTRAP, SIGABRT, SIGSEGV, SIGBUS, SIGFPE] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in
                // Only async-signal-safe calls: a constant message, write(2), raise(3).
                let message: StaticString =
                    "tracereport: internal error: the run stopped on a trap (a bug in tracereport; please report it, with the input if you can; set SWIFT_BACKTRACE=enable=yes for a backtrace)\n"
                _ = write(STDERR_FILENO, message.utf8Start, message.utf8CodeUnitCount)
                raise(signal)
            }
            sigemptyset(&action.sa_mask)
            // The handler runs once: raising the signal again ends the process with it.
            action.sa_flags = Int32(truncatingIfNeeded: SA_RESETHAND)
            sigaction(signal, &action, nil)
        }
    }
}
