import ArgumentParser
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
            Reads OpenTelemetry OTLP JSON (one document or JSON lines per file). Folders are searched \
            for .json, .jsonl and .ndjson files. Exit codes: 0 success, 64 usage error, 65 bad input \
            data, 66 input missing, 70 internal error (a chart failed validation), 73 output not writable.
            """
    )

    @Argument(help: "Span export files, or folders holding them.")
    var inputs: [String]

    @Option(name: .shortAndLong, help: "Folder to write the site to; replaced whole when the run succeeds.")
    var output: String = "report"

    @Option(help: "Folder of templates (index.html.mustache, trace.html.mustache, style.css) overriding the built-in ones by name.")
    var templates: String?

    @Flag(help: "Skip input files that cannot be read or decoded (each is reported) instead of stopping.")
    var skipInvalid = false

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give at least one span export file or folder") }
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
            Self.report("no span files (.json, .jsonl, .ndjson) found in \(inputs.joined(separator: ", "))")
            throw ExitCode(66)
        }

        var spans: [Span] = []
        var read: [ReportBuilder.Input] = []
        var skipped = 0
        for file in files {
            do {
                let summary = try SpanFileReader().read(file, into: &spans)
                read.append(.init(path: summary.path, byteCount: summary.byteCount, spanCount: summary.spanCount))
                if summary.spanCount == 0 && !quiet {
                    Self.report("\(file): holds no spans", level: "warning")
                }
            } catch {
                guard skipInvalid else {
                    Self.report(error.description)
                    throw ExitCode(65)
                }
                Self.report(error.description + " (file skipped)", level: "warning")
                skipped += 1
            }
        }

        let traces = TraceAssembler().assemble(spans)
        do {
            let templateSet = try TemplateSet(overrides: templates.map { URL(fileURLWithPath: $0, isDirectory: true) })
            try ReportBuilder(templates: templateSet).build(
                traces: traces, inputs: read, output: URL(fileURLWithPath: output, isDirectory: true))
        } catch {
            Self.report(error.description)
            switch error {
            case .invalidChart: throw ExitCode(70)
            case .template: throw ExitCode(66)
            case .output: throw ExitCode(73)
            }
        }
        if !quiet {
            let bytes = read.reduce(0) { $0 + $1.byteCount }
            let skippedNote = skipped > 0 ? " (\(skipped) skipped)" : ""
            print(
                "tracereport: read \(spans.count) spans from \(read.count) files\(skippedNote), \(bytes) bytes; "
                    + "wrote \(traces.count) trace pages and index.html to \(output)/")
        }
    }

    /// Prints an error (or warning) line to standard error.
    static func report(_ message: String, level: String = "error") {
        FileHandle.standardError.write(Data("tracereport: \(level): \(message)\n".utf8))
    }
}
