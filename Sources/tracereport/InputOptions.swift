public import ArgumentParser
import Foundation
import ReportSite
import ReportStages
import Synchronization
import TraceAnalysis
import TraceAssembly
public import TraceImport
import TraceModel

/// The options every subcommand shares: what to read and how to assemble it.
struct InputOptions: ParsableArguments {
    @Argument(help: "Span export files, folders holding them, or - for standard input.")
    var inputs: [String]

    @Option(help: "Read every input as this format instead of recognising it: otlp-json, otlp-proto, jaeger, zipkin, span-records.")
    var format: InputFormat?

    @Flag(help: "Stop without writing anything when an input cannot be read (by default it is skipped and reported).")
    var strict = false

    @Flag(name: .shortAndLong, help: "Print nothing but errors and warnings.")
    var quiet = false

    @OptionGroup var assembly: AssemblyFlags
    @OptionGroup var pages: PageOptions

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give at least one span export file, folder, or -") }
    }

    var time: TimeDisplay { pages.time }
    var rowBudget: Int { pages.rowBudget }
    func templateSet() throws -> TemplateSet { try pages.templateSet() }

    /// The input files `inputs` name (folders searched); reports why not and exits otherwise.
    func files() throws -> InputFiles.Listing { try Self.files(inputs) }

    /// The input files `inputs` name (folders searched), and what in the folders could not be
    /// read; reports why not and exits otherwise.
    static func files(_ inputs: [String]) throws -> InputFiles.Listing {
        let listing: InputFiles.Listing
        do {
            listing = try InputFiles.list(inputs)
        } catch {
            Progress.report(error.description)
            throw Exit.missing
        }
        if listing.files.isEmpty && listing.passedOver.isEmpty {
            Progress.report("no span export files found in \(inputs.joined(separator: ", "))")
            throw Exit.missing
        }
        return listing
    }

    /// What reading the inputs gave.
    struct Loaded {
        var traces: [Trace]
        /// The places of span ids met in more than one trace, in the spans as read.
        var spanIDsInSeveralTraces: [SpanIDLocation]
        var files: [ReportBuilder.Input]
        var fileCount: Int
        var skipped: Int
        /// Records dropped from the inputs that were read.
        var dropped: Int
        var spanCount: Int
        var byteCount: Int
        var seconds: Double

        /// Holds `traces` until the process exits, so that they are never freed one by one.
        static func keepUntilExit(_ traces: [Trace]) {
            keptUntilExit.withLock { $0.append(traces) }
        }

        private static let keptUntilExit = Mutex<[[Trace]]>([])
    }

    /// Reads, reports unreadable inputs and assembles the traces.
    /// - Throws: an `ExitCode` (after printing why) when nothing usable was read.
    /// - Parameter budget: the memory the run may take (`--memory-budget`): what the inputs may
    ///   hold, decompressed, together.
    func load(progress: Progress, budget: Int = MemoryBudget.machineDefault) throws -> Loaded {
        let start = Date()
        let listing = try files()
        let files = listing.files
        let workers = ProcessInfo.processInfo.activeProcessorCount
        var inputSet = InputSet(
            paths: files, passedOver: listing.passedOver, format: format, workers: workers, strict: strict,
            budget: MemoryBudget.inMemoryCapacity(budget: budget)
        ) { done, bytes in
            let rate = Double(bytes) / 1e6 / max(Date().timeIntervalSince(start), 0.001)
            progress.update("reading \(done) of \(files.count) inputs: \(Progress.megabytes(bytes)) MB at \(Int(rate)) MB/s")
        }
        if let exceeded = inputSet.exceededBudget {
            progress.clear()
            Progress.report(exceeded.description + "; nothing was written")
            throw Exit.noInput
        }
        try progress.reportUnreadable(inputSet.failures, of: inputSet.outcomes.count, strict: strict)
        let inputs = inputSet.outcomes.map(ReportBuilder.Input.init)
        progress.reportIssues(inputs)
        for case let summary? in inputSet.outcomes.map(\.summary) where summary.spanCount == 0 && !quiet {
            Progress.report("\(summary.path): holds no spans", level: "warning")
        }
        let spanCount = inputSet.spanCount
        let byteCount = inputSet.outcomes.compactMap(\.summary).reduce(0) { $0 + $1.byteCount }
        progress.update("assembling \(spanCount) spans into traces")
        let options = assembly.settings.options
        let spans = inputSet.takeSpans()
        let places = InstrumentationHealth.Tally.spanIDsInSeveralTraces(in: spans)
        let traces = TraceAssembler(options: options).assemble(consume spans, workers: workers)
        return Loaded(
            traces: traces, spanIDsInSeveralTraces: places, files: inputs, fileCount: inputSet.outcomes.count,
            skipped: inputSet.failures.count,
            dropped: inputSet.droppedRecords, spanCount: spanCount, byteCount: byteCount, seconds: Date().timeIntervalSince(start))
    }
}

extension InputFormat: ExpressibleByArgument {}

extension ReportBuilder.Input {
    /// The index page's line for one input: its format, or why it was skipped.
    init(_ outcome: InputSet.Outcome) {
        if let summary = outcome.summary {
            self.init(summary)
        } else {
            self.init(path: outcome.path, byteCount: 0, spanCount: 0, format: "", problem: outcome.error?.description)
        }
    }
}

extension ReportError {
    /// The exit code for this failure.
    var exitCode: ExitCode {
        switch self {
        case .invalidChart: Exit.internalError
        case .template, .input: Exit.missing
        case .output: Exit.cannotWrite
        }
    }
}
