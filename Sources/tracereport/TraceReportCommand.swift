public import ArgumentParser
import Foundation
import ReportSite
import TraceAssembly
import TraceImport
import TraceModel

/// `tracereport INPUT... --output DIR`: reads span exports, assembles traces, writes a static site.
@main
struct TraceReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tracereport",
        abstract: "Turn distributed-tracing span exports into a static, self-contained HTML report.",
        discussion: """
            Reads OTLP JSON and protobuf, Jaeger JSON and Zipkin v2 JSON, plain or compressed with gzip or \
            zstd, recognising each input by its content. Folders are searched (recursively, sorted) for \
            files ending in .json, .jsonl, .ndjson, .pb, .proto, .protobuf, .bin, .gz, .zst or .zstd; \
            '-' reads standard input.

            Exit codes: 0 report written from every input; 1 report written, but some inputs were \
            skipped; 64 usage error; 65 no input could be read, or (with --strict) one could not; \
            66 an input or template is missing; 70 internal error (a chart failed validation); \
            73 the output folder cannot be written or replaced.
            """
    )

    @Argument(help: "Span export files, folders holding them, or - for standard input.")
    var inputs: [String]

    @Option(name: .shortAndLong, help: "Folder to write the site to; replaced whole when the run succeeds.")
    var output: String = "report"

    @Option(help: "Read every input as this format instead of recognising it: otlp-json, otlp-proto, jaeger, zipkin.")
    var format: InputFormat?

    @Option(help: "Folder of templates (index.html.mustache, trace.html.mustache, style.css) overriding the built-in ones by name.")
    var templates: String?

    @Flag(help: "Stop without writing anything when an input cannot be read (by default it is skipped and reported).")
    var strict = false

    @Option(help: "The largest shift clock-skew adjustment may make, e.g. 500ms, 30s, 1m.")
    var maxClockSkew: String = "1m"

    @Flag(help: "Do not shift spans whose clocks disagree with their parents' hosts.")
    var noClockSkewAdjust = false

    @Option(help: "Above this many spans, a trace page summarises its waterfall and lists its spans as text.")
    var rowBudget: Int = 2_000

    @Flag(name: .shortAndLong, help: "Print nothing but errors and warnings.")
    var quiet = false

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give at least one span export file, folder, or -") }
        if rowBudget < 1 { throw ValidationError("--row-budget must be at least 1") }
        if DurationFormat.nanoseconds(parsing: maxClockSkew) == nil {
            throw ValidationError("--max-clock-skew wants a duration with a unit, such as 500ms, 30s or 1m, not '\(maxClockSkew)'")
        }
    }

    func run() throws {
        let files: [String]
        do {
            files = try InputFiles.expand(inputs)
        } catch {
            Self.report(error.description)
            throw ExitCode(66)
        }
        if files.isEmpty {
            Self.report("no span export files found in \(inputs.joined(separator: ", "))")
            throw ExitCode(66)
        }

        var inputSet = InputSet(paths: files, format: format)
        for failure in inputSet.failures {
            Self.report(failure.description + (strict ? "" : " (input skipped)"), level: strict ? "error" : "warning")
        }
        if strict && !inputSet.failures.isEmpty { throw ExitCode(65) }
        if inputSet.failures.count == files.count {
            Self.report("no input could be read; nothing was written")
            throw ExitCode(65)
        }
        for case let summary? in inputSet.outcomes.map(\.summary) where summary.spanCount == 0 && !quiet {
            Self.report("\(summary.path): holds no spans", level: "warning")
        }

        let options = AssemblyOptions(
            adjustClockSkew: !noClockSkewAdjust, maximumClockSkewNano: DurationFormat.nanoseconds(parsing: maxClockSkew) ?? 60_000_000_000)
        let traces = TraceAssembler(options: options).assemble(inputSet.takeSpans())
        do {
            let templateSet = try TemplateSet(overrides: templates.map { URL(fileURLWithPath: $0, isDirectory: true) })
            try ReportBuilder(templates: templateSet, rowBudget: rowBudget).build(
                traces: traces, inputs: inputSet.outcomes.map(ReportBuilder.Input.init),
                output: URL(fileURLWithPath: output, isDirectory: true))
        } catch {
            Self.report(error.description)
            switch error {
            case .invalidChart: throw ExitCode(70)
            case .template: throw ExitCode(66)
            case .output: throw ExitCode(73)
            }
        }
        let skipped = inputSet.failures.count
        if !quiet {
            let bytes = inputSet.outcomes.compactMap(\.summary).reduce(0) { $0 + $1.byteCount }
            let skippedNote = skipped > 0 ? " (\(skipped) skipped)" : ""
            print(
                "tracereport: read \(inputSet.spanCount) spans from \(files.count - skipped) of \(files.count) inputs\(skippedNote), "
                    + "\(bytes) bytes; wrote \(traces.count) trace pages and index.html to \(output)/")
        }
        if skipped > 0 { throw ExitCode(1) }
    }

    /// Prints an error (or warning) line to standard error.
    static func report(_ message: String, level: String = "error") {
        FileHandle.standardError.write(Data("tracereport: \(level): \(message)\n".utf8))
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
