import Glibc

/// A system call that failed, with its `errno` and the path it was given.
public struct SystemError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: Int32
    /// The path the call was given (the first of two), or the path a file descriptor was opened
    /// with; nil for a call without one.
    public var path: String?

    public init(code: Int32, path: String? = nil) {
        self.code = code
        self.path = path
    }

    /// The failure the last system call, given `path`, left in `errno`.
    public static func last(_ path: String?) -> SystemError { SystemError(code: errno, path: path) }

    /// The system's words for it ("No space left on device").
    public var description: String { String(cString: strerror(code)) }
}
