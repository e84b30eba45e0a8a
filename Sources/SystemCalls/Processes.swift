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
}

/// glibc's `malloc_trim`, which the Glibc module does not export.
@_silgen_name("malloc_trim")
private func trimMalloc(_ pad: Int) -> Int32
