import Foundation

/// The bytes of a regular file, mapped read-only into memory: nothing is copied, and pages are
/// read from the page cache as the decoder reaches them (reading a 100 MB file into memory of
/// our own cost 24,000 page faults and a copy). The mapping is private: other processes' writes
/// are not seen, but a file cut short while it is read ends the process (SIGBUS), as with any
/// program that maps its input.
final class MappedFile {
    let bytes: UnsafeRawBufferPointer

    /// Maps the file at `path`; nil when it cannot be opened or mapped (not a regular file, empty,
    /// no memory), for the caller to read it in another way.
    init?(path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_size > 0 else { return nil }
        let count = Int(status.st_size)
        guard let address = mmap(nil, count, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else { return nil }
        // Read ahead more eagerly: decoders go through the bytes from start to end.
        _ = madvise(address, count, MADV_SEQUENTIAL)
        bytes = UnsafeRawBufferPointer(start: address, count: count)
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
    }
}
