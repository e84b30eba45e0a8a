public import Foundation
public import ReportSite
import SystemCalls
public import TraceImport

/// A report on inputs larger than memory, on one machine: the three stages run in turn in a
/// work folder beside the site (removed afterwards, or by the next run if this one is killed):
/// the inputs are filed in partitions on disk, each partition is built alone, and the parts are
/// merged. Memory holds one partition's traces at a time, plus a digest of every trace.
public final class SpilledReport {
    private let work: SiteStaging
    private var partitionFolder: URL { work.folder.appendingPathComponent("partitions") }
    private var partitionCount = 0

    /// Makes the work folder beside `output`.
    public init(beside output: URL) throws(ReportError) {
        work = try SiteStaging(destination: OutputFolder.workFolder(beside: output.standardizedFileURL), kind: .work)
    }

    deinit { work.discard() }

    /// Files the spans of `paths` in `partitions` partitions, keeping within `budget`.
    public func partition(
        _ paths: [String], passedOver: [ImportError] = [], format: InputFormat?, workers: Int, partitions: Int, strict: Bool, budget: Int,
        progress: ((_ done: Int, _ bytes: Int) -> Void)? = nil
    ) throws(ReportError) -> PartitionStage.Outcome {
        partitionCount = partitions
        let staging = try SiteStaging(destination: partitionFolder, kind: .partitions)
        defer { staging.discard() }
        let outcome = try PartitionStage.write(
            paths: paths, passedOver: passedOver, format: format, workers: workers, partitions: partitions, into: staging, strict: strict,
            buffers: MemoryBudget.partitionBuffers(budget: budget), memoryLimit: MemoryBudget.largestWholeInput(budget: budget),
            progress: progress)
        try staging.publish()
        // The next stage starts from what the process needs, not from what this one took.
        Processes.returnFreedMemory()
        return outcome
    }

    /// Builds partition `index`; its spans' memory is given back before the next.
    public func build(partition index: Int, settings: BuildSettings, templates: TemplateSet, workers: Int) throws(ReportError) {
        _ = try BuildStage.run(
            partitionFiles: [partitionFile(index)], settings: settings, templates: templates, output: buildFolder(index), force: false,
            workers: workers,
            drawingCandidates: false)
        // The next stage starts from what the process needs, not from what this one took.
        Processes.returnFreedMemory()
    }

    /// The parts, read for merging.
    public func merge(templates: TemplateSet) throws(ReportError) -> MergeStage {
        try MergeStage(paths: [partitionFolder.path] + (0..<partitionCount).map { buildFolder($0).path }, templates: templates)
    }

    /// The size in bytes of each partition file, in partition order.
    public func partitionSizes() -> [Int] {
        (0..<partitionCount).map { MemoryBudget.fileSize(partitionFile($0)) ?? 0 }
    }

    private func partitionFile(_ index: Int) -> String {
        partitionFolder.appendingPathComponent(PartitionScheme.fileName(index, of: partitionCount)).path
    }

    private func buildFolder(_ index: Int) -> URL { work.folder.appendingPathComponent("build-\(index)") }
}

/// How much memory a run may use, and how many partitions that calls for.
public enum MemoryBudget {
    static let megabyte = 1_048_576
    /// What a run takes whatever its input: the program, its libraries and threads' arenas.
    public static let base = 48 * megabyte
    /// How many times its input's size a run takes in memory at most (spans, traces, pages):
    /// measured from 0.65 (traces of 20 spans) to 1.7 (traces of 3 spans) for OTLP JSON.
    static let inMemoryPerInputByte = 1.7
    /// How many times its share of the input a partition's build takes at most (measured 1.6 to
    /// 2.5): its spans as read and assembled, its kept spans, the pages being drawn.
    static let buildPerInputByte = 2.5

