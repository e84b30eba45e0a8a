public import Foundation
public import ReportSite
import SpanRecords
import SystemCalls
public import TraceAnalysis
import TraceAssembly
public import TraceModel

/// The last stage: puts the parts made by `build` together into one site, with the inputs named
/// in the partition manifests. The site is the one `tracereport report` makes of the same inputs
/// with the same settings: its pages are those drawn by the builds (their reasons filled in) or
/// drawn now from the spans the builds kept.
public struct MergeStage: Sendable {
    /// The settings every part was built with.
    public let settings: BuildSettings
    /// Every trace's report, merged.
    public let report: PartialReport
    /// Every input, from the partition manifests in the order given.
    public let inputs: [ReportBuilder.Input]
    let pages: BuiltPages

    /// Reads the build folders and partition manifests named by `paths` (folders holding
    /// `part.json` or `partitions.json`, or those files), checking that the parts fit together:
    /// the same settings and templates, no trace in two parts, and every partition of the
    /// manifests built once.
    /// - Throws: `ReportError.input` naming the file at fault.
    public init(paths: [String], templates: TemplateSet) throws(ReportError) {
        let (folders, manifests) = try Self.classify(paths)
        let parts = try Self.readParts(folders)
        guard parts.settings.templates == templates.fingerprint else {
            throw .input(
                path: folders[0].path, message: "built with other templates than merge was given; give merge the same --templates as build")
        }
        let sourced = zip(folders, parts.sources).map { (folder: $0, sources: $1) }
        try Self.checkRuns(sourced, manifests)
        try Self.checkCoverage(sourced.map { ($0.folder, $0.sources) }, manifests)
        let (merged, located) = try Self.merge(parts.digests, parts.locations, folders: folders)
        var report = parts.report
        report.replaceTraces(merged)
        self.settings = parts.settings
        self.report = report
        self.inputs = manifests.flatMap { $0.manifest.inputs.map(\.input) }
        pages = BuiltPages(folders: folders, located: located, assembly: parts.settings.assembly.options)
    }

    /// The build folders and the partition manifests `paths` name (folders, or their
    /// `part.json` and `partitions.json`); at least one build folder.
    private static func classify(_ paths: [String]) throws(ReportError) -> (
        folders: [URL], manifests: [(url: URL, manifest: PartitionManifest)]
    ) {
        var folders: [URL] = []
        var manifests: [(url: URL, manifest: PartitionManifest)] = []
        for path in paths {
            let url = URL(fileURLWithPath: path)
            guard let status = try? Paths.status(path) else { throw .input(path: path, message: "no such file or folder") }
            let isFolder = status.entry == .folder
            let folder = isFolder ? url : url.deletingLastPathComponent()
            let named = { (name: String) in
                isFolder ? (try? Paths.status(folder.appendingPathComponent(name).path)) != nil : url.lastPathComponent == name
            }
            if named(PartSummary.fileName) {
                folders.append(folder)
            } else if named(PartitionManifest.fileName) {
                let manifest = folder.appendingPathComponent(PartitionManifest.fileName)
                manifests.append(
                    (
                        manifest,
                        try StageJSON.read(
                            PartitionManifest.self, from: manifest, schema: PartitionManifest.schemaName,
                            version: PartitionManifest.currentVersion)
                    ))
            } else {
                throw .input(
                    path: path,
                    message: "neither a build folder (\(PartSummary.fileName)) nor a partition folder (\(PartitionManifest.fileName))")
            }
        }
        guard !folders.isEmpty else {
            throw .input(path: paths.first ?? ".", message: "no build folder given (one holding \(PartSummary.fileName))")
        }
        return (folders, manifests)
    }

