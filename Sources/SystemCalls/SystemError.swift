import Glibc

/// A system call that failed, with its `errno`.
public struct SystemError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: Int32

    public init(code: Int32) { self.code = code }

    /// The failure the last system call left in `errno`.
    public static var last: SystemError { SystemError(code: errno) }

    /// The system's words for it ("No space left on device").
    public var description: String { String(cString: strerror(code)) }
}
