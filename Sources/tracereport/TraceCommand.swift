import ArgumentParser
import Foundation
import ReportRun
import ReportSite
import TraceAssembly
import TraceModel

/// `tracereport trace --trace-id ID INPUT... --output FILE`: one trace as a single self-contained
/// HTML file, to attach to an incident ticket or an email.
struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Write one trace as a single self-contained HTML file (waterfall, graph, tables, span details)."
    )

    @OptionGroup var input: InputOptions

    @Option(name: .customLong("trace-id"), help: "The trace: its id, or a prefix of it that no other trace shares.")
    var traceID: String

    @Option(name: .shortAndLong, help: "The file to write (default: trace-<id>.html).")
    var output: String?

    @Flag(help: "Replace --output even if it is a file other than a page tracereport wrote.")
    var force = false

    func validate() throws { try OutputCheck.validate(output) }

    func run() throws {
        let progress = Progress(quiet: input.quiet)
        let templates = try input.templateSet()
        if let output { try OutputCheck.refuseUnsafePage(output, inputs: input.inputs, force: force) }
        let loaded = try input.load(events: progress)
        progress.clear()
        let index: Int
        switch TraceIDMatch(traceID, in: loaded.traces) {
        case .found(let found): index = found
        case .problem(let message):
            Progress.report(message)
            throw Exit.traceNotFound
        }
        let trace = loaded.traces[index]
        let path = output ?? "trace-\(trace.traceID.hex).html"
        try progress.running { () throws(RunFailure) in
            try RunFailure.reporting { () throws(ReportError) in
                let page = try ReportBuilder(templates: templates, rowBudget: input.rowBudget).incidentPage(
                    trace, path: path, time: input.time)
                try SingleFile.write(page, to: URL(fileURLWithPath: path), inputs: loaded.files.map(\.path), force: force)
            }
        }
        if !input.quiet {
            print("tracereport: wrote trace \(trace.traceID.hex) (\(trace.spans.count) spans) to \(path)")
        }
        if loaded.skipped > 0 || loaded.dropped > 0 { throw Exit.inputsSkipped }
    }
}