    /// What the parts of `folders` (at least one) hold, each part read and checked in turn: the
    /// settings they share, their reports merged but for the traces, and per part its digests
    /// (in report order), where each trace's page comes from, and the partition files it read.
    private static func readParts(_ folders: [URL]) throws(ReportError) -> (
        settings: BuildSettings, report: PartialReport, digests: [[TraceDigest]], locations: [[BuiltPages.Location]],
        sources: [[PartSource]]
    ) {
        var settings: BuildSettings?
        var report = PartialReport(keyAttributes: [])
        var digests: [[TraceDigest]] = []
        var locations: [[BuiltPages.Location]] = []
        var sources: [[PartSource]] = []
        let strings = DigestStrings()
        for (number, folder) in folders.enumerated() {
            let summary = try StageJSON.read(
                PartSummary.self, from: folder.appendingPathComponent(PartSummary.fileName), schema: PartSummary.schemaName,
                version: PartSummary.currentVersion, userInfo: [DigestStrings.key: strings])
            if let settings, summary.settings != settings {
                throw .input(
                    path: folder.path,
                    message:
                        "built with other settings than \(folders[0].path) (title, time zone, selection, assembly, key attributes, waste thresholds, bucket size, join attribute or templates); build every partition alike"
                )
            }
            if settings == nil {
                settings = summary.settings
                report = PartialReport(
                    keyAttributes: summary.settings.keyAttributes, wasteThresholds: summary.settings.wastePatterns,
                    buckets: BucketGrid(requestedNano: summary.settings.bucketNano), joinAttribute: summary.settings.joinAttribute)
            }
            let traces = summary.report.traces
            guard summary.storeChunks.isEmpty || summary.storeChunks.count == traces.count else {
                throw .input(path: folder.path, message: "\(PartSummary.fileName) has store offsets for another number of traces")
            }
            let drawn = Set(summary.drawn)
            var located: [BuiltPages.Location] = []
            located.reserveCapacity(traces.count)
            for index in traces.indices {
                let isDrawn = drawn.contains(traces[index].traceID.hex)
                guard isDrawn || !summary.storeChunks.isEmpty else {
                    throw .input(path: folder.path, message: "trace \(traces[index].traceID) has neither a page nor kept spans")
                }
                located.append(BuiltPages.Location(part: number, chunk: isDrawn ? nil : summary.storeChunks[index]))
            }
            report.mergeAllButTraces(summary.report)
            digests.append(traces)
            locations.append(located)
            sources.append(summary.sources)
        }
        guard let settings else { throw .input(path: folders[0].path, message: "no build folder given") }
        return (settings, report, digests, locations, sources)
    }

    /// The parts' digests (each in report order) in one list in report order, with where each
    /// trace's page comes from; a trace in two parts is refused.
    private static func merge(
        _ digests: [[TraceDigest]], _ sources: [[BuiltPages.Location]], folders: [URL]
    ) throws(ReportError) -> ([TraceDigest], [BuiltPages.Location]) {
        let order = SortedMerge.order(of: digests, by: \.reportOrder)
        var merged: [TraceDigest] = []
        var located: [BuiltPages.Location] = []
        merged.reserveCapacity(order.count)
        located.reserveCapacity(order.count)
        var seen = Set<TraceID>(minimumCapacity: order.count)
        for (part, index) in order {
            let digest = digests[part][index]
            guard seen.insert(digest.traceID).inserted else {
                let other = located[merged.firstIndex { $0.traceID == digest.traceID }!].part
                throw .input(
                    path: folders[part].path,
                    message:
                        "trace \(digest.traceID) is also in \(folders[other].path): a partition was built twice, or its spans were filed apart"
                )
            }
            merged.append(digest)
            located.append(sources[part][index])
        }
        return (merged, located)
    }

