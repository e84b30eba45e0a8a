import ArgumentParser

/// `tracereport compare A B INPUT...`: trace A's page as a single self-contained HTML file,
/// saying where its time went against trace B's.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract:
            "Write trace A as a single self-contained HTML file, compared with trace B: where the extra time went, which calls differ."
    )

    @Argument(help: "The trace to explain: its id, or a prefix of it that no other trace shares.")
    var trace: String

    @Argument(help: "The trace to compare it with (id or unique prefix).")
    var other: String

    @OptionGroup var input: InputOptions

    @Option(name: .shortAndLong, help: "The file to write (default: trace-<id>.html).")
    var output: String?

    @Flag(help: "Replace --output even if it is a file other than a page tracereport wrote.")
    var force = false

    func validate() throws { try OutputCheck.validate(output) }

    func run() throws {
        try TraceCommand.write(input: input, traceID: trace, otherID: other, output: output, force: force)
    }
}
