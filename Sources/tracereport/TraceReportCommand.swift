import ArgumentParser
import Foundation
import ReportSite
import TraceImport

/// `tracereport`: reads span exports and writes a report site (`report`, the default), or one
/// trace as a self-contained page (`trace`); or makes the site in three stages that can run on
/// many machines (`partition`, `build`, `merge`).
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

            Exit codes: 0 written from every input; 1 written, but some inputs were skipped; \
            2 a --trace-id matched no trace, or several; 3 regressions against --baseline \
            (with --fail-on-regression); 4 health findings at or above --fail-on-health; 64 usage error; 65 no input could be read, or (with \
            --strict) one could not; 66 an input, template or baseline is missing or unreadable; \
            70 internal error (a chart failed validation); 73 the output cannot be written or replaced.
            """,
        version: Release.generator,
        subcommands: [
            ReportCommand.self, TraceCommand.self, CompareCommand.self, PartitionCommand.self, BuildCommand.self, MergeCommand.self,
        ],
        defaultSubcommand: ReportCommand.self
    )

    /// Runs the command line, a crash ending it at once (see `CrashHandling`). An argument that is not UTF-8 (a file name in another encoding) is
    /// given to the parser as its `InputPath.display` text, registered so that reading finds the
    /// file by its own bytes: Swift's own decoding of it would have replaced those bytes.
    static func main() {
        CrashHandling.install()
        let arguments = (1..<Int(CommandLine.argc)).map { index in
            let bytes = Array(UnsafeRawBufferPointer(start: CommandLine.unsafeArgv[index], count: strlen(CommandLine.unsafeArgv[index]!)))
            let path = InputPath(bytes: bytes)
            path.register()
            return path.display
        }
        main(arguments)
    }
}

/// The exit codes, as documented above and in the README.
enum Exit {
    static let inputsSkipped = ExitCode(1)
    static let traceNotFound = ExitCode(2)
    static let regression = ExitCode(3)
    static let health = ExitCode(4)
    static let usage = ExitCode(64)
    static let noInput = ExitCode(65)
    static let missing = ExitCode(66)
    static let internalError = ExitCode(70)
    static let cannotWrite = ExitCode(73)
}
