public import ArgumentParser
import Foundation
import ReportSite
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

    @Option(
        help:
            "Folder of templates (index.html.mustache, trace.html.mustache, services.html.mustache, style.css) overriding the built-in ones by name."
    )
    var templates: String?

    @Flag(help: "Stop without writing anything when an input cannot be read (by default it is skipped and reported).")
    var strict = false

    @Option(help: "The largest shift clock-skew adjustment may make, e.g. 500ms, 30s, 1m.")
    var maxClockSkew: String = "1m"

    @Flag(help: "Do not shift spans whose clocks disagree with their parents' hosts.")
    var noClockSkewAdjust = false

    @Option(help: "Above this many spans, a trace page summarises its waterfall and lists its spans as text.")
    var rowBudget: Int = 2_000

    @Option(help: "A trace with more spans keeps only its earliest this many, with a warning.")
    var maxSpansPerTrace: Int = 2_000_000

    @Option(help: "Show times in this IANA time zone (e.g. Europe/Berlin) instead of UTC.")
    var timeZone: String = "UTC"

    @Flag(name: .shortAndLong, help: "Print nothing but errors and warnings.")
    var quiet = false

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give at least one span export file, folder, or -") }
        if rowBudget < 1 { throw ValidationError("--row-budget must be at least 1") }
        if maxSpansPerTrace < 1 { throw ValidationError("--max-spans-per-trace must be at least 1") }
        if DurationFormat.nanoseconds(parsing: maxClockSkew) == nil {
            throw ValidationError("--max-clock-skew wants a duration with a unit, such as 500ms, 30s or 1m, not '\(maxClockSkew)'")
        }
        if TimeDisplay(identifier: timeZone) == nil {
            throw ValidationError("--time-zone wants an IANA zone name such as UTC or Europe/Berlin, not '\(timeZone)'")
        }
    }

    var time: TimeDisplay { TimeDisplay(identifier: timeZone) ?? .utc }

    /// What reading the inputs gave.
    struct Loaded {
        var traces: [Trace]
        /// The places of span ids met in more than one trace, in the spans as read.
        var spanIDsInSeveralTraces: [SpanIDLocation]
        var files: [ReportBuilder.Input]
        var fileCount: Int
        var skipped: Int
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
    func load(progress: Progress) throws -> Loaded {
        let start = Date()
        let files: [String]
        do {
            files = try InputFiles.expand(inputs)
        } catch {
            Progress.report(error.description)
            throw Exit.missing
        }
        if files.isEmpty {
            Progress.report("no span export files found in \(inputs.joined(separator: ", "))")
            throw Exit.missing
        }
        let workers = ProcessInfo.processInfo.activeProcessorCount
        var inputSet = InputSet(paths: files, format: format, workers: workers) { done, bytes in
            let rate = Double(bytes) / 1e6 / max(Date().timeIntervalSince(start), 0.001)
            progress.update("reading \(done) of \(files.count) inputs: \(Progress.megabytes(bytes)) MB at \(Int(rate)) MB/s")
        }
        for failure in inputSet.failures {
            progress.clear()
            Progress.report(failure.description + (strict ? "" : " (input skipped)"), level: strict ? "error" : "warning")
        }
        if strict && !inputSet.failures.isEmpty { throw Exit.noInput }
        if inputSet.failures.count == files.count {
            Progress.report("no input could be read; nothing was written")
            throw Exit.noInput
        }
        for case let summary? in inputSet.outcomes.map(\.summary) where summary.spanCount == 0 && !quiet {
            Progress.report("\(summary.path): holds no spans", level: "warning")
        }
        let spanCount = inputSet.spanCount
        let byteCount = inputSet.outcomes.compactMap(\.summary).reduce(0) { $0 + $1.byteCount }
        progress.update("assembling \(spanCount) spans into traces")
        let options = AssemblyOptions(
            adjustClockSkew: !noClockSkewAdjust, maximumClockSkewNano: DurationFormat.nanoseconds(parsing: maxClockSkew) ?? 60_000_000_000,
            maximumSpansPerTrace: maxSpansPerTrace)
        let spans = inputSet.takeSpans()
        let places = InstrumentationHealth.Tally.spanIDsInSeveralTraces(in: spans)
        let traces = TraceAssembler(options: options).assemble(consume spans, workers: workers)
        return Loaded(
            traces: traces, spanIDsInSeveralTraces: places, files: inputSet.outcomes.map(ReportBuilder.Input.init), fileCount: files.count,
            skipped: inputSet.failures.count, spanCount: spanCount, byteCount: byteCount, seconds: Date().timeIntervalSince(start))
    }

    func templateSet() throws -> TemplateSet {
        do {
            return try TemplateSet(overrides: templates.map { URL(fileURLWithPath: $0, isDirectory: true) })
        } catch {
            Progress.report(error.description)
            throw Exit.missing
        }
    }
}

extension InputFormat: ExpressibleByArgument {}

extension ReportBuilder.Input {
    /// The index page's line for one input: its format, or why it was skipped.
    init(_ outcome: InputSet.Outcome) {
        if let summary = outcome.summary {
            let format = summary.format?.displayName ?? "empty"
            self.init(
                path: outcome.path, byteCount: summary.byteCount, spanCount: summary.spanCount,
                format: summary.compression.map { "\(format), \($0)" } ?? format, problem: nil)
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
