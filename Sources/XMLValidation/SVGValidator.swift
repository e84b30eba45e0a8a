internal import CLibXML2
import Synchronization

/// Why a document failed validation: libxml2's own messages, with line numbers.
public struct SVGValidationError: Error, CustomStringConvertible, Sendable {
    public let messages: [String]

    public var description: String { messages.joined(separator: "\n") }
}

/// Validates SVG documents against the project's RELAX NG grammar (`Schemas/svg-subset.rng`)
/// with libxml2: no network access, no entity expansion, no DTDs.
///
/// The grammar is compiled once; each document gets a fresh validation context. Validation is
/// serialised with a lock, as libxml2 does not promise that a compiled grammar may be shared by
/// threads validating at once.
public final class SVGValidator: @unchecked Sendable {
    /// The grammar the project's charts follow, embedded at build time.
    public static var bundledSchema: String { EmbeddedFiles.contents["svg-subset.rng"]! }

    /// A validator for the bundled grammar, compiled on first use.
    public static let shared: SVGValidator = {
        do {
            return try SVGValidator(schema: bundledSchema)
        } catch {
            fatalError("the bundled SVG schema does not compile: \(error)")
        }
    }()

    private let grammar: xmlRelaxNGPtr
    private let lock = Mutex(())
    /// The grammar's text, to compile another validator from (one per thread).
    public let schema: String

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
        grammar = compiled
        schema = text
    }

    deinit {
        xmlRelaxNGFree(grammar)
    }

    /// Parses `svg` and validates it against the grammar.
    /// - Throws: `SVGValidationError` carrying libxml2's parse or validation messages.
    public func validate(_ svg: String) throws(SVGValidationError) {
        let collector = MessageCollector()
        let valid: Bool = lock.withLock { _ in
            var bytes = Array(svg.utf8)
            return bytes.withUnsafeMutableBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { chars in
                    validate(chars, collector: collector)
                }
            }
        }
        if !valid {
            throw SVGValidationError(messages: collector.messages.isEmpty ? ["document is not valid"] : collector.messages)
        }
    }

    private func validate(_ chars: UnsafeMutableBufferPointer<CChar>, collector: MessageCollector) -> Bool {
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

/// Gathers libxml2's structured errors for one operation.
private final class MessageCollector {
    var messages: [String] = []

    /// Runs `body` with an unretained pointer to this collector, for libxml2's `userData`.
    func withContext(_ body: (UnsafeMutableRawPointer) -> Void) {
        body(Unmanaged.passUnretained(self).toOpaque())
    }

    static func describe(_ error: UnsafePointer<xmlError>) -> String {
        let message = error.pointee.message.map { String(cString: $0) } ?? "unknown error"
        var text = Substring(message)
        while text.last?.isWhitespace == true { text.removeLast() }
        let file = error.pointee.file.map { String(cString: $0) } ?? "chart.svg"
        // Name the element, as xmllint does: "element rect: Type decimal doesn't allow value 'NaN'".
        var element = ""
        if let node = error.pointee.node?.assumingMemoryBound(to: xmlNode.self), let name = node.pointee.name {
            element = "element \(String(cString: name)): "
        }
        let line = error.pointee.line > 0 ? "\(error.pointee.line):" : ""
        return "\(file):\(line) \(element)\(text)"
    }
}

/// libxml2's structured error callback: appends the message to the collector in `userData`.
private let collectMessage: xmlStructuredErrorFunc = { userData, error in
    guard let userData, let error else { return }
    let collector = Unmanaged<MessageCollector>.fromOpaque(userData).takeUnretainedValue()
    collector.messages.append(MessageCollector.describe(error))
}
