import Glibc

/// What a process may ask of the system about processes and memory.
public enum Processes {
    /// This process's id.
    public static var current: Int32 { getpid() }

    /// Whether the process `id` is gone.
    public static func isGone(_ id: Int32) -> Bool { kill(id, 0) == -1 && errno == ESRCH }

    /// Gives memory freed by the allocator back to the system (glibc's `malloc_trim`), so that a
    /// long run's resident size falls after each large step.
    public static func returnFreedMemory() { _ = trimMalloc(0) }

    /// `byteCount` bytes of fresh memory (zeroed) mapped from the system, advised to use huge
    /// pages; nil when the system refuses. Give it back with `unmap(_:)`.
    public static func mapMemory(byteCount: Int) -> UnsafeMutableRawBufferPointer? {
        guard let address = mmap(nil, byteCount, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), address != MAP_FAILED
        else { return nil }
        _ = madvise(address, byteCount, MADV_HUGEPAGE)
        return UnsafeMutableRawBufferPointer(start: address, count: byteCount)
    }

    /// Gives back memory `mapMemory(byteCount:)` mapped.
    public static func unmap(_ memory: UnsafeMutableRawBufferPointer) { _ = munmap(memory.baseAddress, memory.count) }
}

/// glibc's `malloc_trim`, which the Glibc module does not export.
@_silgen_name("malloc_trim")
private func trimMalloc(_ pad: Int) -> Int32
