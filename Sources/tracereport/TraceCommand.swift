import ArgumentParser
import ReportRun
import ReportStages
import TraceModel

/// `tracereport trace --trace-id ID INPUT... --output FILE`: one trace as a single self-contained
/// HTML file, to attach to an incident ticket or an email, compared with the typical request of
/// its entry point.
struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Write one trace as a single self-contained HTML file (waterfall, graph, tables, span details)."
    )

    @OptionGroup var input: InputOptions

    @Option(name: .customLong("trace-id"), help: "The trace: its id, or a prefix of it that no other trace shares.")
    var traceID: String

    @OptionGroup var file: SingleFileOptions

    func run() throws {
        try Self.write(input: input, traceID: traceID, otherID: nil, file: file)
    }

    /// Writes the page of `traceID` compared with `otherID` (nil: the typical request of its entry point).
    static func write(input: InputOptions, traceID: String, otherID: String?, file: SingleFileOptions) throws {
        let progress = Progress(quiet: input.quiet)
        var request = IncidentRun.Request(inputs: input.inputs, traceID: traceID, templates: try input.templateSet())
        request.otherID = otherID
        request.format = input.format
        request.strict = input.strict
        request.assembly = input.assembly.settings.options
        request.output = file.output
        request.force = file.force
        request.rowBudget = input.rowBudget
        request.time = input.time
        let result = try progress.running { () throws(RunFailure) in try IncidentRun.run(request, events: progress) }
        progress.clear()
        if !input.quiet {
            print("tracereport: wrote trace \(result.traceID.hex) (\(result.spanCount) spans) to \(result.path)")
        }
        if result.skipped > 0 || result.dropped > 0 { throw Exit.inputsSkipped }
    }
}

/// Where `trace` and `compare` write their one page.
struct SingleFileOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "The file to write (default: trace-<id>.html).")
    var output: String?

    @Flag(help: "Replace --output even if it is a file other than a page tracereport wrote.")
    var force = false

    func validate() throws { try OutputCheck.validate(output) }
}