    /// Writes the site of the merged parts.
    /// - Parameter site: the options of the site itself (output, baseline, base URL, force,
    ///   progress); title, time zone, selection and key attributes come from the parts.
    /// - Throws: `ReportError` as `ReportBuilder.build` does, or when a part's page or spans
    ///   cannot be read.
    public func write(
        to output: URL, templates: TemplateSet, site: ReportBuilder.Options, requested: Set<TraceID> = []
    ) throws(ReportError) -> ReportBuilder.Outcome {
        var options = settings.reportOptions(site: site, requested: requested)
        options.warnings = inputs.compactMap(\.warning)
        options.readWhileWriting = pages.folders.map(\.path)
        // Merges are what runs under a memory budget: the large pages one at a time.
        options.sitePagesBesideTraces = false
        return try ReportBuilder(templates: templates, rowBudget: settings.rowBudget).build(
            report: report, inputs: inputs, output: output, options: options, pages: pages)
    }

    /// The parts come from the same partition runs, each part from every run; the manifests
    /// given (if any) are those runs', and each file a part read holds the spans its run filed in
    /// that partition. A part built from another night's partitions, or a partition file
    /// swapped for another, is named.
    private static func checkRuns(
        _ parts: [(folder: URL, sources: [PartSource])], _ manifests: [(url: URL, manifest: PartitionManifest)]
    ) throws(ReportError) {
        let runs = Set(parts[0].sources.map(\.run))
        for part in parts.dropFirst() where Set(part.sources.map(\.run)) != runs {
            throw .input(
                path: part.folder.path,
                message:
                    "was built from other partition runs than \(parts[0].folder.path) (\(part.sources.map(\.run).sorted().joined(separator: ", ")) "
                    + "against \(runs.sorted().joined(separator: ", "))); build every partition from the files of the same partition runs")
        }
        guard !manifests.isEmpty else { return }
        var byRun: [String: (url: URL, manifest: PartitionManifest)] = [:]
        for entry in manifests {
            let filed = entry.manifest.spansPerPartition.saturatingSum()
            let read = entry.manifest.inputs.map(\.spans).saturatingSum()
            guard filed == read, entry.manifest.spansPerPartition.count == entry.manifest.partitions else {
                throw .input(
                    path: entry.url.path, message: "lists inputs of \(read) spans but filed \(filed) in its partitions: it is damaged")
            }
            guard runs.contains(entry.manifest.run) else {
                throw .input(
                    path: entry.url.path,
                    message:
                        "is of partition run \(entry.manifest.run), from which no build folder given was built; give the partition folders of the builds' runs"
                )
            }
            byRun[entry.manifest.run] = entry
        }
        for part in parts {
            for source in part.sources {
                guard let (url, manifest) = byRun[source.run] else {
                    throw .input(
                        path: part.folder.path,
                        message:
                            "was built from partition run \(source.run) (\(source.file)), whose partitions.json was not given; give every partition folder, or none"
                    )
                }
                guard source.partitions == manifest.partitions, manifest.spansPerPartition.indices.contains(source.partition),
                    manifest.spansPerPartition[source.partition] == source.spans
                else {
                    throw .input(
                        path: part.folder.path,
                        message: "read \(source.spans) spans from \(source.file) (partition \(source.partition) of \(source.partitions)), "
                            + "which is not what \(url.path) filed there: the partition file was damaged or replaced")
                }
            }
        }
    }

    /// Every partition the manifests name is built exactly once, as the partition files' headers
    /// say (a file renamed by a job scheduler still counts for its partition).
    private static func checkCoverage(
        _ parts: [(folder: URL, sources: [PartSource])], _ manifests: [(url: URL, manifest: PartitionManifest)]
    ) throws(ReportError) {
        guard let count = manifests.first?.manifest.partitions else { return }
        for (url, manifest) in manifests where manifest.partitions != count {
            throw .input(path: url.path, message: "has \(manifest.partitions) partitions where another manifest has \(count)")
        }
        var builtBy: [Int: URL] = [:]
        for part in parts {
            // The partition each file holds, as its header says: a file may have been renamed.
            for index in Set(part.sources.filter { $0.partitions == count }.map(\.partition)) {
                if let other = builtBy[index] {
                    throw .input(path: part.folder.path, message: "builds partition \(index), as \(other.path) does")
                }
                builtBy[index] = part.folder
            }
        }
        if let missing = (0..<count).first(where: { builtBy[$0] == nil }), !builtBy.isEmpty {
            throw .input(
                path: manifests[0].url.path,
                message: "partition \(missing) of \(count) (\(PartitionScheme.fileName(missing, of: count))) is in no build folder given")
        }
    }
}

