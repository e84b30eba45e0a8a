internal import CLibXML2
import Synchronization

/// Validates SVG documents against a RELAX NG grammar with libxml2: no network access, no entity
/// expansion, no DTDs. With the bundled grammar (`Schemas/svg-subset.rng`, the grammar of record)
/// it is the oracle that `SVGValidator`'s faster check is tested against.
///
/// The grammar is compiled once; each document gets a fresh validation context. The grammar is
/// reached only under its lock, as libxml2 does not promise that a compiled grammar may be
/// shared by threads validating at once.
public final class RelaxNGValidator: SVGValidating, Sendable {
    /// The grammar the project's charts follow, embedded at build time.
    public static var bundledSchema: String { EmbeddedFiles.contents["svg-subset.rng"]! }

    /// A validator for the bundled grammar, compiled on first use.
    public static let bundled: RelaxNGValidator = {
        do {
            return try RelaxNGValidator(schema: bundledSchema)
        } catch {
            fatalError("the bundled SVG schema does not compile: \(error)")
        }
    }()

    private let grammar: Mutex<Grammar>

    /// The compiled grammar: a C pointer, used only under the lock that holds it.
    private struct Grammar: @unchecked Sendable {
        let pointer: xmlRelaxNGPtr
    }

    /// Compiles a RELAX NG grammar.
    /// - Throws: `SVGValidationError` with libxml2's messages when the grammar is invalid.
    public init(schema text: String) throws(SVGValidationError) {
        let collector = MessageCollector()
        let bytes = Array(text.utf8)
        let compiled: xmlRelaxNGPtr? = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                guard let parser = xmlRelaxNGNewMemParserCtxt(chars.baseAddress, Int32(chars.count)) else { return nil }
                defer { xmlRelaxNGFreeParserCtxt(parser) }
                collector.withContext { context in
                    xmlRelaxNGSetParserStructuredErrors(parser, collectMessage, context)
                }
                return xmlRelaxNGParse(parser)
            }
        }
        guard let compiled else {
            throw SVGValidationError(messages: collector.messages.isEmpty ? ["invalid RELAX NG grammar"] : collector.messages)
        }
        grammar = Mutex(Grammar(pointer: compiled))
    }

    deinit {
        grammar.withLock { xmlRelaxNGFree($0.pointer) }
    }

    /// Parses `svg` and validates it against the grammar.
    /// - Throws: `SVGValidationError` carrying libxml2's parse or validation messages.
    public func validate(_ svg: String) throws(SVGValidationError) {
        let collector = MessageCollector()
        let valid: Bool = grammar.withLock { grammar in
            var bytes = Array(svg.utf8)
            return bytes.withUnsafeMutableBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { chars in
                    Self.validate(chars, against: grammar.pointer, collector: collector)
                }
            }
        }
        if !valid {
            throw SVGValidationError(messages: collector.messages.isEmpty ? ["document is not valid"] : collector.messages)
        }
    }

    private static func validate(_ chars: UnsafeMutableBufferPointer<CChar>, against grammar: xmlRelaxNGPtr, collector: MessageCollector)
        -> Bool
    {
        guard let parser = xmlNewParserCtxt() else {
            collector.messages.append("libxml2 could not allocate a parser")
            return false
        }
        defer { xmlFreeParserCtxt(parser) }
        // No network, no entity substitution, no DTD loading; errors are collected, not printed.
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        guard let document = xmlCtxtReadMemory(parser, chars.baseAddress, Int32(chars.count), "chart.svg", "UTF-8", options) else {
            if let error = xmlCtxtGetLastError(parser) {
                collector.messages.append(MessageCollector.describe(error))
            } else {
                collector.messages.append("not well-formed XML")
            }
            return false
        }
        defer { xmlFreeDoc(document) }
        if document.pointee.intSubset != nil {
            collector.messages.append("chart.svg: a DOCTYPE is not allowed in a chart")
            return false
        }
        guard let context = xmlRelaxNGNewValidCtxt(grammar) else {
            collector.messages.append("libxml2 could not allocate a validation context")
            return false
        }
        defer { xmlRelaxNGFreeValidCtxt(context) }
        collector.withContext { userData in
            xmlRelaxNGSetValidStructuredErrors(context, collectMessage, userData)
        }
        return xmlRelaxNGValidateDoc(context, document) == 0
    }
}
