import ArgumentParser
import Foundation
import ReportRun
import ReportSite
import ReportStages
import Synchronization
import TraceAssembly
import TraceModel

/// `tracereport [report] INPUT... --output DIR`: the report site, in memory, or (for inputs
/// larger than `--memory-budget`) through partition files on disk, one partition at a time.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a report site: index, services and slowest hops, a page per selected trace, summary.json."
    )

    @OptionGroup var input: InputOptions
    @OptionGroup var selection: SelectionOptions
    @OptionGroup var site: SiteOptions

    @Option(
        help: ArgumentHelp(
            "Memory the run may use, e.g. 800M or 4G (default: half the machine's or container's memory). Larger inputs are spilled to disk in partitions by trace id and built one partition at a time.",
            valueName: "size"), transform: SizeArgument.parse)
    var memoryBudget: SizeArgument?

    @Flag(help: "Publish a report even when the inputs hold no span, replacing the previous site.")
    var allowEmpty = false

    func run() throws {
        let started = Date()
        let progress = Progress(quiet: input.quiet)
        let request = try request(progress: progress)
        let result = try progress.running { () throws(RunFailure) in try ReportRun.run(request, events: progress) }
        // The process ends with this command: the traces are left for it to reclaim at once,
        // rather than freed span by span (half a second for a million spans).
        Self.keptUntilExit.withLock { $0.append(result.assembled) }
        progress.clear()
        if !input.quiet {
            let skippedNote = result.skipped > 0 ? " (\(result.skipped) skipped)" : ""
            let spillNote =
                result.partitions > 1
                ? " in \(result.partitions) partitions (--memory-budget \(Progress.megabytes(request.memoryBudget)) MB)" : ""
            print(
                "tracereport: read \(result.spans) spans from \(result.files - result.skipped) of \(result.files) inputs\(skippedNote), "
                    + "\(Progress.megabytes(result.bytes)) MB\(spillNote); \(result.traces) traces, \(result.outcome.summary.totals.pages) pages "
                    + "in \(String(format: "%.1f", Date().timeIntervalSince(started))) s; wrote \(site.output)/"
                    + SiteOptions.findings(result.outcome))
        }
        try site.conclude(result.outcome)
        if result.skipped > 0 || result.dropped > 0 { throw Exit.inputsSkipped }
    }

    /// The run the arguments ask for, its templates and baseline read.
    func request(progress: Progress) throws -> ReportRun.Request {
        let templates = try input.templateSet()
        var request = ReportRun.Request(
            inputs: input.inputs, settings: try selection.settings(pages: input.pages, assembly: input.assembly, templates: templates),
            templates: templates, site: try site.options(progress: progress), output: site.outputURL)
        request.format = input.format
        request.strict = input.strict
        request.allowEmpty = allowEmpty
        request.memoryBudget = memoryBudget?.bytes ?? MemoryBudget.machineDefault
        return request
    }

    private static let keptUntilExit = Mutex<[[Trace]]>([])
}
