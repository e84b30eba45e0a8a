import ArgumentParser
import Foundation
import ReportRun
import ReportSite
import ReportStages
import TraceAnalysis
import TraceImport
import TraceModel

/// `tracereport partition INPUT... --partitions N --output DIR`: the map stage.
struct PartitionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partition",
        abstract: "Stage 1 of 3: file the spans of the inputs in N partition files by trace id, with partitions.json.",
        discussion: """
            Every span of a trace lands in the same partition, whichever input it comes from and whichever machine \
            runs the stage. Run it once for all inputs, or once per input (each into a folder of its own), then \
            build each partition: 'tracereport build --partition DIR1/part-00003-of-00016.trspans DIR2/part-00003-of-00016.trspans ...'.
            """)

    @Argument(help: "Span export files, folders holding them, or - for standard input.")
    var inputs: [String]

    @Option(help: "How many partition files to write (each build takes one or more).")
    var partitions: Int = 1

    @Option(name: .shortAndLong, help: "Folder to write the partition files and partitions.json to; replaced whole when the run succeeds.")
    var output: String?

    @Flag(
        help:
            "Print the input files the arguments name, one per line in the order they are read, and stop (for schedulers that run one task per file)."
    )
    var listInputs = false

    @OptionGroup var reading: ReadingOptions

    @Flag(help: "Replace --output even if it is a folder tracereport did not write.")
    var force = false

    @OptionGroup var verbosity: QuietFlag

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give at least one span export file, folder, or -") }
        if partitions < 1 || partitions > PartitionScheme.maximumCount {
            throw ValidationError("--partitions must be between 1 and \(PartitionScheme.maximumCount)")
        }
        if output == nil && !listInputs { throw ValidationError("give the folder to write with --output") }
        try OutputCheck.validate(output)
    }

    func run() throws {
        let started = Date()
        let progress = Progress(quiet: verbosity.quiet)
        guard let output, !listInputs else {
            let listing = try progress.running { () throws(RunFailure) in try InputLoading.files(inputs) }
            for file in listing.files { print(file) }
            for passed in listing.passedOver { Progress.report(passed.description + " (passed over)", level: "warning") }
            return
        }
        var request = PartitionRun.Request(inputs: inputs, partitions: partitions, output: URL(fileURLWithPath: output, isDirectory: true))
        request.format = reading.format
        request.strict = reading.strict
        request.force = force
        let outcome = try progress.running { () throws(RunFailure) in try PartitionRun.run(request, events: progress) }
        progress.clear()
        if !verbosity.quiet {
            print(
                "tracereport: filed \(outcome.spanCount) spans from \(outcome.manifest.inputs.count - outcome.failures.count) of \(outcome.manifest.inputs.count) inputs, "
                    + "\(Progress.megabytes(outcome.byteCount)) MB, in \(partitions) partitions in "
                    + "\(String(format: "%.1f", Date().timeIntervalSince(started))) s; wrote \(output)/")
        }
        if !outcome.failures.isEmpty || outcome.droppedRecords > 0 { throw Exit.inputsSkipped }
    }
}

/// `tracereport build --partition FILE... --output DIR`: the reduce stage.
struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Stage 2 of 3: assemble the traces of partition files, draw their pages and write a mergeable part.json.",
        discussion: """
            Give every file of the partition (one per partition run, in the order the inputs were read). The report \
            options (--title, --select, --trace-id, --key-attribute, --time-zone, --templates and the like) are given \
            here and must be the same for every partition; merge checks that they are.
            """)

    @Option(name: .customLong("partition"), parsing: .upToNextOption, help: "Partition files written by 'tracereport partition'.")
    var partitionFiles: [String] = []

    @Option(name: .shortAndLong, help: "Folder to write part.json, the drawn pages and the kept spans to.")
    var output: String

    @Flag(help: "Replace --output even if it is a folder tracereport did not write.")
    var force = false

    @OptionGroup var verbosity: QuietFlag

    @OptionGroup var selection: SelectionOptions
    @OptionGroup var assembly: AssemblyFlags
    @OptionGroup var pages: PageOptions

    func validate() throws {
        if partitionFiles.isEmpty { throw ValidationError("give the partition's files with --partition") }
        try OutputCheck.validate(output)
    }

    func run() throws {
        let started = Date()
        let progress = Progress(quiet: verbosity.quiet)
        try OutputCheck.refuseUnsafe(output, kind: .part, inputs: partitionFiles, force: force, progress: progress)
        let templates = try pages.templateSet()
        let settings = try selection.settings(pages: pages, assembly: assembly, templates: templates)
        let summary = try progress.running { () throws(RunFailure) in
            try RunFailure.reporting { () throws(ReportError) in
                try BuildStage.run(
                    partitionFiles: partitionFiles, settings: settings, templates: templates,
                    output: URL(fileURLWithPath: output, isDirectory: true),
                    force: force, workers: ProcessInfo.processInfo.activeProcessorCount)
            }
        }
        if !verbosity.quiet {
            print(
                "tracereport: built \(summary.report.traces.count) traces of \(partitionFiles.count) partition files, "
                    + "\(summary.drawn.count) pages drawn, in \(String(format: "%.1f", Date().timeIntervalSince(started))) s; wrote \(output)/"
            )
        }
    }
}

/// `tracereport merge SUMMARY... --output SITE`: the last stage.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Stage 3 of 3: put build folders (and partition folders, for their inputs) together into one site.",
        discussion: """
            The site is the one 'tracereport report' writes of the same inputs with the same options. Give every build \
            folder, and the partition folders (or their partitions.json) so that the index lists the inputs.
            """)

    @Argument(help: "Build folders (holding part.json) and partition folders (holding partitions.json), or those files.")
    var summaries: [String]

    @OptionGroup var site: SiteOptions

    @Option(help: "The --templates folder the builds were given, if any.")
    var templates: String?

    @OptionGroup var verbosity: QuietFlag

    func validate() throws {
        if summaries.isEmpty { throw ValidationError("give the build folders (and partition folders) to merge") }
    }

    func run() throws {
        let started = Date()
        let progress = Progress(quiet: verbosity.quiet)
        try OutputCheck.refuseUnsafe(site.output, kind: .site, inputs: summaries, force: site.force, progress: progress)
        let templates = try PageOptions.templateSet(self.templates)
        let merge = try progress.running { () throws(RunFailure) in
            try RunFailure.reporting { () throws(ReportError) in try MergeStage(paths: summaries, templates: templates) }
        }
        let options = try site.options(progress: progress)
        let outcome = try progress.running { () throws(RunFailure) in
            try merge.writeSite(to: site.outputURL, templates: templates, options: options, events: progress)
        }
        progress.clear()
        let skipped = merge.inputs.count { $0.problem != nil || $0.issues.dropped > 0 }
        if !verbosity.quiet {
            print(
                "tracereport: merged \(merge.report.traces.count) traces from \(summaries.count) folders, \(outcome.summary.totals.pages) pages "
                    + "in \(String(format: "%.1f", Date().timeIntervalSince(started))) s; wrote \(site.output)/"
                    + SiteOptions.findings(outcome))
        }
        try site.conclude(outcome)
        if skipped > 0 { throw Exit.inputsSkipped }
    }
}
