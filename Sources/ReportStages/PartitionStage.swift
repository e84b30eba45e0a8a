public import Foundation
public import ReportSite
public import TraceImport
import TraceModel

/// The map stage: reads any supported inputs and files their spans in partition files by trace
/// id (see `PartitionScheme`), with `partitions.json` beside them. Memory holds a few pieces of
/// one input at a time (a whole input, for inputs that are not uncompressed OTLP JSON lines),
/// whatever the number and size of the inputs.
public enum PartitionStage {
    /// What became of the inputs.
    public struct Outcome: Sendable {
        public var manifest: PartitionManifest
        /// Why each skipped input was skipped.
        public var failures: [ImportError]
        /// How many records were dropped from the inputs that were read.
        public var droppedRecords: Int { manifest.inputs.lazy.map { $0.input.issues.dropped }.saturatingSum() }
        public var spanCount: Int
        public var byteCount: Int
    }

    /// Reads `paths` (files or `-`) and writes `partitions` partition files into `output`, which
    /// appears in one rename when all is written.
    /// - Parameters:
    ///   - strict: stop at the first input that cannot be read (otherwise it is skipped, and
    ///     recorded in the manifest).
    ///   - pieceSize: OTLP JSON lines files larger than this are read a piece of this size at a time.
    ///   - progress: told after each input how many are done and how many bytes were read.
    /// - Throws: `ReportError` when the output cannot be written, or (with `strict`) an input
    ///   cannot be read; then nothing is published.
    /// - Parameter passedOver: what listing the input folders passed over (`InputFiles.Listing`),
    ///   recorded in the manifest as inputs that could not be read.
    public static func run(
        paths: [String], passedOver: [ImportError] = [], format: InputFormat?, workers: Int, partitions: Int, output: URL, force: Bool,
        strict: Bool = false, pieceSize: Int = defaultPieceSize, progress: ((_ done: Int, _ bytes: Int) -> Void)? = nil
    ) throws(ReportError) -> Outcome {
        let staging = try SiteStaging(destination: output, kind: .partitions, inputs: paths, force: force)
        defer { staging.discard() }
        let outcome = try write(
            paths: paths, passedOver: passedOver, format: format, workers: workers, partitions: partitions, into: staging, strict: strict,
            pieceSize: pieceSize, progress: progress)
        try staging.publish()
        return outcome
    }

    /// 2 MB: a few pieces in memory, and each large enough that decoding it dwarfs reading it.
    public static let defaultPieceSize = 2 << 20

    /// Writes the partition files and manifest into `staging`.
    static func write(
        paths: [String], passedOver: [ImportError] = [], format: InputFormat?, workers: Int, partitions: Int, into staging: SiteStaging,
        strict: Bool,
        pieceSize: Int = defaultPieceSize, buffers: Int = PartitionWriter.defaultBuffers,
        memoryLimit: Int = SpanFileReader.defaultMemoryLimit, progress: ((_ done: Int, _ bytes: Int) -> Void)?
    ) throws(ReportError) -> Outcome {
        let writer = try PartitionWriter(folder: staging.folder, count: partitions, buffers: buffers)
        let reader = SpanFileReader(format: format, workers: workers, strict: strict, memoryLimit: memoryLimit, pieceSize: pieceSize)
        var inputs: [InputRecord] = []
        var failures: [ImportError] = []
        var (spanCount, byteCount) = (0, 0)
        for path in paths {
            var written: ReportError?
            do {
                let summary = try reader.read(
                    path,
                    inBatches: { batch in
                        guard written == nil else { return }
                        do throws(ReportError) { try writer.add(batch) } catch { written = error }
                    },
                    discardDelivered: {
                        do throws(ReportError) { try writer.rollback() } catch { written = written ?? error }
                    })
                if let written { throw written }
                try writer.commit()
                inputs.append(InputRecord(ReportBuilder.Input(summary)))
                spanCount += summary.spanCount
                byteCount += summary.byteCount
            } catch let error as ReportError {
                throw error
            } catch let error as ImportError {
                try writer.rollback()
                if let written { throw written }
                if strict { throw .input(path: error.file, message: error.description) }
                failures.append(error)
                inputs.append(
                    InputRecord(ReportBuilder.Input(path: path, byteCount: 0, spanCount: 0, format: "", problem: error.description)))
            } catch {
                throw .input(path: path, message: "\(error)")
            }
            progress?(inputs.count, byteCount)
        }
        for error in passedOver {
            if strict { throw .input(path: error.file, message: error.description) }
            failures.append(error)
            inputs.append(
                InputRecord(ReportBuilder.Input(path: error.file, byteCount: 0, spanCount: 0, format: "", problem: error.description)))
        }
        try writer.commit()
        var manifest = PartitionManifest(
            partitions: partitions, files: writer.fileNames, inputs: inputs, spansPerPartition: writer.spanCounts)
        let identity = manifest.contentIdentity()
        manifest.run = PartitionManifest.runName(identity)
        try writer.finish(identity: identity)
        try StageJSON.write(manifest, to: PartitionManifest.fileName, in: staging)
        return Outcome(manifest: manifest, failures: failures, spanCount: spanCount, byteCount: byteCount)
    }
}

extension ReportBuilder.Input {
    /// The index page's line for an input that was read.
    public init(_ summary: SpanFileReader.FileSummary) {
        let format = summary.format?.displayName ?? "empty"
        self.init(
            path: summary.path, byteCount: summary.byteCount, spanCount: summary.spanCount,
            format: summary.compression.map { "\(format), \($0)" } ?? format, problem: nil, issues: summary.issues)
    }
}
