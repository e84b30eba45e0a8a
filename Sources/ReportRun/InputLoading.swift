import Foundation
public import ReportSite
public import ReportStages
public import TraceAnalysis
public import TraceAssembly
public import TraceImport
public import TraceModel

/// Reading a run's inputs: the files its arguments name, and the traces they hold.
public enum InputLoading {
    /// The input files `inputs` name (folders searched), and what in the folders could not be
    /// read.
    /// - Throws: `.missing` when an input is missing or names no span export file.
    public static func files(_ inputs: [String]) throws(RunFailure) -> InputFiles.Listing {
        let listing: InputFiles.Listing
        do {
            listing = try InputFiles.list(inputs)
        } catch {
            throw RunFailure(.missing, error.description)
        }
        if listing.files.isEmpty && listing.passedOver.isEmpty {
            throw RunFailure(.missing, "no span export files found in \(inputs.joined(separator: ", "))")
        }
        return listing
    }

    /// What reading the inputs gave.
    public struct Loaded {
        public var traces: [Trace]
        /// The places of span ids met in more than one trace, in the spans as read.
        public var spanIDsInSeveralTraces: [SpanIDLocation]
        public var files: [ReportBuilder.Input]
        public var fileCount: Int
        public var skipped: Int
        /// Records dropped from the inputs that were read.
        public var dropped: Int
        public var spanCount: Int
        public var byteCount: Int
    }

    /// Reads the files of `listing`, reports unreadable inputs and assembles the traces.
    /// - Parameter budget: the memory the run may take (`--memory-budget`): what the inputs may
    ///   hold, decompressed, together.
    /// - Throws: `.noInput` when nothing usable was read, or the inputs exceed `budget`.
    public static func load(
        _ listing: InputFiles.Listing, format: InputFormat?, strict: Bool, assembly: AssemblyOptions,
        budget: Int = MemoryBudget.machineDefault,
        events: some RunEvents
    ) throws(RunFailure) -> Loaded {
        let start = Date()
        let files = listing.files
        let workers = ProcessInfo.processInfo.activeProcessorCount
        var inputSet = InputSet(
            paths: files, passedOver: listing.passedOver, format: format, workers: workers, strict: strict,
            budget: MemoryBudget.inMemoryCapacity(budget: budget)
        ) { done, bytes in
            let rate = Double(bytes) / 1e6 / max(Date().timeIntervalSince(start), 0.001)
            events.update("reading \(done) of \(files.count) inputs: \(ReportRun.megabytes(bytes)) MB at \(Int(rate)) MB/s")
        }
        if let exceeded = inputSet.exceededBudget { throw RunFailure(.noInput, exceeded.description + "; nothing was written") }
        try events.reportUnreadable(inputSet.failures, of: inputSet.outcomes.count, strict: strict)
        let inputs = inputSet.outcomes.map(ReportBuilder.Input.init)
        events.reportIssues(inputs)
        for case let summary? in inputSet.outcomes.map(\.summary) where summary.spanCount == 0 {
            events.report("\(summary.path): holds no spans", level: .advice)
        }
        let spanCount = inputSet.spanCount
        let byteCount = inputSet.outcomes.compactMap(\.summary).reduce(0) { $0 + $1.byteCount }
        events.update("assembling \(spanCount) spans into traces")
        let spans = inputSet.takeSpans()
        let places = InstrumentationHealth.Tally.spanIDsInSeveralTraces(in: spans)
        let traces = TraceAssembler(options: assembly).assemble(consume spans, workers: workers)
        return Loaded(
            traces: traces, spanIDsInSeveralTraces: places, files: inputs, fileCount: inputSet.outcomes.count,
            skipped: inputSet.failures.count, dropped: inputSet.droppedRecords, spanCount: spanCount, byteCount: byteCount)
    }

    /// The traces `prefixes` name among `traces`.
    /// - Throws: `.traceNotFound` for a prefix that names none or several.
    public static func requested(_ prefixes: [String], in traces: [TraceDigest]) throws(RunFailure) -> Set<TraceID> {
        var requested = Set<TraceID>()
        for prefix in prefixes {
            switch TraceIDMatch(prefix, in: traces) {
            case .found(let index): requested.insert(traces[index].traceID)
            case .problem(let message): throw RunFailure(.traceNotFound, message)
            }
        }
        return requested
    }
}

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
