internal import CLibXML2

/// Validates the charts the project draws, before they are written: libxml2 parses each document
/// with its SAX2 interface (well-formedness, no DTD, no entities, no network) and every element,
/// attribute and text event is checked against `SVGGrammar`, the grammar of
/// `Schemas/svg-subset.rng` written as code. No tree is built, which makes it about five times as
/// fast as RELAX NG validation of a parsed document (`RelaxNGValidator`), the oracle it is tested
/// against.
///
/// Each call has a parser of its own, so any number of threads may validate at once.
public struct SVGValidator: SVGValidating {
    public init() {
        _ = SVGValidator.libraryReady
    }

    /// libxml2 asks multi-threaded programs to initialise it once before any parse.
    private static let libraryReady: Void = xmlInitParser()

    /// Parses `svg` and checks it against the grammar.
    /// - Throws: `SVGValidationError` with libxml2's parse messages or the first grammar error,
    ///   each naming the line ("chart.svg:3: element rect: attribute x: 'NaN' is not a valid value").
    public func validate(_ svg: String) throws(SVGValidationError) {
        var text = svg
        let checker = ChartChecker()
        let parsed = text.withUTF8 { bytes in checker.parse(bytes) }
        if !parsed || !checker.messages.isEmpty {
            throw SVGValidationError(messages: checker.messages.isEmpty ? ["document is not valid"] : checker.messages)
        }
    }
}

/// The state of one validation: the open elements, and the messages so far (libxml2's too).
private final class ChartChecker: MessageCollector {
    /// An open element, and whether a child element came in it yet.
    struct Frame {
        let element: SVGGrammar.Element
        var hadChild = false
    }

    // Read and written only by the one thread that parses: no dynamic exclusivity checks
    // (they cost more than the grammar's checks themselves).
    @exclusivity(unchecked) var stack: [Frame] = []
    @exclusivity(unchecked) private var parser: xmlParserCtxtPtr?
    /// The namespace name libxml2 interned for this document, once it matched the SVG one.
    @exclusivity(unchecked) private var svgNamespace: UnsafePointer<xmlChar>?

    override init() {
        super.init()
        stack.reserveCapacity(16)
    }

