public import TraceModel

/// Reads many inputs, keeping going past the ones that fail: what each gave, and every span.
public struct InputSet: Sendable {
    /// What became of one input.
    public struct Outcome: Sendable {
        public var path: String
        /// What was read; nil when the input was skipped.
        public var summary: SpanFileReader.FileSummary?
        /// Why the input was skipped; nil when it was read.
        public var error: ImportError?
    }

    /// Every span read, in input order.
    public private(set) var spans: [Span] = []
    /// One outcome per input, in input order.
    public private(set) var outcomes: [Outcome] = []

    /// Reads `paths` (files or `-`), each as `format` or as recognised by its content. A failing
    /// input is recorded in `outcomes` and contributes no span; the others are read all the same.
    /// - Parameters:
    ///   - workers: how many threads may decode pieces of a large OTLP JSON lines file at once.
    ///   - strict: an input with a record that cannot be read as written fails whole.
    ///   - budget: how many bytes (decompressed) all the inputs may hold together; one that reads
    ///     past it ends the reading (see `exceededBudget`).
    ///   - progress: told after each input how many are done and how many bytes were read.
    /// - Parameter passedOver: what listing the folders passed over (see `InputFiles.Listing`),
    ///   recorded after the inputs as inputs that could not be read.
    public init(
        paths: [String], passedOver: [ImportError] = [], format: InputFormat? = nil, workers: Int = 1, strict: Bool = false,
        budget: Int? = nil, progress: ((_ done: Int, _ bytes: Int) -> Void)? = nil
    ) {
        defer { outcomes += passedOver.map { Outcome(path: $0.file, summary: nil, error: $0) } }
        let reader = SpanFileReader(
            format: format, workers: workers, strict: strict, memoryLimit: budget ?? SpanFileReader.defaultMemoryLimit,
            readBudget: budget.map(ReadBudget.init(bytes:)))
        var bytes = 0
        for path in paths {
            do {
                let summary = try reader.read(path, into: &spans)
                outcomes.append(Outcome(path: path, summary: summary, error: nil))
                bytes += summary.byteCount
            } catch {
                outcomes.append(Outcome(path: path, summary: nil, error: error))
                if error.exceedsMemoryBudget {
                    exceededBudget = error
                    return
                }
            }
            progress?(outcomes.count, bytes)
        }
    }

    /// The input that read past the budget, if one did: then the inputs after it were not read.
    public private(set) var exceededBudget: ImportError?

    /// Hands over every span read, leaving `spans` empty: the caller becomes the only owner, so
    /// that assembly can rearrange the spans without copying them.
    public mutating func takeSpans() -> [Span] {
        var taken: [Span] = []
        swap(&taken, &spans)
        return taken
    }

    /// How many spans were read from the inputs.
    public var spanCount: Int { outcomes.reduce(0) { $0 + ($1.summary?.spanCount ?? 0) } }

    /// The inputs that could not be read.
    public var failures: [ImportError] { outcomes.compactMap(\.error) }

    /// How many records were dropped from the inputs that were read.
    public var droppedRecords: Int { outcomes.lazy.map { $0.summary?.issues.dropped ?? 0 }.saturatingSum() }
}
