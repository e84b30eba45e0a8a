import Synchronization

/// How many more bytes (decompressed) a run may read into memory, shared by every input it reads:
/// what `--memory-budget` leaves for spans when the inputs are held in memory together. Inputs
/// whose size is known are planned for before reading; standard input and pipes are not, and one
/// that reads past the budget stops the run with a message rather than taking memory it does
/// not have.
public final class ReadBudget: Sendable {
    private let remaining: Atomic<Int>

    public init(bytes: Int) { remaining = Atomic(max(0, bytes)) }

    /// What is left.
    public var bytesLeft: Int { remaining.load(ordering: .relaxed) }

    /// Takes `bytes` from the budget; false when that is more than was left.
    func spend(_ bytes: Int) -> Bool {
        remaining.subtract(bytes, ordering: .relaxed).newValue >= 0
    }

    /// The error of `file` reading past the budget.
    static func exceeded(by file: String) -> ImportError {
        ImportError(
            file: file,
            message: "holds more than the memory budget lets the run keep in memory (--memory-budget); "
                + "give it as a file, which is measured first and spilled to disk in partitions when large",
            exceedsMemoryBudget: true)
    }
}
