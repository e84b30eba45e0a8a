import Foundation
public import ReportSite
import SpanRecords
import SystemCalls
public import TraceAnalysis
public import TraceAssembly
public import TraceModel

// The files the stages hand on, documented in docs/stages.md. Each is JSON with a `schema` and a
// `version`; a reader refuses other schemas and versions by name.

/// `partitions.json`, beside the partition files: what the partition stage read.
public struct PartitionManifest: Codable, Equatable, Sendable {
    public static let fileName = "partitions.json"
    public static let schemaName = "tracereport-partitions"
    public static let currentVersion = 2

    public var schema = PartitionManifest.schemaName
    public var version = PartitionManifest.currentVersion
    /// The identity of this partition run (32 hex digits), also in the header of each of its
    /// files: a digest of everything else here, so that runs over other inputs differ.
    public var run = ""
    /// How many partitions the spans were filed in.
    public var partitions: Int
    /// The partition files, in partition order.
    public var files: [String]
    /// Every input, in the order read.
    public var inputs: [InputRecord]
    /// The spans filed in each partition, in partition order.
    public var spansPerPartition: [Int]

    public init(partitions: Int, files: [String], inputs: [InputRecord], spansPerPartition: [Int]) {
        self.partitions = partitions
        self.files = files
        self.inputs = inputs
        self.spansPerPartition = spansPerPartition
    }

    /// A run's identity as hex digits.
    static func runName(_ identity: [UInt8]) -> String {
        identity.map { String(HexDigits.format(UInt64($0)).suffix(2)) }.joined()
    }

    /// The first 16 bytes of the SHA-256 of the manifest without its `run`.
    func contentIdentity() -> [UInt8] {
        var content = self
        content.run = ""
        return Array(SHA256.digest((try? StageJSON.encode(content)) ?? []).prefix(SpanRecordFormat.identityRange.count))
    }
}

/// A partition file a part was built from, as its header and content say.
public struct PartSource: Codable, Equatable, Sendable {
    /// Its name.
    public var file: String
    /// The identity of the partition run that wrote it (`PartitionManifest.run`).
    public var run: String
    /// The partition it holds, of `partitions`.
    public var partition: Int
    public var partitions: Int
    /// The spans read from it.
    public var spans: Int

    public init(file: String, run: String, partition: Int, partitions: Int, spans: Int) {
        (self.file, self.run, self.partition, self.partitions, self.spans) = (file, run, partition, partitions, spans)
    }
}

/// One input the partition stage read, or skipped.
public struct InputRecord: Codable, Equatable, Sendable {
    public var path: String
    public var bytes: Int
    public var spans: Int
    public var format: String
    /// Why it was skipped; absent when it was read.
    public var skipped: String?
    /// What was dropped or repaired while reading it; absent when nothing was.
    public var issues: [Issue]?

    /// A reason records were dropped or repaired (`RecordIssues.Reason`).
    public struct Issue: Codable, Equatable, Sendable {
        public var action: String
        public var problem: String
        public var dropsRecord: Bool
        public var count: Int
        public var firstPlace: String
    }

    public init(_ input: ReportBuilder.Input) {
        (path, bytes, spans, format, skipped) = (input.path, input.byteCount, input.spanCount, input.format, input.problem)
        issues =
            input.issues.isEmpty
            ? nil
            : input.issues.reasons.map {
                Issue(action: $0.action, problem: $0.problem, dropsRecord: $0.dropsRecord, count: $0.count, firstPlace: $0.firstPlace)
            }
    }

    public var input: ReportBuilder.Input {
        let reasons = (issues ?? []).map {
            RecordIssues.Reason(
                action: $0.action, problem: $0.problem, dropsRecord: $0.dropsRecord, count: max(0, $0.count), firstPlace: $0.firstPlace)
        }
        return ReportBuilder.Input(
            path: path, byteCount: bytes, spanCount: spans, format: format, problem: skipped, issues: RecordIssues(reasons: reasons))
    }
}

/// What decides a report's content, given to `build` and carried to `merge` in every part:
/// parts built with different settings are refused, as their pages would not fit together.
public struct BuildSettings: Codable, Equatable, Sendable {
    public var title = ReportBuilder.defaultTitle
    /// An IANA zone name.
    public var timeZone = "UTC"
    public var rowBudget = ReportBuilder.defaultRowBudget
    public var keyAttributes = InstrumentationHealth.defaultKeyAttributes
    /// What counts as a pattern that wastes time.
    public var wastePatterns = WastePatterns.Thresholds()
    /// The timeline's bucket size asked for (`--bucket`), or nil for sizes chosen from the input.
    public var bucketNano: UInt64?
    /// The attribute whose shared values join traces into workflows (`--join-attribute`).
    public var joinAttribute: String?
    /// Which traces get a page (`requested` is not kept: see `traceIDs`).
    public var selection = TraceSelection.Policy()
    /// `--trace-id` values, resolved against every trace at merge.
    public var traceIDs: [String] = []
    public var assembly = Assembly()
    /// `TemplateSet.fingerprint` of the templates the pages were drawn with.
    public var templates = ""

    /// `AssemblyOptions`.
    public struct Assembly: Codable, Equatable, Sendable {
        public var adjustClockSkew = true
        public var maximumClockSkewNano: UInt64 = 60_000_000_000
        public var maximumSpansPerTrace = 2_000_000

        public init() {}

        public var options: AssemblyOptions {
            AssemblyOptions(
                adjustClockSkew: adjustClockSkew, maximumClockSkewNano: maximumClockSkewNano, maximumSpansPerTrace: maximumSpansPerTrace)
        }
    }

