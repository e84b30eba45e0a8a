import Foundation
import Synchronization

// Where inputs meet the system: opening and reading files, and listing folders, by paths as
// the system has them (bytes, which need not be UTF-8).

/// An open file, pipe or device, read with `read(2)`: the one place where inputs meet the system.
final class FileSource: ByteSource {
    /// What the input is, as `fstat` says.
    enum Kind: Equatable {
        /// A regular file of this many bytes (when it was opened).
        case regular(size: Int)
        /// A pipe, socket or device: bytes come as they come, and cannot be read again.
        case stream
    }

    let name: String
    let kind: Kind
    private let descriptor: Int32
    private let ownsDescriptor: Bool

    /// Opens the input at `path` (raw bytes, so that names that are not UTF-8 open too), once.
    /// - Parameter name: how messages call it.
    /// - Throws: `ImportError` when it cannot be opened, or is a folder.
    init(path: InputPath) throws(ImportError) {
        name = path.display
        let descriptor = path.withCString { open($0, O_RDONLY | O_CLOEXEC) }
        guard descriptor >= 0 else { throw ImportError(file: name, message: "cannot open: \(Self.lastError())") }
        self.descriptor = descriptor
        ownsDescriptor = true
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let message = Self.lastError()
            close(descriptor)
            throw ImportError(file: name, message: "cannot read: \(message)")
        }
        switch status.st_mode & S_IFMT {
        case S_IFDIR:
            close(descriptor)
            throw ImportError(file: name, message: "is a folder")
        case S_IFREG: kind = .regular(size: Int(status.st_size))
        default: kind = .stream
        }
    }

    /// Standard input, named `name`; it is not closed.
    init(standardInputNamed name: String) {
        self.name = name
        descriptor = STDIN_FILENO
        ownsDescriptor = false
        kind = .stream
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ImportError) -> Int {
        while true {
            let count = Foundation.read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw ImportError(file: name, message: "cannot read: \(Self.lastError())")
        }
    }

    /// Reads the bytes at `offset` of a regular file again (to count its lines); 0 at its end or
    /// when they cannot be read.
    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        while true {
            let count = pread(descriptor, buffer.baseAddress, buffer.count, off_t(offset))
            if count >= 0 { return count }
            if errno != EINTR { return 0 }
        }
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}

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

    func withCString<Result>(_ body: (UnsafePointer<CChar>) -> Result) -> Result {
        (bytes + [0]).withUnsafeBufferPointer { body(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self)) }
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

/// What a path is, as `stat` says (links followed).
struct FileStatus {
    enum Kind {
        case regular, folder, other
    }

    let kind: Kind
    /// The file's identity: the same folder reached by two paths (a link) has the same.
    let identity: FileIdentity

    /// The status of `path`; the system's reason when it has none (a dangling link, no permission).
    static func of(_ path: InputPath) -> Result<FileStatus, SystemError> {
        var status = stat()
        guard path.withCString({ stat($0, &status) }) == 0 else { return .failure(SystemError.last()) }
        let kind: Kind =
            switch status.st_mode & S_IFMT {
            case S_IFREG: .regular
            case S_IFDIR: .folder
            default: .other
            }
        return .success(FileStatus(kind: kind, identity: FileIdentity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))))
    }
}

/// A file's device and inode.
struct FileIdentity: Hashable {
    var device: UInt64
    var inode: UInt64
}

/// The system's reason for a failed call, as words.
struct SystemError: Error {
    let message: String

    static func last() -> SystemError { SystemError(message: String(cString: strerror(errno))) }
}

/// The names in a folder (raw bytes; `.` and `..` left out), or the system's reason it cannot be listed.
func folderEntries(_ path: InputPath) -> Result<[[UInt8]], SystemError> {
    guard let folder = path.withCString({ opendir($0) }) else { return .failure(SystemError.last()) }
    defer { closedir(folder) }
    var names: [[UInt8]] = []
    while true {
        errno = 0
        guard let entry = readdir(folder) else {
            if errno != 0 { return .failure(SystemError.last()) }
            break
        }
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
        if name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
        names.append(name)
    }
    return .success(names)
}
