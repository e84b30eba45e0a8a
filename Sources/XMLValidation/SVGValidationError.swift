/// Why a document failed validation: libxml2's own messages, with line numbers.
public struct SVGValidationError: Error, CustomStringConvertible, Sendable {
    public let messages: [String]

    public var description: String { messages.joined(separator: "\n") }
}

/// Something that checks a chart before it is written: `SVGValidator` on the hot path,
/// `RelaxNGValidator` for the grammar of record and for grammars of one's own.
public protocol SVGValidating: Sendable {
    /// Throws `SVGValidationError` when `svg` is not a valid chart.
    func validate(_ svg: String) throws(SVGValidationError)
}
