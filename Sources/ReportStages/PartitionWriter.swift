import Foundation
import ReportSite
import SpanRecords
import SystemCalls
import TraceModel

/// Writes spans into `count` partition files in a folder: each span to the partition of its
/// trace, and the place of its span id to the partition of the span id. What an input added can
/// be taken back (`rollback`) up to the last `commit`, so that an input that turns out to be
/// faulty leaves nothing behind.
final class PartitionWriter {
    private struct Partition {
        let path: String
        let file: FileDescriptor
        let writer = SpanRecordWriter()
        /// The file's size at the last commit.
        var committed: Int
        /// Spans filed here up to the last commit, and since.
        var spans = 0
        var pendingSpans = 0
    }

    /// What waits in memory to be written when no budget says otherwise.
    static let defaultBuffers = 32 * 1_048_576

    private var partitions: [Partition] = []
    /// A partition's records go to its file once they reach this many bytes.
    private let chunkBytes: Int

    /// Creates the files (header only) in `folder`; about `buffers` bytes of records wait in
    /// memory in all, in chunks of 64 KB to 1 MB.
    /// - Throws: `ReportError.output` when a file cannot be created.
    init(folder: URL, count: Int, buffers: Int = defaultBuffers) throws(ReportError) {
        let share: Int = buffers / max(count, 1)
        chunkBytes = max(65_536, min(1_048_576, share))
        for index in 0..<count {
            let path = folder.appendingPathComponent(PartitionScheme.fileName(index, of: count)).path
            let file: FileDescriptor
            do {
                file = try FileDescriptor.open(path, O_WRONLY | O_CREAT | O_TRUNC)
            } catch {
                throw .output(path: path, message: "cannot create: \(error)")
            }
            partitions.append(Partition(path: path, file: file, committed: 0))
            let header = SpanRecordWriter.header(partition: index, of: count)
            try write(header, to: index)
            partitions[index].committed = header.count
        }
    }

    deinit {
        for partition in partitions { partition.file.close() }
    }

    /// The files' names, in partition order.
    var fileNames: [String] { partitions.map { URL(fileURLWithPath: $0.path).lastPathComponent } }

    /// Files each span (and its span id's place) in its partition.
    func add(_ spans: [Span]) throws(ReportError) {
        let count = partitions.count
        for index in spans.indices {
            let byTrace = PartitionScheme.partition(of: spans[index].traceID, count: count)
            partitions[byTrace].writer.append(spans[index])
            partitions[byTrace].pendingSpans += 1
            let bySpan = PartitionScheme.partition(of: spans[index].spanID, count: count)
            partitions[bySpan].writer.append(
                SpanIDLocation(
                    spanID: spans[index].spanID, traceID: spans[index].traceID, service: spans[index].service,
                    operation: spans[index].name))
            if partitions[byTrace].writer.pendingByteCount >= chunkBytes { try flush(byTrace) }
            if partitions[bySpan].writer.pendingByteCount >= chunkBytes { try flush(bySpan) }
        }
    }

    /// Makes everything added so far stay.
    func commit() throws(ReportError) {
        for index in partitions.indices {
            try flush(index)
            partitions[index].committed = (try? partitions[index].file.position()) ?? partitions[index].committed
            partitions[index].spans += partitions[index].pendingSpans
            partitions[index].pendingSpans = 0
        }
    }

    /// Takes back everything added since the last commit.
    func rollback() throws(ReportError) {
        for index in partitions.indices {
            _ = partitions[index].writer.takeChunk()
            partitions[index].pendingSpans = 0
            let partition = partitions[index]
            do {
                try partition.file.truncate(to: partition.committed)
            } catch {
                throw .output(path: partition.path, message: "cannot cut back: \(error)")
            }
        }
    }

    /// The spans filed in each partition up to the last commit, in partition order.
    var spanCounts: [Int] { partitions.map(\.spans) }

    /// Writes `identity`, the run's, into every file's header, and closes the files (after a
    /// `commit`).
    func finish(identity: [UInt8]) throws(ReportError) {
        for partition in partitions {
            let written = identity.withUnsafeBytes { bytes in
                Result { () throws(SystemError) in try partition.file.write(bytes, at: SpanRecordFormat.identityRange.lowerBound) }
            }
            if case .failure(let error) = written { throw .output(path: partition.path, message: "cannot write (\(error))") }
            partition.file.close()
        }
        partitions.removeAll()
    }

    private func flush(_ index: Int) throws(ReportError) {
        let chunk = partitions[index].writer.takeChunk()
        if !chunk.isEmpty { try write(chunk, to: index) }
    }

    private func write(_ bytes: [UInt8], to index: Int) throws(ReportError) {
        let partition = partitions[index]
        let written = bytes.withUnsafeBytes { raw in Result { () throws(SystemError) in try partition.file.writeAll(raw) } }
        if case .failure(let error) = written { throw .output(path: partition.path, message: "cannot write: \(error)") }
    }
}