    /// Parses the document; false when libxml2 could not run or found it not well-formed.
    func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var handler = xmlSAXHandler()
        handler.initialized = XML_SAX2_MAGIC
        handler.startElementNs = startElement
        handler.endElementNs = endElement
        handler.characters = characters
        handler.cdataBlock = characters
        handler.ignorableWhitespace = characters
        handler.internalSubset = doctype
        handler.serror = collectMessage
        let context = Unmanaged.passUnretained(self).toOpaque()
        guard let parser = xmlCreatePushParserCtxt(&handler, context, nil, 0, "chart.svg") else {
            messages.append("libxml2 could not allocate a parser")
            return false
        }
        self.parser = parser
        defer {
            self.parser = nil
            xmlFreeParserCtxt(parser)
        }
        // UTF-8 whatever the document declares; no network, no entity substitution, no DTD loading.
        xmlCtxtResetPush(parser, nil, 0, "chart.svg", "UTF-8")
        _ = xmlCtxtUseOptions(parser, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue))
        let chars = UnsafeRawPointer(bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!).assumingMemoryBound(to: CChar.self)
        let status = xmlParseChunk(parser, chars, Int32(bytes.count), 1)
        return status == 0 && parser.pointee.wellFormed == 1
    }

    /// Records a grammar error at the parser's line and stops the parse.
    func fail(_ element: String?, _ message: String) {
        let line = parser.map { Int($0.pointee.input?.pointee.line ?? 0) } ?? 0
        let place = line > 0 ? "chart.svg:\(line):" : "chart.svg:"
        messages.append("\(place) " + (element.map { "element \($0): " } ?? "") + message)
        if let parser { xmlStopParser(parser) }
    }

    func opened(
        _ name: UnsafePointer<xmlChar>, namespace: UnsafePointer<xmlChar>?, attributeCount: Int,
        attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    ) {
        guard isSVGNamespace(namespace), let element = SVGGrammar.Element(name: shortName(name)) else {
            return fail(String(cString: name), "not allowed in a chart")
        }
        if let parent = stack.last {
            guard parent.element.allows(element, afterOtherChildren: parent.hadChild) else {
                return fail(element.name, "not allowed here (in \(parent.element.name))")
            }
            stack[stack.count - 1].hadChild = true
        } else if element != .svg {
            return fail(element.name, "a chart's root must be svg")
        }
        var seen: SVGGrammar.Attribute.Set = []
        let allowed = element.allowed
        for index in 0..<attributeCount {
            // libxml2 passes five pointers an attribute: local name, prefix, namespace, value, end.
            guard let fields = attributes?.advanced(by: 5 * index), let localName = fields[0],
                let value = fields[3], let end = fields[4]
            else { return fail(element.name, "unreadable attribute") }
            guard fields[2] == nil, let attribute = SVGGrammar.Attribute(name: shortName(localName)),
                allowed.contains(SVGGrammar.Attribute.Set(attribute))
            else {
                return fail(element.name, "attribute \(String(cString: localName)) is not allowed")
            }
            if let problem = attribute.check(UnsafeBufferPointer(start: value, count: end - value)) {
                return fail(element.name, problem)
            }
            seen.insert(SVGGrammar.Attribute.Set(attribute))
        }
        let missing = element.required.subtracting(seen)
        if !missing.isEmpty {
            let names = SVGGrammar.Attribute.allCases.filter { missing.contains(SVGGrammar.Attribute.Set($0)) }.map(\.name)
            return fail(element.name, "missing attribute " + names.joined(separator: ", "))
        }
        stack.append(Frame(element: element))
    }

    func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let open = stack.last, !open.element.holdsText else { return }
        if !bytes.allSatisfy(SVGGrammar.isSpace) {
            fail(open.element.name, "text is not allowed here")
        }
    }

    private func isSVGNamespace(_ namespace: UnsafePointer<xmlChar>?) -> Bool {
        guard let namespace else { return false }
        if namespace == svgNamespace { return true }
        guard xmlStrEqual(namespace, "http://www.w3.org/2000/svg") == 1 else { return false }
        svgNamespace = namespace
        return true
    }

    /// Runs `body` with the checker behind libxml2's `userData`, which `parse` keeps alive:
    /// borrowed, not retained, as callbacks come for every element and text.
    static func with(_ context: UnsafeMutableRawPointer?, _ body: (ChartChecker) -> Void) {
        guard let context else { return }
        Unmanaged<ChartChecker>.fromOpaque(context)._withUnsafeGuaranteedRef(body)
    }
}

/// The bytes of a NUL-terminated name, or of its first 12 bytes when it is longer: no name of
/// the grammar is that long, so the name is then simply not found (and no time is spent on it).
private func shortName(_ name: UnsafePointer<xmlChar>) -> UnsafeBufferPointer<UInt8> {
    var count = 0
    while count < 12, name[count] != 0 { count += 1 }
    return UnsafeBufferPointer(start: name, count: count)
}

private let startElement: startElementNsSAX2Func = { context, name, _, namespace, _, _, attributeCount, _, attributes in
    guard let name else { return }
    ChartChecker.with(context) { $0.opened(name, namespace: namespace, attributeCount: Int(attributeCount), attributes: attributes) }
}

private let endElement: endElementNsSAX2Func = { context, _, _, _ in
    ChartChecker.with(context) { _ = $0.stack.popLast() }
}

private let characters: charactersSAXFunc = { context, bytes, count in
    guard let bytes else { return }
    ChartChecker.with(context) { $0.text(UnsafeBufferPointer(start: bytes, count: Int(count))) }
}

private let doctype: internalSubsetSAXFunc = { context, _, _, _ in
    ChartChecker.with(context) { $0.fail(nil, "a DOCTYPE is not allowed in a chart") }
}
