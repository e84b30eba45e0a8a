public import Glibc

/// An open file, read and written with plain system calls.
public struct FileDescriptor: Sendable {
    public let raw: Int32
    /// The path it was opened with, for its errors.
    public let path: String

    /// Opens `path` (`O_CLOEXEC` is added).
    public static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws(SystemError) -> FileDescriptor {
        let raw = Glibc.open(path, flags | O_CLOEXEC, mode)
        guard raw >= 0 else { throw SystemError.last(path) }
        return FileDescriptor(raw: raw, path: path)
    }

    /// Opens for reading the path whose bytes are `path` (no terminating NUL; they need not be UTF-8).
    public static func openForReading(bytes path: [UInt8]) throws(SystemError) -> FileDescriptor {
        let raw = Paths.withCPath(path) { Glibc.open($0, O_RDONLY | O_CLOEXEC) }
        let text = String(decoding: path, as: UTF8.self)
        guard raw >= 0 else { throw SystemError.last(text) }
        return FileDescriptor(raw: raw, path: text)
    }

    /// Standard input (not to be closed).
    public static let standardInput = FileDescriptor(raw: STDIN_FILENO, path: "standard input")

    private init(raw: Int32, path: String) {
        self.raw = raw
        self.path = path
    }

    /// What the open file is, as `fstat` says.
    public func status() throws(SystemError) -> Paths.Status {
        var status = stat()
        guard fstat(raw, &status) == 0 else { throw SystemError.last(path) }
        return Paths.Status(status)
    }

    /// Reads up to `buffer.count` bytes at the current position into `buffer`: how many, 0 at the end.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        while true {
            let count = Glibc.read(raw, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno != EINTR { throw SystemError.last(path) }
        }
    }

    /// Reads up to `buffer.count` bytes at `position` into `buffer`, leaving the current position
    /// where it is: how many, 0 at the end.
    public func read(into buffer: UnsafeMutableRawBufferPointer, at position: Int) throws(SystemError) -> Int {
        while true {
            let count = pread(raw, buffer.baseAddress, buffer.count, off_t(position))
            if count >= 0 { return count }
            if errno != EINTR { throw SystemError.last(path) }
        }
    }

    public func close() { _ = Glibc.close(raw) }

    /// Writes all of `bytes` at the current position, however many calls that takes.
    public func writeAll(_ bytes: UnsafeRawBufferPointer) throws(SystemError) {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(raw, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw SystemError.last(path)
            }
            offset += written
        }
    }

    /// Writes `bytes` at `position`, leaving the current position where it is.
    public func write(_ bytes: UnsafeRawBufferPointer, at position: Int) throws(SystemError) {
        var offset = 0
        while offset < bytes.count {
            let written = pwrite(raw, bytes.baseAddress! + offset, bytes.count - offset, off_t(position + offset))
            if written < 0 {
                if errno == EINTR { continue }
                throw SystemError.last(path)
            }
            offset += written
        }
    }

    /// Up to `count` bytes from `position`: fewer where the file ends first.
    public func read(upTo count: Int, at position: UInt64) throws(SystemError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = try bytes.withUnsafeMutableBytes { buffer in
                Result { () throws(SystemError) in
                    try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[done...]), at: Int(position) + done)
                }
            }.get()
            if got == 0 { break }
            done += got
        }
        return Array(bytes[..<done])
    }

    /// Every byte from the current position to the end (a file that does not say its size, as
    /// in `/proc`, included).
    public func readAll() throws(SystemError) -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let got = try buffer.withUnsafeMutableBytes { buffer in Result { () throws(SystemError) in try read(into: buffer) } }.get()
            if got == 0 { return bytes }
            bytes += buffer[..<got]
        }
    }

    /// The current position.
    public func position() throws(SystemError) -> Int {
        let position = lseek(raw, 0, SEEK_CUR)
        guard position >= 0 else { throw SystemError.last(path) }
        return Int(position)
    }

    /// Cuts the file to `size` bytes and goes on writing from there.
    public func truncate(to size: Int) throws(SystemError) {
        guard ftruncate(raw, off_t(size)) == 0, lseek(raw, off_t(size), SEEK_SET) >= 0 else { throw SystemError.last(path) }
    }

    /// Flushes what was written to the disk.
    public func flush() throws(SystemError) {
        guard fsync(raw) == 0 else { throw SystemError.last(path) }
    }
}
