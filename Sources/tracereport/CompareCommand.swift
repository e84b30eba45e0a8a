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

    @OptionGroup var file: SingleFileOptions

    func run() throws {
        try TraceCommand.write(input: input, traceID: trace, otherID: other, file: file)
    }
}
