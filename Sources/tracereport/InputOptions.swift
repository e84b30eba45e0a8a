public import ArgumentParser
import Foundation
import ReportRun
import ReportSite
import ReportStages
public import TraceImport

/// The options every subcommand shares: what to read and how to assemble it.
struct InputOptions: ParsableArguments {
    @Argument(help: "Span export files, folders holding them, or - for standard input.")
    var inputs: [String]

    @OptionGroup var reading: ReadingOptions
    @OptionGroup var verbosity: QuietFlag

    @OptionGroup var assembly: AssemblyFlags
    @OptionGroup var pages: PageOptions

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give at least one span export file, folder, or -") }
    }

    var format: InputFormat? { reading.format }
    var strict: Bool { reading.strict }
    var quiet: Bool { verbosity.quiet }
    var time: TimeDisplay { pages.time }
    var rowBudget: Int { pages.rowBudget }
    func templateSet() throws -> TemplateSet { try pages.templateSet() }
}

/// How inputs are read: given to `report`, `trace` and `partition`.
struct ReadingOptions: ParsableArguments {
    @Option(
        help: """
            Read every input as this format instead of recognising it: otlp-json, otlp-proto, jaeger, zipkin, zipkin-proto, xray, collector-debug, \
            otel-go-stdout, otel-python-console, otel-dotnet-console, span-records.
            """)
    var format: InputFormat?

    @Flag(help: "Stop without writing anything when an input cannot be read (by default it is skipped and reported).")
    var strict = false
}

/// `--quiet`, for every command.
struct QuietFlag: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Print nothing but errors and warnings.")
    var quiet = false
}

extension InputFormat: ExpressibleByArgument {}
