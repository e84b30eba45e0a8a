public import Foundation
import ReportSite
public import ReportStages
public import TraceImport

/// One run of `tracereport partition` (the map stage): the inputs listed and read, every span
/// filed in its partition file, what could not be read reported. The command line parses its
/// arguments into a `Request`.
public enum PartitionRun {
    public struct Request {
        /// Span export files, folders holding them, or `-` for standard input.
        public var inputs: [String]
        public var format: InputFormat?
        /// Stop, writing nothing, when an input cannot be read.
        public var strict = false
        public var partitions: Int
        public var output: URL
        public var force = false

        public init(inputs: [String], partitions: Int, output: URL) {
            (self.inputs, self.partitions, self.output) = (inputs, partitions, output)
        }
    }

    /// Runs `request`, telling `events` what happens.
    /// - Throws: `RunFailure` when the output must not be replaced, no input could be read (or,
    ///   with `strict`, one could not), or the partition files cannot be written.
    public static func run(_ request: Request, events: some RunEvents) throws(RunFailure) -> PartitionStage.Outcome {
        let listing = try InputLoading.files(request.inputs)
        let files = listing.files
        try ReportRun.refuseUnsafe(request.output, kind: .partitions, inputs: request.inputs, force: request.force)
        let outcome: PartitionStage.Outcome
        do throws(ReportError) {
            outcome = try PartitionStage.run(
                paths: files, passedOver: listing.passedOver, format: request.format,
                workers: ProcessInfo.processInfo.activeProcessorCount, partitions: request.partitions, output: request.output,
                force: request.force, strict: request.strict
            ) { done, bytes in events.update("reading \(done) of \(files.count) inputs: \(ReportRun.megabytes(bytes)) MB") }
        } catch {
            // With --strict, an input that cannot be read stops the run as one that holds nothing.
            var failure = RunFailure(error)
            if request.strict, case .input = error { failure.kind = .noInput }
            throw failure
        }
        try events.reportUnreadable(outcome.failures, of: outcome.manifest.inputs.count, noneRead: "no input could be read")
        events.reportIssues(outcome.manifest.inputs.map(\.input))
        return outcome
    }
}
