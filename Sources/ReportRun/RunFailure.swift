public import ReportSite

/// Why a run stopped, and what kind of failure that is (the command line maps each kind to its
/// exit code).
public struct RunFailure: Error, Sendable {
    public enum Kind: Sendable {
        /// An input, template or baseline is missing or unreadable.
        case missing
        /// No input could be read, or (strict) one could not; or the inputs hold no span.
        case noInput
        /// A trace asked for matches no trace, or several.
        case traceNotFound
        /// A chart failed validation.
        case internalError
        /// The output cannot be written or replaced.
        case cannotWrite
    }

    public var kind: Kind
    /// What to tell the user; nil when the run has said it already (each unreadable input, with
    /// `strict`).
    public var message: String?

    public init(_ kind: Kind, _ message: String?) {
        (self.kind, self.message) = (kind, message)
    }

    /// The failure a site's writing reports.
    public init(_ error: ReportError) {
        switch error {
        case .invalidChart: self.init(.internalError, error.description)
        case .template, .input: self.init(.missing, error.description)
        case .output: self.init(.cannotWrite, error.description)
        }
    }

    /// What `body` returns, its `ReportError` as a failure.
    public static func reporting<T>(_ body: () throws(ReportError) -> T) throws(RunFailure) -> T {
        do {
            return try body()
        } catch {
            throw RunFailure(error)
        }
    }
}