/// The pages of a merged site: drawn by a build (their reasons filled in now), or drawn now
/// from the spans a build kept.
struct BuiltPages: TracePageSource {
    struct Location: Sendable {
        var part: Int
        /// The offset of the store chunk holding the trace's spans; nil when its page was drawn.
        var chunk: UInt64?
    }

    let folders: [URL]
    /// By index into the merged report's digests.
    let located: [Location]
    let assembly: AssemblyOptions

    func page(
        of trace: TraceDigest, at index: Int, reasons: [String], typical: TypicalRequest?, workflow: String, builder: ReportBuilder,
        options: ReportBuilder.Options
    ) throws(ReportError) -> String {
        guard located[index].chunk != nil else {
            let (text, url) = try drawnPage(of: trace, at: index)
            let filled = try TracePage.filling(text, reasons: reasons) { profile throws(ReportError) in
                try builder.comparisonHTML(typical?.section(comparing: profile), page: url.path) + workflow
            }
            guard let filled else {
                throw .input(path: url.path, message: "is not a page drawn by build (no place for its reasons or comparison)")
            }
            return filled
        }
        return try builder.pageText(
            try keptTrace(trace, at: index), reasons: .known(reasons), typical: typical, workflow: workflow, options: options)
    }

    func profile(of trace: TraceDigest, at index: Int) throws(ReportError) -> TraceProfile {
        guard located[index].chunk != nil else {
            let (text, url) = try drawnPage(of: trace, at: index)
            guard let found = TracePage.comparisonProfile(in: text) else {
                throw .input(path: url.path, message: "is not a page drawn by build (no profile of its trace)")
            }
            return found.profile
        }
        return TraceProfile(try keptTrace(trace, at: index))
    }

    /// The text of the page a build drew of `trace`, and where it is.
    private func drawnPage(of trace: TraceDigest, at index: Int) throws(ReportError) -> (text: String, url: URL) {
        let url = folders[located[index].part].appendingPathComponent(TracePage.path(for: trace.traceID))
        let read: String?
        do {
            read = try Paths.text(of: url.path)
        } catch {
            throw .input(path: url.path, message: "cannot read the page drawn by build (\(error))")
        }
        guard let text = read else { throw .input(path: url.path, message: "cannot read the page drawn by build (not UTF-8)") }
        return (text, url)
    }

    /// `trace` assembled from the spans a build kept of it.
    private func keptTrace(_ trace: TraceDigest, at index: Int) throws(ReportError) -> Trace {
        let location = located[index]
        let store = folders[location.part].appendingPathComponent(PartSummary.storeName)
        var spans = try Self.readChunk(of: store, at: location.chunk ?? 0)
        spans.removeAll { $0.traceID != trace.traceID }
        guard !spans.isEmpty else {
            throw .input(path: store.path, message: "holds no span of trace \(trace.traceID) at byte \(location.chunk ?? 0)")
        }
        return TraceAssembler(options: assembly).assembleTrace(trace.traceID, spans)
    }

    /// The spans of the store chunk at `offset`, read with positioned reads (safe from any thread).
    private static func readChunk(of store: URL, at offset: UInt64) throws(ReportError) -> [Span] {
        let file: FileDescriptor
        do {
            file = try FileDescriptor.open(store.path, O_RDONLY)
        } catch {
            throw .input(path: store.path, message: "cannot open: \(error)")
        }
        defer { file.close() }
        do {
            return try SpanRecordReader.decodeChunk(at: offset) { count, position in
                (try? file.read(upTo: count, at: position)).flatMap { $0.count == count ? $0 : nil }
            }
        } catch {
            throw .input(path: store.path, message: "at byte \(error.offset): \(error.message)")
        }
    }
}
