import SystemCalls

/// A growable run of bytes in memory of its own: bytes are read from a source straight into its
/// spare room, with nothing filled in first. Large buffers are mapped from the system in huge
/// pages where it has them: a whole input read into 4 KB pages cost a page fault each, more than
/// the read itself.
///
/// Unchecked `Sendable`: `JSONLinesStreaming` hands each lane's buffer to one worker, which only
/// reads it while the thread that filled it waits for the workers.
final class ByteBuffer: @unchecked Sendable {
    private var storage: UnsafeMutableRawBufferPointer
    /// How many bytes it holds.
    private(set) var count = 0

    init(capacity: Int = 0) {
        storage = Self.allocate(max(capacity, 16))
    }

    deinit { Self.free(storage) }

    /// How many bytes it can hold before it must grow.
    var capacity: Int { storage.count }

    /// Buffers of at least this size are mapped (and advised to use huge pages).
    private static let mappedSize = 4 << 20
    private static let hugePage = 2 << 20

    private static func allocate(_ byteCount: Int) -> UnsafeMutableRawBufferPointer {
        guard byteCount >= mappedSize else { return .allocate(byteCount: byteCount, alignment: 16) }
        let size = (byteCount + hugePage - 1) / hugePage * hugePage
        return Processes.mapMemory(byteCount: size) ?? .allocate(byteCount: byteCount, alignment: 16)
    }

    private static func free(_ storage: UnsafeMutableRawBufferPointer) {
        if storage.count >= mappedSize, storage.count % hugePage == 0 {
            Processes.unmap(storage)
        } else {
            storage.deallocate()
        }
    }

    /// The bytes held (valid until the buffer next changes).
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[..<count]) }

    var isEmpty: Bool { count == 0 }

    /// Makes room for `capacity` bytes in all.
    func reserve(_ capacity: Int) {
        guard capacity > storage.count else { return }
        let grown = Self.allocate(max(capacity, storage.count * 2))
        if count > 0 { grown.baseAddress!.copyMemory(from: storage.baseAddress!, byteCount: count) }
        Self.free(storage)
        storage = grown
    }

    /// Reads up to `atMost` more bytes from `source` onto the end; how many, 0 at its end.
    func read(from source: any ByteSource, atMost: Int) throws(ImportError) -> Int {
        reserve(count + atMost)
        let read = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: storage[count..<(count + atMost)]))
        count += read
        return read
    }

    /// Appends `other`.
    func append(_ other: UnsafeRawBufferPointer) {
        guard !other.isEmpty else { return }
        reserve(count + other.count)
        (storage.baseAddress! + count).copyMemory(from: other.baseAddress!, byteCount: other.count)
        count += other.count
    }

    /// Removes the first `prefix` bytes, moving the rest to the front.
    func removeFirst(_ prefix: Int) {
        let rest = count - prefix
        if rest > 0 { storage.baseAddress!.copyMemory(from: storage.baseAddress! + prefix, byteCount: rest) }
        count = rest
    }

    /// Keeps the first `length` bytes.
    func truncate(to length: Int) { count = min(count, length) }

    /// Empties the buffer, keeping its memory.
    func removeAll() { count = 0 }
}
