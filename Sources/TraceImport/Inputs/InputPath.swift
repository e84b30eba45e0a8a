import Synchronization

/// A path as the system has it: its bytes, which need not be UTF-8, and how messages show it
/// (bytes that are not UTF-8 written as `\xFF`).
public struct InputPath: Hashable, Sendable, CustomStringConvertible {
    /// The path's bytes, without a terminating NUL.
    public let bytes: [UInt8]
    /// The path for people: UTF-8 as it is, other bytes as `\xHH`.
    public let display: String

    public init(bytes: [UInt8]) {
        self.bytes = bytes
        display = Self.display(bytes)
    }

    /// A path given as text.
    public init(_ text: String) {
        self.init(bytes: Array(text.utf8))
    }

    /// The path whose `display` is `text`: one that is not UTF-8 if it was registered (met on the
    /// command line or in a folder), else `text` itself. Paths travel through the program as
    /// their display text; the few that are not UTF-8 are found again here by it.
    public init(resolving text: String) {
        self = Self.registered.withLock { $0[text] } ?? InputPath(text)
    }

    /// Makes `display` find this path again (see `init(resolving:)`).
    public func register() {
        guard !isUTF8 else { return }
        Self.registered.withLock { $0[display] = self }
    }

    private static let registered = Mutex<[String: InputPath]>([:])

    public var description: String { display }

    /// Whether the bytes are UTF-8, so that `display` is the path itself.
    public var isUTF8: Bool { String(validating: bytes, as: UTF8.self) != nil }

    /// `self` with `component` appended after a `/`.
    public func appending(_ component: [UInt8]) -> InputPath {
        InputPath(bytes: bytes.last == UInt8(ascii: "/") ? bytes + component : bytes + [UInt8(ascii: "/")] + component)
    }

    private static func display(_ bytes: [UInt8]) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var out = ""
        var index = 0
        while index < bytes.count {
            // The longest valid UTF-8 sequence here (at most 4 bytes), else one byte escaped.
            var length = 4
            while length > 0 {
                if index + length <= bytes.count, let text = String(validating: bytes[index..<(index + length)], as: UTF8.self) {
                    out += text
                    break
                }
                length -= 1
            }
            if length == 0 {
                out += "\\x" + String(bytes[index], radix: 16, uppercase: true).leftPadded(to: 2)
                length = 1
            }
            index += length
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
