/// Why an input could not be read, and where: file, line and column (1-based), byte offset.
public struct ImportError: Error, Equatable, CustomStringConvertible, Sendable {
    public var file: String
    /// The 1-based line of the fault, or nil when the fault is not at a position (unreadable file).
    public var line: Int?
    /// The 1-based column, counted in bytes from the start of the line.
    public var column: Int?
    /// The 0-based byte offset from the start of the file.
    public var offset: Int?
    public var message: String
    /// The input holds more than the memory budget lets a run hold (standard input or a pipe,
    /// whose size could not be planned for): the run stops rather than skip it.
    public var exceedsMemoryBudget = false

    public init(file: String, line: Int? = nil, column: Int? = nil, offset: Int? = nil, message: String, exceedsMemoryBudget: Bool = false)
    {
        self.file = file
        self.line = line
        self.column = column
        self.offset = offset
        self.message = message
        self.exceedsMemoryBudget = exceedsMemoryBudget
    }

    /// An error at a byte offset of `bytes`, with the line and column worked out.
    init(file: String, bytes: UnsafeRawBufferPointer, offset: Int, message: String) {
        var line = 1
        var lineStart = 0
        for index in 0..<min(offset, bytes.count) where bytes[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        self.init(file: file, line: line, column: offset - lineStart + 1, offset: offset, message: message)
    }

    /// "file:line:column: message" for text, "file: byte N: message" for binary input.
    public var description: String {
        if let line, let column { return "\(file):\(line):\(column): \(message)" }
        if let offset { return "\(file): byte \(offset): \(message)" }
        return "\(file): \(message)"
    }
}
