public import Foundation
public import ReportSite
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
        let destination = output.standardizedFileURL
        work = try SiteStaging(
            destination: destination.deletingLastPathComponent().appendingPathComponent(".\(destination.lastPathComponent).spill"))
    }

    deinit { work.discard() }

    /// Files the spans of `paths` in `partitions` partitions.
    public func partition(
        _ paths: [String], format: InputFormat?, workers: Int, partitions: Int, strict: Bool,
        progress: ((_ done: Int, _ bytes: Int) -> Void)? = nil
    ) throws(ReportError) -> PartitionStage.Outcome {
        partitionCount = partitions
        let staging = try SiteStaging(destination: partitionFolder)
        defer { staging.discard() }
        let outcome = try PartitionStage.write(
            paths: paths, format: format, workers: workers, partitions: partitions, into: staging, strict: strict, progress: progress)
        try staging.publish()
        return outcome
    }

    /// Builds partition `index`; its spans' memory is given back before the next.
    public func build(partition index: Int, settings: BuildSettings, templates: TemplateSet, workers: Int) throws(ReportError) {
        let file = partitionFolder.appendingPathComponent(PartitionScheme.fileName(index, of: partitionCount)).path
        _ = try BuildStage.run(
            partitionFiles: [file], settings: settings, templates: templates, output: buildFolder(index), force: false, workers: workers)
    }

    /// The parts, read for merging.
    public func merge(templates: TemplateSet) throws(ReportError) -> MergeStage {
        try MergeStage(paths: [partitionFolder.path] + (0..<partitionCount).map { buildFolder($0).path }, templates: templates)
    }

    private func buildFolder(_ index: Int) -> URL { work.folder.appendingPathComponent("build-\(index)") }
}

/// How much memory a run may use, and how many partitions that calls for.
public enum MemoryBudget {
    /// Half the memory of the machine, or of the container (cgroup v2 `memory.max`) if less.
    public static var machineDefault: Int {
        var total = Int(clamping: ProcessInfo.processInfo.physicalMemory)
        if let text = try? String(contentsOfFile: "/sys/fs/cgroup/memory.max", encoding: .utf8),
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
        guard let scale, number * scale >= 16 * 1024 * 1024, number * scale < Double(Int.max) else { return nil }
        return Int(number * scale)
    }

    /// How many times its size a run takes in memory, for an input of each kind: spans, traces
    /// and pages (measured: about 1× for OTLP JSON; compressed inputs expand about tenfold).
    static let memoryPerInputByte = 1.0
    static let compressedExpansion = 10.0

    /// 1 when `paths` fit in `budget` in memory; otherwise enough partitions that one of them,
    /// built alone, takes at most a third of it.
    public static func partitions(for paths: [String], budget: Int) -> Int {
        var need = 0.0
        for path in paths {
            guard path != SpanFileReader.standardInputPath,
                let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
            else { continue }
            let compressed = [".gz", ".zst", ".zstd"].contains { path.hasSuffix($0) }
            need += Double(size) * memoryPerInputByte * (compressed ? compressedExpansion : 1)
        }
        guard need > Double(budget) else { return 1 }
        return min(PartitionScheme.maximumCount, Int((3 * need / Double(budget)).rounded(.up)))
    }
}
