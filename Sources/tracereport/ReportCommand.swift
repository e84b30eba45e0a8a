import ArgumentParser
import Foundation
import ReportSite
import ReportStages
import TraceAnalysis
import TraceAssembly
import TraceImport
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
            valueName: "size"))
    var memoryBudget: String?

    @Flag(help: "Publish a report even when the inputs hold no span, replacing the previous site.")
    var allowEmpty = false

    func validate() throws {
        if let memoryBudget, MemoryBudget.bytes(parsing: memoryBudget) == nil {
            throw ValidationError("--memory-budget wants a size such as 800M or 4G, not '\(memoryBudget)'")
        }
    }

    func run() throws {
        let started = Date()
        let progress = Progress(quiet: input.quiet)
        let templates = try input.templateSet()
        let settings = try selection.settings(pages: input.pages, assembly: input.assembly, templates: templates)
        var options = try site.options()
        let budget = memoryBudget.flatMap(MemoryBudget.bytes(parsing:)) ?? MemoryBudget.machineDefault
        let listing = try input.files()
        let files = listing.files
        try OutputCheck.refuseUnsafe(site.output, kind: .site, inputs: files, force: site.force)
        let partitions = MemoryBudget.partitions(for: files, budget: budget)
        if partitions > 1, budget < 2 * MemoryBudget.base, !input.quiet {
            Progress.report(
                "--memory-budget \(Progress.megabytes(budget)) MB leaves little beside the \(Progress.megabytes(MemoryBudget.base)) MB any run takes; "
                    + "peak memory may exceed it", level: "warning")
        }
        let outcome: ReportBuilder.Outcome
        let read: (spans: Int, files: Int, skipped: Int, dropped: Int, bytes: Int, traces: Int)
        if partitions > 1 {
            (outcome, read) = try spilled(
                listing, partitions: partitions, budget: budget, settings: settings, templates: templates, options: options,
                progress: progress)
        } else {
            let loaded = try input.load(progress: progress, budget: budget)
            try refuseEmpty(spanCount: loaded.spanCount, progress: progress)
            // The process ends with this command: the traces are left for it to reclaim at once,
            // rather than freed span by span (half a second for a million spans).
            InputOptions.Loaded.keepUntilExit(loaded.traces)
            let requested = try Self.requested(selection.traceIDs, in: loaded.traces.map(TraceDigest.init), progress: progress)
            options = settings.reportOptions(site: options, requested: requested)
            options.warnings = loaded.files.compactMap(\.warning)
            let traceCount = loaded.traces.count
            options.progress = progress.pageWriting(traceCount: traceCount)
            do {
                outcome = try ReportBuilder(templates: templates, rowBudget: settings.rowBudget).build(
                    traces: loaded.traces, inputs: loaded.files, output: site.outputURL, options: options,
                    spanIDsInSeveralTraces: loaded.spanIDsInSeveralTraces)
            } catch {
                progress.clear()
                Progress.report(error.description)
                throw error.exitCode
            }
            read = (loaded.spanCount, loaded.fileCount, loaded.skipped, loaded.dropped, loaded.byteCount, traceCount)
        }
        progress.clear()
        if !input.quiet {
            let skippedNote = read.skipped > 0 ? " (\(read.skipped) skipped)" : ""
            let spillNote = partitions > 1 ? " in \(partitions) partitions (--memory-budget \(Progress.megabytes(budget)) MB)" : ""
            print(
                "tracereport: read \(read.spans) spans from \(read.files - read.skipped) of \(read.files) inputs\(skippedNote), "
                    + "\(Progress.megabytes(read.bytes)) MB\(spillNote); \(read.traces) traces, \(outcome.summary.totals.pages) pages "
                    + "in \(String(format: "%.1f", Date().timeIntervalSince(started))) s; wrote \(site.output)/"
                    + SiteOptions.findings(outcome))
        }
        try site.conclude(outcome)
        if read.skipped > 0 || read.dropped > 0 { throw Exit.inputsSkipped }
    }

    /// Exits (65) when the inputs held no span and `--output` holds a site that would be lost,
    /// unless `--allow-empty`: a night whose exports came out empty keeps the last report.
    private func refuseEmpty(spanCount: Int, progress: Progress) throws {
        guard spanCount == 0, !allowEmpty, let entries = try? FileManager.default.contentsOfDirectory(atPath: site.output),
            !entries.isEmpty
        else { return }
        progress.clear()
        Progress.report(
            "\(site.output): the inputs hold no span; the site there is left as it was (add --allow-empty to replace it with an empty report)"
        )
        throw Exit.noInput
    }

    /// The site made through partition files in a work folder beside the output, removed after.
    private func spilled(
        _ listing: InputFiles.Listing, partitions: Int, budget: Int, settings: BuildSettings, templates: TemplateSet,
        options: ReportBuilder.Options, progress: Progress
    ) throws -> (ReportBuilder.Outcome, (spans: Int, files: Int, skipped: Int, dropped: Int, bytes: Int, traces: Int)) {
        let workers = ProcessInfo.processInfo.activeProcessorCount
        do {
            let spill = try SpilledReport(beside: site.outputURL)
            let files = listing.files
            let partitioned = try spill.partition(
                files, passedOver: listing.passedOver, format: input.format, workers: workers, partitions: partitions, strict: input.strict,
                budget: budget
            ) {
                done, bytes in progress.update("partitioning \(done) of \(files.count) inputs: \(Progress.megabytes(bytes)) MB")
            }
            try progress.reportUnreadable(partitioned.failures, of: partitioned.manifest.inputs.count)
            try refuseEmpty(spanCount: partitioned.spanCount, progress: progress)
            progress.reportIssues(partitioned.manifest.inputs.map(\.input))
            if let oversized = MemoryBudget.oversizedPartition(sizes: spill.partitionSizes(), inputs: files, budget: budget) {
                progress.clear()
                Progress.report(
                    "partition \(oversized.index + 1) of \(partitions) holds \(Int((oversized.share * 100).rounded()))% of the spans "
                        + "(a trace's spans all land in one partition): its build will take more than --memory-budget, "
                        + "about \(Progress.megabytes(oversized.estimate)) MB or more", level: "warning")
            }
            for index in 0..<partitions {
                progress.update("building partition \(index + 1) of \(partitions)")
                try spill.build(partition: index, settings: settings, templates: templates, workers: workers)
            }
            progress.update("merging \(partitions) partitions")
            let merge = try spill.merge(templates: templates)
            let traceCount = merge.report.traces.count
            if MemoryBudget.merge(traces: traceCount) > budget {
                progress.clear()
                Progress.report(
                    "the merge of \(traceCount) traces takes about \(Progress.megabytes(MemoryBudget.merge(traces: traceCount))) MB, "
                        + "more than --memory-budget: a digest of every trace stays in memory for the index and trace lists",
                    level: "warning")
            }
            let outcome = try merge.writeSite(to: site.outputURL, templates: templates, options: options, progress: progress)
            return (
                outcome,
                (
                    partitioned.spanCount, partitioned.manifest.inputs.count, partitioned.failures.count, partitioned.droppedRecords,
                    partitioned.byteCount,
                    traceCount
                )
            )
        } catch let error as ReportError {
            progress.clear()
            Progress.report(error.description)
            throw error.exitCode
        }
    }

    /// The traces `prefixes` name among `traces`; reports a prefix that names none or several, and exits.
    static func requested(_ prefixes: [String], in traces: [TraceDigest], progress: Progress) throws -> Set<TraceID> {
        var requested = Set<TraceID>()
        for prefix in prefixes {
            switch TraceIDMatch(prefix, in: traces) {
            case .found(let index): requested.insert(traces[index].traceID)
            case .problem(let message):
                progress.clear()
                Progress.report(message)
                throw Exit.traceNotFound
            }
        }
        return requested
    }
}
