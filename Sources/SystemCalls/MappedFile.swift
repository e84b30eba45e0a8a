import Glibc

/// A file mapped read-only into memory (its pages read as they are touched), unmapped when the
/// last reference goes. The file must not be cut short while it is mapped.
public final class MappedFile {
    private let bytes: UnsafeRawBufferPointer

    /// Calls `body` with the file's bytes (valid only inside it: the mapping lives as long as
    /// this object, which is kept alive until `body` returns).
    public func withBytes<Result, Failure: Error>(_ body: (UnsafeRawBufferPointer) throws(Failure) -> Result) throws(Failure) -> Result {
        defer { withExtendedLifetime(self) {} }
        return try body(bytes)
    }

    /// Maps the regular file at `path`.
    public init(path: String) throws(SystemError) {
        let file = try FileDescriptor.open(path, O_RDONLY)
        defer { file.close() }
        let size = try file.status().size
        guard size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, file.raw, 0), address != MAP_FAILED else {
            throw SystemError.last(path)
        }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    deinit {
        if let base = bytes.baseAddress { _ = munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}