    /// Half the memory of the machine, or of the container (cgroup v2 `memory.max`) if less.
    public static var machineDefault: Int {
        var total = Int(clamping: ProcessInfo.processInfo.physicalMemory)
        if let text = try? Paths.text(of: "/sys/fs/cgroup/memory.max"),
            let limit = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), limit > 0
        {
            total = min(total, limit)
        }
        return total / 2
    }

    /// `text` as bytes: a number with an optional unit K, M, G or T (powers of 1024; "MB",
    /// "GiB" and the like read the same); nil if it is not one, or below 16 MB.
    public static func bytes(parsing text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        let digits = trimmed.prefix { $0.isNumber || $0 == "." }
        guard let number = Double(digits), number > 0 else { return nil }
        let unit = trimmed.dropFirst(digits.count).replacingOccurrences(of: "IB", with: "").replacingOccurrences(of: "B", with: "")
        let scale: Double? =
            switch unit {
            case "": 1
            case "K": 1024
            case "M": 1024 * 1024
            case "G": 1024 * 1024 * 1024
            case "T": 1024 * 1024 * 1024 * 1024
            default: nil
            }
        guard let scale else { return nil }
        let bytes: Double = number * scale
        guard bytes >= Double(16 * megabyte), bytes < Double(Int.max) else { return nil }
        return Int(bytes)
    }

    /// The bytes of `paths` once decompressed (compressed ones, recognised by their content,
    /// are counted by decompressing them, but no further than `cap` in all: past it the plan is
    /// the same whatever the rest holds). Standard input and pipes count for nothing: they are
    /// read within a `ReadBudget` instead.
    static func inputBytes(_ paths: [String], cap: Int = Int.max) -> Double {
        var total = 0
        for path in paths {
            total += SpanFileReader.plainSize(of: path, counting: max(0, cap - total)) ?? 0
            if total > cap { break }
        }
        return Double(total)
    }

    /// How many bytes of input a run holding everything in memory can take within `budget`.
    public static func inMemoryCapacity(budget: Int) -> Int {
        Int(Double(max(0, budget - base)) / inMemoryPerInputByte)
    }

    /// The most bytes of one input (decompressed) that a spilled run reads into memory at once:
    /// a document of a format read whole, or one OTLP JSON document. At least 64 MB, whatever
    /// the budget: a budget smaller than that is overrun by such an input, not refused.
    public static func largestWholeInput(budget: Int) -> Int {
        max(inMemoryCapacity(budget: budget), 64 * megabyte)
    }

    static func fileSize(_ path: String) -> Int? {
        try? Paths.status(path).size
    }

    /// 1 when `paths` fit in `budget` in memory; otherwise enough partitions that each one's
    /// build fits in what the budget leaves beside `base`.
    public static func partitions(for paths: [String], budget: Int) -> Int {
        // Counting stops once the plan is clear: far past what fits, any count gives the same.
        let input = inputBytes(paths, cap: 64 * inMemoryCapacity(budget: budget) + 1)
        let inMemory: Double = Double(base) + input * inMemoryPerInputByte
        guard inMemory > Double(budget) else { return 1 }
        let room = Double(max(budget - base, 16 * megabyte))
        let count: Double = (input * buildPerInputByte / room).rounded(.up)
        return min(PartitionScheme.maximumCount, max(2, Int(count)))
    }

    /// A partition whose build will not fit in `budget` because it holds well over its share of
    /// the spans (half as much again: every span of a trace lands in one partition, so one trace
    /// of many spans makes its partition large): the largest such, its share of the spans and its
    /// build's estimated peak; nil when every partition fits or none is much larger than the rest.
    public static func oversizedPartition(
        sizes: [Int], inputs paths: [String], budget: Int
    ) -> (index: Int, share: Double, estimate: Int)? {
        let total = sizes.reduce(0, +)
        guard total > 0, let largest = sizes.indices.max(by: { sizes[$0] < sizes[$1] }) else { return nil }
        let share = Double(sizes[largest]) / Double(total)
        let estimate: Double = Double(base) + inputBytes(paths, cap: 64 * inMemoryCapacity(budget: budget) + 1) * share * buildPerInputByte
        let skewed = share >= 1.5 / Double(sizes.count)
        return skewed && estimate > Double(budget) ? (largest, share, Int(estimate)) : nil
    }

    /// What the partition stage may keep waiting to be written, within `budget`.
    public static func partitionBuffers(budget: Int) -> Int {
        let share: Int = (budget - base) / 4
        return max(4 * megabyte, min(PartitionWriter.defaultBuffers, share))
    }

    /// About what the merge takes for `traces` traces: a digest of each, and the index's data.
    public static func merge(traces: Int) -> Int { base + 400 * traces }
}
