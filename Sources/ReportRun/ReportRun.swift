public import Foundation
public import ReportSite
public import ReportStages
import SystemCalls
import TraceAnalysis
public import TraceAssembly
public import TraceImport

/// One whole run of `tracereport report`: the inputs read, the traces assembled and the site
/// written, in memory or (for inputs larger than the memory budget) through partition files on
/// disk, one partition at a time. The command line parses its arguments into a `Request`; tests
/// call the same entry point.
public enum ReportRun {
    /// What to read, how to report on it, and where to write the site.
    public struct Request {
        /// Span export files, folders holding them, or `-` for standard input.
        public var inputs: [String]
        /// Read every input as this format instead of recognising it.
        public var format: InputFormat?
        /// Stop, writing nothing, when an input cannot be read.
        public var strict = false
        /// Everything that decides the report's content.
        public var settings: BuildSettings
        public var templates: TemplateSet
        /// How the site is written: a baseline, the base URL, regression thresholds, `force`.
        public var site: ReportBuilder.Options
        public var output: URL
        /// The memory the run may use; larger inputs are spilled to disk.
        public var memoryBudget = MemoryBudget.machineDefault
        /// Publish even when the inputs hold no span, replacing the previous site.
        public var allowEmpty = false

        public init(inputs: [String], settings: BuildSettings, templates: TemplateSet, site: ReportBuilder.Options = .init(), output: URL) {
            (self.inputs, self.settings, self.templates, self.site, self.output) = (inputs, settings, templates, site, output)
        }
    }

    /// What a run wrote and read.
    public struct Result {
        public var outcome: ReportBuilder.Outcome
        public var spans: Int
        public var files: Int
        public var skipped: Int
        /// Records dropped from the inputs that were read.
        public var dropped: Int
        public var bytes: Int
        public var traces: Int
        /// 1 when the run was made in memory; more when it was spilled to disk.
        public var partitions: Int
        /// The traces of a run made in memory, for a caller that would rather leave them to the
        /// process's end than free them one by one (half a second for a million spans).
        public var assembled: [Trace]
    }

    /// Runs `request`, telling `events` what happens.
    /// - Throws: `RunFailure` when the output must not be replaced, no input could be read, the
    ///   inputs hold no span (unless `allowEmpty`), a trace asked for is not found, or the site
    ///   cannot be written.
    public static func run(_ request: Request, events: some RunEvents) throws(RunFailure) -> Result {
        let listing = try InputLoading.files(request.inputs)
        try refuseUnsafe(request.output, kind: .site, inputs: listing.files, force: request.site.force)
        let budget = request.memoryBudget
        let partitions = MemoryBudget.partitions(for: listing.files, budget: budget)
        if partitions > 1, budget < 2 * MemoryBudget.base {
            events.report(
                "--memory-budget \(megabytes(budget)) MB leaves little beside the \(megabytes(MemoryBudget.base)) MB any run takes; "
                    + "peak memory may exceed it", level: .advice)
        }
        if partitions > 1 { return try spilled(request, listing, partitions: partitions, events: events) }
        let settings = request.settings
        let loaded = try InputLoading.load(
            listing, format: request.format, strict: request.strict, assembly: settings.assembly.options, budget: budget, events: events)
        try refuseEmpty(request, spanCount: loaded.spanCount)
        let requested = try InputLoading.requested(settings.traceIDs, in: loaded.traces.map(TraceDigest.init))
        var options = settings.reportOptions(site: request.site, requested: requested)
        options.warnings = loaded.files.compactMap(\.warning)
        options.progress = events.pageWriting(traceCount: loaded.traces.count)
        let outcome = try RunFailure.reporting { () throws(ReportError) in
            try ReportBuilder(templates: request.templates, rowBudget: settings.rowBudget).build(
                traces: loaded.traces, inputs: loaded.files, output: request.output, options: options,
                spanIDsInSeveralTraces: loaded.spanIDsInSeveralTraces)
        }
        return Result(
            outcome: outcome, spans: loaded.spanCount, files: loaded.fileCount, skipped: loaded.skipped, dropped: loaded.dropped,
            bytes: loaded.byteCount, traces: loaded.traces.count, partitions: 1, assembled: loaded.traces)
    }

