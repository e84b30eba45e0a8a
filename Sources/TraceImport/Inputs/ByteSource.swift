/// Where the bytes of an input come from, read front to back once: a file, a pipe, standard
/// input, memory, or a decompressing stream over any of them. Nothing is mapped: an input cut
/// short while it is read (logrotate's copytruncate) simply ends sooner.
protocol ByteSource: AnyObject {
    /// Fills the start of `buffer` with the next bytes; returns how many, 0 at the end.
    /// - Throws: `ImportError` when the bytes cannot be read (the source names its input).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ImportError) -> Int
}

/// Bytes already in memory.
final class MemorySource: ByteSource {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0

    /// The bytes must outlive the source.
    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let count = min(buffer.count, bytes.count - offset)
        guard count > 0 else { return 0 }
        buffer.baseAddress!.copyMemory(from: bytes.baseAddress! + offset, byteCount: count)
        offset += count
        return count
    }
}

/// Counts the bytes read from another source: an input's size as stored, whatever it turns out to be.
final class CountingSource: ByteSource {
    private let source: any ByteSource
    private(set) var count = 0

    init(_ source: any ByteSource) { self.source = source }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ImportError) -> Int {
        let read = try source.read(into: buffer)
        count += read
        return read
    }
}
