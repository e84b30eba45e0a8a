public import Foundation
public import ReportSite
import SpanRecords
import SystemCalls
import TraceAnalysis
import TraceAssembly
import TraceModel

/// The reduce stage: assembles the traces of partition files, draws the pages `merge` may want
/// of them, keeps their spans for the others, and writes `part.json` (see `PartSummary`).
///
/// Which traces get a page is decided by `merge`, over every partition. A trace that would be
/// chosen here, among this partition's traces, by a rule whose choice over the whole input is
/// always one of the choices over some part (failures, slowest requests, slowest hops, health
/// examples, traces asked for, or all) has its page drawn now, with its reasons left blank;
/// the others (nearest a percentile, near the p99 of a hop) are drawn by `merge` from the
/// spans kept in `traces.trspans`.
public enum BuildStage {
    /// Builds `partitionFiles` (every file of the partitions it covers, in the order the inputs
    /// were read) into `output`, which appears in one rename when all is written. With
    /// `drawingCandidates` false no page is drawn and every trace's spans are kept: `merge` draws
    /// just the pages it chooses (less work in all when builds and merge share one machine).
    /// - Throws: `ReportError` when a partition file cannot be read or is damaged (naming the
    ///   file and byte offset), a chart fails validation, or the output cannot be written.
    public static func run(
        partitionFiles: [String], settings: BuildSettings, templates: TemplateSet, output: URL, force: Bool, workers: Int,
        drawingCandidates: Bool = true, progress: (@Sendable (_ written: Int, _ total: Int) -> Void)? = nil
    ) throws(ReportError) -> PartSummary {
        let staging = try SiteStaging(destination: output, kind: .part, inputs: partitionFiles, force: force)
        defer { staging.discard() }
        let summary = try build(
            partitionFiles: partitionFiles, settings: settings, templates: templates, into: staging, workers: workers,
            drawingCandidates: drawingCandidates, progress: progress)
        try staging.publish()
        return summary
    }

    /// Builds into `staging`.
    static func build(
        partitionFiles: [String], settings: BuildSettings, templates: TemplateSet, into staging: SiteStaging, workers: Int,
        drawingCandidates: Bool, progress: (@Sendable (_ written: Int, _ total: Int) -> Void)?
    ) throws(ReportError) -> PartSummary {
        var (spans, places, sources) = try read(partitionFiles)
        let keepsSpans = !settings.selection.all || !drawingCandidates
        let storeChunks = keepsSpans ? try keep(spans, in: staging.folder.appendingPathComponent(PartSummary.storeName)) : [:]
        let traces = TraceAssembler(options: settings.assembly.options).assemble(consume spans, workers: workers)
        let report = PartialReport(
            traces: traces, keyAttributes: settings.keyAttributes, spanIDsInSeveralTraces: places, wasteThresholds: settings.wastePatterns,
            buckets: BucketGrid(requestedNano: settings.bucketNano), joinAttribute: settings.joinAttribute)
        places = []

        let chosen = drawingCandidates ? candidates(report, settings: settings) : []
        var options = ReportBuilder.Options()
        options.title = settings.title
        options.time = settings.time
        options.progress = progress
        try ReportBuilder(templates: templates, rowBudget: settings.rowBudget).drawPages(of: traces, chosen, options: options, to: staging)

        let summary = PartSummary(
            settings: settings, sources: sources, report: report,
            storeChunks: storeChunks.isEmpty ? [] : report.traces.map { storeChunks[$0.traceID] ?? 0 },
            drawn: chosen.map { traces[$0].traceID.hex }.sorted())
        try StageJSON.write(summary, to: PartSummary.fileName, in: staging)
        return summary
    }

    /// The spans of the partition files, the places of span ids met in several traces among the
    /// places filed with them, and what each file was.
    private static func read(_ paths: [String]) throws(ReportError) -> ([Span], [SpanIDLocation], [PartSource]) {
        var spans: [Span] = []
        var locations: [SpanIDLocation] = []
        var sources: [PartSource] = []
        for path in paths {
            let file: MappedFile
            do {
                file = try MappedFile(path: path)
            } catch {
                throw .input(path: path, message: "cannot read (\(error))")
            }
            let before = spans.count
            let result = file.withBytes { raw in
                Result { () throws(SpanRecordFailure) -> SpanRecordReader.Origin in
                    try SpanRecordReader.decode(raw, into: &spans, locations: &locations)
                    return try SpanRecordReader.origin(raw)
                }
            }
            switch result {
            case .failure(let failure): throw .input(path: path, message: "at byte \(failure.offset): \(failure.message)")
            case .success(let origin):
                sources.append(
                    PartSource(
                        file: URL(fileURLWithPath: path).lastPathComponent, run: PartitionManifest.runName(origin.run),
                        partition: origin.partition, partitions: origin.count, spans: spans.count - before))
            }
        }
        return (spans, InstrumentationHealth.Tally.spanIDsInSeveralTraces(locations), sources)
    }

    /// Writes the spans of every trace, as read, to the store at `url`, a chunk per about 256 KB
    /// of whole traces; the offset of each trace's chunk.
    private static func keep(_ spans: [Span], in url: URL) throws(ReportError) -> [TraceID: UInt64] {
        let order = spans.indices.sorted { (spans[$0].traceID, $0) < (spans[$1].traceID, $1) }
        let file: FileDescriptor
        do {
            file = try FileDescriptor.open(url.path, O_WRONLY | O_CREAT | O_TRUNC)
        } catch {
            throw .output(path: url.path, message: "cannot create (\(error))")
        }
        defer { file.close() }
        func write(_ bytes: [UInt8]) throws(ReportError) {
            do {
                try bytes.withUnsafeBytes { raw in Result { () throws(SystemError) in try file.writeAll(raw) } }.get()
            } catch {
                throw .output(path: url.path, message: "cannot write (\(error))")
            }
        }
        var offsets: [TraceID: UInt64] = [:]
        var offset = UInt64(SpanRecordWriter.header().count)
        try write(SpanRecordWriter.header())
        let writer = SpanRecordWriter()
        var position = 0
        while position < order.count {
            let id = spans[order[position]].traceID
            while position < order.count, spans[order[position]].traceID == id {
                writer.append(spans[order[position]])
                position += 1
            }
            offsets[id] = offset
            if writer.pendingByteCount >= 256 << 10 || position == order.count {
                let chunk = writer.takeChunk()
                try write(chunk)
                offset += UInt64(chunk.count)
            }
        }
        return offsets
    }

    /// The traces whose pages may be chosen by a rule that chooses, over the whole input, among
    /// what it would choose over the parts; by index into the report's traces, increasing.
    static func candidates(_ report: PartialReport, settings: BuildSettings) -> [Int] {
        var policy = settings.selection
        policy.percentiles = false
        policy.maximumPages = .max
        for prefix in settings.traceIDs {
            let wanted = prefix.lowercased()
            for trace in report.traces where TraceIDMatch.matches(trace.traceID, lowercasedPrefix: wanted) {
                policy.requested.insert(trace.traceID)
            }
        }
        var examples = Set<TraceID>()
        for subjects in report.health.cases.values {
            for cases in subjects.values { examples.formUnion(cases.examples.map(\.traceID)) }
        }
        var patternExamples = Set<TraceID>()
        for subjects in report.waste.cases.values {
            for cases in subjects.values { patternExamples.formUnion(cases.examples.map(\.traceID)) }
        }
        return TraceSelection(
            traces: report.traces, graph: report.graph, policy: policy, healthExamples: examples, patternExamples: patternExamples
        ).reasons.keys.sorted()
    }
}