    public init() {}

    /// How times are shown.
    public var time: TimeDisplay { TimeDisplay(identifier: timeZone) ?? .utc }
}

/// `part.json`, in a build folder: the report on one partition's traces, and where their pages
/// and spans are.
public struct PartSummary: Codable, Sendable {
    public static let fileName = "part.json"
    public static let schemaName = "tracereport-part"
    public static let currentVersion = 2
    /// The spans of every trace, as read, one chunk per few traces.
    public static let storeName = "traces.trspans"

    public var schema = PartSummary.schemaName
    public var version = PartSummary.currentVersion
    public var settings: BuildSettings
    /// The partition files read.
    public var sources: [PartSource]
    public var report: PartialReport
    /// For each trace of `report`, the offset in the store of the chunk holding its spans; empty
    /// when every trace's page was drawn.
    public var storeChunks: [UInt64]
    /// The traces whose pages were drawn, by id.
    public var drawn: [String]

    public init(settings: BuildSettings, sources: [PartSource], report: PartialReport, storeChunks: [UInt64], drawn: [String]) {
        self.settings = settings
        self.sources = sources
        self.report = report
        self.storeChunks = storeChunks
        self.drawn = drawn
    }
}

/// Reading and writing the stages' JSON files.
enum StageJSON {
    /// What every file of the stages begins with.
    private struct Header: Decodable {
        var schema: String
        var version: Int
    }

    /// `value` as JSON: sorted keys, so the same content gives the same bytes.
    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    /// How every file of the stages begins: its checksum, the CRC-32C of the file without this
    /// member (`{` and the rest), 8 hex digits.
    private static let checksumMember = (start: Array(#"{"checksum":"crc32c:"#.utf8), end: Array(#"","#.utf8), digits: 8)

    /// Writes `value` as JSON to `name` in `staging`, its checksum first.
    static func write(_ value: some Encodable, to name: String, in staging: SiteStaging) throws(ReportError) {
        var bytes: [UInt8]
        do {
            bytes = try encode(value)
        } catch {
            throw .output(path: name, message: "cannot encode: \(error)")
        }
        bytes.append(UInt8(ascii: "\n"))
        let member = checksumMember.start + digits(of: CRC32C.checksum(bytes)) + checksumMember.end
        try staging.write(String(decoding: member + bytes.dropFirst(), as: UTF8.self), to: name)
    }

    /// `checksum` as 8 lower-case hex digits.
    private static func digits(of checksum: UInt32) -> [UInt8] {
        Array(HexDigits.format(UInt64(checksum)).utf8.suffix(checksumMember.digits))
    }

    /// Whether the file begins with the checksum member, exactly as `write` writes it, of the rest.
    private static func verified(_ bytes: Data) -> Bool {
        let (start, end, count) = checksumMember
        let length = start.count + count + end.count
        guard bytes.count > length, bytes.starts(with: start), bytes.dropFirst(start.count + count).starts(with: end) else { return false }
        // The checksum of `{` and the rest, without copying the rest.
        let rest = bytes.dropFirst(length).withUnsafeBytes { CRC32C.checksum($0, continuing: CRC32C.checksum([UInt8(ascii: "{")])) }
        return bytes.dropFirst(start.count).prefix(count).elementsEqual(digits(of: rest))
    }

    /// Reads a file of the stages, checking its schema and version first.
    static func read<Value: Decodable>(
        _ type: Value.Type, from url: URL, schema: String, version: Int, userInfo: [CodingUserInfoKey: any Sendable] = [:]
    ) throws(ReportError) -> Value {
        let bytes: Data
        do {
            bytes = Data(try Paths.contents(of: url.path))
        } catch {
            throw .input(path: url.path, message: "cannot read (\(error))")
        }
        guard let header = try? JSONDecoder().decode(Header.self, from: bytes), header.schema == schema else {
            throw .input(path: url.path, message: "not a \(schema) file")
        }
        guard header.version == version else {
            throw .input(path: url.path, message: "\(schema) version \(header.version); this tracereport reads version \(version)")
        }
        guard verified(bytes) else {
            throw .input(path: url.path, message: "does not match its checksum: the file is damaged (write it again with the same stage)")
        }
        do {
            let decoder = JSONDecoder()
            decoder.userInfo = userInfo
            return try decoder.decode(type, from: bytes)
        } catch {
            throw .input(path: url.path, message: "damaged \(schema) file: \(describe(error))")
        }
    }

    /// A decoding error in a sentence: what was wrong, and where.
    static func describe(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case DecodingError.dataCorrupted(let context): return "\(context.debugDescription) at \(path(context.codingPath))"
        case DecodingError.keyNotFound(let key, let context): return "\(key.stringValue) missing at \(path(context.codingPath))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "\(context.debugDescription) at \(path(context.codingPath))"
        default: return "\(error)"
        }
    }
}

extension BuildSettings {
    /// The site's options with what the settings decide: title, time zone, key attributes, waste
    /// thresholds, bucket size, join attribute and selection (`requested` being the traces `traceIDs` name).
    public func reportOptions(site: ReportBuilder.Options, requested: Set<TraceID>) -> ReportBuilder.Options {
        var options = site
        options.title = title
        options.time = time
        options.keyAttributes = keyAttributes
        options.wasteThresholds = wastePatterns
        options.buckets = BucketGrid(requestedNano: bucketNano)
        options.joinAttribute = joinAttribute
        options.selection = selection
        options.selection.requested = requested
        return options
    }
}
