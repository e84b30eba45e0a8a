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
    public init(paths: [String], format: InputFormat? = nil) {
        let reader = SpanFileReader(format: format)
        for path in paths {
            do {
                let summary = try reader.read(path, into: &spans)
                outcomes.append(Outcome(path: path, summary: summary, error: nil))
            } catch {
                outcomes.append(Outcome(path: path, summary: nil, error: error))
            }
        }
    }

    /// The inputs that could not be read.
    public var failures: [ImportError] { outcomes.compactMap(\.error) }
}