    /// Puts back what a killed run left at `output`, then refuses it when it must not be
    /// replaced by a run writing `kind` from `inputs` (`OutputFolder.refusal`): for a run to
    /// check before any work, a refusal costing seconds, not the hour a night's inputs take.
    public static func refuseUnsafe(_ output: URL, kind: OutputFolder.Kind, inputs: [String], force: Bool) throws(RunFailure) {
        OutputFolder.recover(output)
        try RunFailure.reporting { () throws(ReportError) in
            try SiteStaging.checkReplaceable(output, kind: kind, inputs: inputs, force: force)
        }
    }

    /// Megabytes with one decimal, as runs report sizes.
    public static func megabytes(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1e6) }

    /// Stops (`.noInput`) when the inputs held no span and the output holds a site that would
    /// be lost, unless `allowEmpty`: a night whose exports came out empty keeps the last report.
    private static func refuseEmpty(_ request: Request, spanCount: Int) throws(RunFailure) {
        guard spanCount == 0, !request.allowEmpty, let entries = try? Paths.names(in: request.output.path),
            !entries.isEmpty
        else { return }
        throw RunFailure(
            .noInput,
            "\(request.output.relativePath): the inputs hold no span; the site there is left as it was (add --allow-empty to replace it with an empty report)"
        )
    }

    /// The site made through partition files in a work folder beside the output, removed after.
    private static func spilled(
        _ request: Request, _ listing: InputFiles.Listing, partitions: Int, events: some RunEvents
    ) throws(RunFailure) -> Result {
        let workers = ProcessInfo.processInfo.activeProcessorCount
        let (budget, files, templates) = (request.memoryBudget, listing.files, request.templates)
        let spill = try RunFailure.reporting { () throws(ReportError) in try SpilledReport(beside: request.output) }
        let partitioned = try RunFailure.reporting { () throws(ReportError) in
            try spill.partition(
                files, passedOver: listing.passedOver, format: request.format, workers: workers, partitions: partitions,
                strict: request.strict,
                budget: budget
            ) { done, bytes in events.update("partitioning \(done) of \(files.count) inputs: \(megabytes(bytes)) MB") }
        }
        try events.reportUnreadable(partitioned.failures, of: partitioned.manifest.inputs.count)
        try refuseEmpty(request, spanCount: partitioned.spanCount)
        events.reportIssues(partitioned.manifest.inputs.map(\.input))
        if let oversized = MemoryBudget.oversizedPartition(sizes: spill.partitionSizes(), inputs: files, budget: budget) {
            events.report(
                "partition \(oversized.index + 1) of \(partitions) holds \(Int((oversized.share * 100).rounded()))% of the spans "
                    + "(a trace's spans all land in one partition): its build will take more than --memory-budget, "
                    + "about \(megabytes(oversized.estimate)) MB or more", level: .warning)
        }
        for index in 0..<partitions {
            events.update("building partition \(index + 1) of \(partitions)")
            try RunFailure.reporting { () throws(ReportError) in
                try spill.build(partition: index, settings: request.settings, templates: templates, workers: workers)
            }
        }
        events.update("merging \(partitions) partitions")
        let merge = try RunFailure.reporting { () throws(ReportError) in try spill.merge(templates: templates) }
        let traceCount = merge.report.traces.count
        if MemoryBudget.merge(traces: traceCount) > budget {
            events.report(
                "the merge of \(traceCount) traces takes about \(megabytes(MemoryBudget.merge(traces: traceCount))) MB, "
                    + "more than --memory-budget: a digest of every trace stays in memory for the index and trace lists",
                level: .warning)
        }
        let outcome = try merge.writeSite(to: request.output, templates: templates, options: request.site, events: events)
        return Result(
            outcome: outcome, spans: partitioned.spanCount, files: partitioned.manifest.inputs.count, skipped: partitioned.failures.count,
            dropped: partitioned.droppedRecords, bytes: partitioned.byteCount, traces: traceCount, partitions: partitions, assembled: [])
    }
}

extension MergeStage {
    /// Writes the site, the traces the settings' trace ids name found among every part's traces.
    public func writeSite(to output: URL, templates: TemplateSet, options: ReportBuilder.Options, events: some RunEvents) throws(RunFailure)
        -> ReportBuilder.Outcome
    {
        let requested = try InputLoading.requested(settings.traceIDs, in: report.traces)
        var options = options
        options.progress = events.pageWriting(traceCount: report.traces.count)
        return try RunFailure.reporting { () throws(ReportError) in
            try write(to: output, templates: templates, site: options, requested: requested)
        }
    }
}
