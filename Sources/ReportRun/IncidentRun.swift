import Foundation
public import ReportSite
import TraceAnalysis
public import TraceAssembly
public import TraceImport
public import TraceModel

/// One run of `tracereport trace` (or `compare`): the inputs read, the one trace whose id starts
/// with what the user gave found among them, and its page written as a single self-contained
/// file, compared with the trace the user named or else with the typical request of its entry
/// point (the one nearest the median duration). The command line parses its arguments into a
/// `Request`.
public enum IncidentRun {
    public struct Request {
        /// Span export files, folders holding them, or `-` for standard input.
        public var inputs: [String]
        public var format: InputFormat?
        public var strict = false
        public var assembly = AssemblyOptions()
        /// The trace's id, or a prefix of it that no other trace shares.
        public var traceID: String
        /// The trace to compare it with (id or prefix); nil for the typical request of its entry point.
        public var otherID: String?
        /// The file to write; nil for `trace-<id>.html`.
        public var output: String?
        /// Replace `output` even if it is a file other than a page tracereport wrote.
        public var force = false
        public var templates: TemplateSet
        public var rowBudget = ReportBuilder.defaultRowBudget
        public var time = TimeDisplay.utc

        public init(inputs: [String], traceID: String, templates: TemplateSet) {
            (self.inputs, self.traceID, self.templates) = (inputs, traceID, templates)
        }
    }

    /// What a run wrote and read.
    public struct Result {
        public var traceID: TraceID
        public var spanCount: Int
        /// The file written.
        public var path: String
        /// Inputs that could not be read, and records dropped from those that were.
        public var skipped: Int
        public var dropped: Int
    }

    /// Runs `request`, telling `events` what happens.
    /// - Throws: `RunFailure` when the output must not be replaced, no input could be read, the
    ///   id matches no trace or several, or the page cannot be written.
    public static func run(_ request: Request, events: some RunEvents) throws(RunFailure) -> Result {
        if let output = request.output,
            let refusal = SingleFile.refusal(toReplace: URL(fileURLWithPath: output), inputs: request.inputs, force: request.force)
        {
            throw RunFailure(.cannotWrite, "\(output): \(refusal)")
        }
        let loaded = try InputLoading.load(
            try InputLoading.files(request.inputs), format: request.format, strict: request.strict, assembly: request.assembly,
            events: events)
        let trace: Trace
        switch TraceIDMatch(request.traceID, in: loaded.traces) {
        case .found(let index): trace = loaded.traces[index]
        case .problem(let message): throw RunFailure(.traceNotFound, message)
        }
        var comparison: ComparisonSection?
        if let otherID = request.otherID {
            switch TraceIDMatch(otherID, in: loaded.traces) {
            case .found(let index):
                comparison = ComparisonSection(
                    TraceComparison(trace, with: loaded.traces[index]), label: "trace \(loaded.traces[index].traceID.hex.prefix(16))",
                    barLabel: "Trace \(loaded.traces[index].traceID.hex.prefix(16))")
            case .problem(let message): throw RunFailure(.traceNotFound, message)
            }
        } else if let typical = typicalTrace(like: trace, among: loaded.traces), typical.traceID != trace.traceID {
            comparison = ComparisonSection(
                TraceComparison(trace, with: typical), label: "the typical request of \(trace.root.service): \(trace.root.name)",
                barLabel: "Typical request")
        }
        let path = request.output ?? "trace-\(trace.traceID.hex).html"
        try RunFailure.reporting { () throws(ReportError) in
            let page = try ReportBuilder(templates: request.templates, rowBudget: request.rowBudget).incidentPage(
                trace, path: path, time: request.time, comparison: comparison)
            try SingleFile.write(page, to: URL(fileURLWithPath: path), inputs: loaded.files.map(\.path), force: request.force)
        }
        return Result(traceID: trace.traceID, spanCount: trace.spans.count, path: path, skipped: loaded.skipped, dropped: loaded.dropped)
    }

    /// The typical request of `trace`'s entry point among `traces`, as a site's p50 page is chosen.
    static func typicalTrace(like trace: Trace, among traces: [Trace]) -> Trace? {
        let root = ServiceGraph.OperationKey(service: trace.root.service, operation: trace.root.name)
        return TraceSelection.typicalRequests(traces.map(TraceDigest.init))[root].map { traces[$0] }
    }
}
