/// `Schemas/svg-subset.rng` written as code, for `SVGValidator`'s streaming check: which elements
/// may hold which, which attributes each may carry, and what their values must look like.
///
/// It accepts no document the RELAX NG grammar rejects (`ValidatorAgreementTests` runs both on
/// generated charts and on thousands of broken ones). Where it differs it is stricter: NCNames and
/// numbers are ASCII, and a decimal keeps at most 24 significant digits counting fraction zeros.
enum SVGGrammar {
    /// The SVG elements a chart may contain.
    enum Element: UInt8 {
        case svg, g, a, rect, line, path, text, title

        /// The element named by the bytes of an unprefixed local name, if the grammar has it.
        init?(name: UnsafeBufferPointer<UInt8>) {
            switch name.count {
            case 1:
                switch name[0] {
                case UInt8(ascii: "g"): self = .g
                case UInt8(ascii: "a"): self = .a
                default: return nil
                }
            case 3 where SVGGrammar.equal(name, "svg"): self = .svg
            case 4:
                if SVGGrammar.equal(name, "rect") {
                    self = .rect
                } else if SVGGrammar.equal(name, "line") {
                    self = .line
                } else if SVGGrammar.equal(name, "path") {
                    self = .path
                } else if SVGGrammar.equal(name, "text") {
                    self = .text
                } else {
                    return nil
                }
            case 5 where SVGGrammar.equal(name, "title"): self = .title
            default: return nil
            }
        }

        var name: String {
            switch self {
            case .svg: "svg"
            case .g: "g"
            case .a: "a"
            case .rect: "rect"
            case .line: "line"
            case .path: "path"
            case .text: "text"
            case .title: "title"
            }
        }

        /// Whether the element may hold text other than whitespace.
        var holdsText: Bool { self == .text || self == .title }

        /// Whether `child` may come next in this element, given whether a child came before it.
        /// A title is allowed only as the first child of `svg`, `g` and `rect`.
        func allows(_ child: Element, afterOtherChildren: Bool) -> Bool {
            switch self {
            case .svg, .g:
                child == .title ? !afterOtherChildren : child.isGraphic
            case .a: child.isGraphic
            case .rect: child == .title && !afterOtherChildren
            case .line, .path, .text, .title: false
            }
        }

        private var isGraphic: Bool {
            switch self {
            case .g, .rect, .line, .path, .text, .a: true
            case .svg, .title: false
            }
        }

        /// The attributes this element may carry.
        var allowed: Attribute.Set {
            switch self {
            case .svg:
                [.class, .role, .ariaLabel, .dataRh, .dataLeft, .dataWidth, .dataNs, .width, .height, .viewBox]
            case .a: [.href]
            case .g: [.class, .id, .dataD, .dataS]
            case .rect: [.class, .x, .y, .width, .height, .rx]
            case .line: [.class, .x1, .y1, .x2, .y2]
            case .path: [.class, .d]
            case .text: [.class, .x, .y, .textAnchor]
            case .title: []
            }
        }

        /// The attributes this element must carry.
        var required: Attribute.Set {
            switch self {
            case .svg: [.width, .height, .viewBox]
            case .a: [.href]
            case .rect: [.x, .y, .width, .height]
            case .line: [.x1, .y1, .x2, .y2]
            case .path: [.d]
            case .text: [.x, .y]
            case .g, .title: []
            }
        }
    }

    /// The attributes of the grammar, each with one kind of value wherever it appears.
    enum Attribute: UInt8, CaseIterable {
        case `class`, role, ariaLabel, dataRh, dataLeft, dataWidth, dataNs, width, height, viewBox
        case href, id, dataD, dataS, x, y, rx, d, x1, y1, x2, y2, textAnchor

        /// A set of attributes as bits.
        struct Set: OptionSet {
            let rawValue: UInt32
            static let `class` = Set(.class)
            static let role = Set(.role)
            static let ariaLabel = Set(.ariaLabel)
            static let dataRh = Set(.dataRh)
            static let dataLeft = Set(.dataLeft)
            static let dataWidth = Set(.dataWidth)
            static let dataNs = Set(.dataNs)
            static let width = Set(.width)
            static let height = Set(.height)
            static let viewBox = Set(.viewBox)
            static let href = Set(.href)
            static let id = Set(.id)
            static let dataD = Set(.dataD)
            static let dataS = Set(.dataS)
            static let x = Set(.x)
            static let y = Set(.y)
            static let rx = Set(.rx)
            static let d = Set(.d)
            static let x1 = Set(.x1)
            static let y1 = Set(.y1)
            static let x2 = Set(.x2)
            static let y2 = Set(.y2)
            static let textAnchor = Set(.textAnchor)

            init(rawValue: UInt32) { self.rawValue = rawValue }
            init(_ attribute: Attribute) { rawValue = 1 << attribute.rawValue }
        }

        /// The spelling in a document.
        var name: String { spelling.description }

        var spelling: StaticString {
            switch self {
            case .class: "class"
            case .role: "role"
            case .ariaLabel: "aria-label"
            case .dataRh: "data-rh"
            case .dataLeft: "data-left"
            case .dataWidth: "data-width"
            case .dataNs: "data-ns"
            case .width: "width"
            case .height: "height"
            case .viewBox: "viewBox"
            case .href: "href"
            case .id: "id"
            case .dataD: "data-d"
            case .dataS: "data-s"
            case .x: "x"
            case .y: "y"
            case .rx: "rx"
            case .d: "d"
            case .x1: "x1"
            case .y1: "y1"
            case .x2: "x2"
            case .y2: "y2"
            case .textAnchor: "text-anchor"
            }
        }

        /// The attribute named by the bytes of an unprefixed local name, if the grammar has it:
        /// the length and one or two bytes pick the only candidate, which is then compared whole.
        init?(name: UnsafeBufferPointer<UInt8>) {
            guard let first = name.first, let last = name.last else { return nil }
            let candidate: Attribute?
            switch (name.count, first) {
            case (1, UInt8(ascii: "x")): candidate = .x
            case (1, UInt8(ascii: "y")): candidate = .y
            case (1, UInt8(ascii: "d")): candidate = .d
            case (2, UInt8(ascii: "i")): candidate = .id
            case (2, UInt8(ascii: "r")): candidate = .rx
            case (2, UInt8(ascii: "x")): candidate = last == UInt8(ascii: "1") ? .x1 : .x2
            case (2, UInt8(ascii: "y")): candidate = last == UInt8(ascii: "1") ? .y1 : .y2
            case (4, UInt8(ascii: "r")): candidate = .role
            case (4, UInt8(ascii: "h")): candidate = .href
            case (5, UInt8(ascii: "c")): candidate = .class
            case (5, UInt8(ascii: "w")): candidate = .width
            case (6, UInt8(ascii: "h")): candidate = .height
            case (6, UInt8(ascii: "d")): candidate = last == UInt8(ascii: "d") ? .dataD : .dataS
            case (7, UInt8(ascii: "d")): candidate = last == UInt8(ascii: "h") ? .dataRh : .dataNs
            case (7, UInt8(ascii: "v")): candidate = .viewBox
            case (9, UInt8(ascii: "d")): candidate = .dataLeft
            case (10, UInt8(ascii: "a")): candidate = .ariaLabel
            case (10, UInt8(ascii: "d")): candidate = .dataWidth
            case (11, UInt8(ascii: "t")): candidate = .textAnchor
            default: candidate = nil
            }
            guard let candidate, SVGGrammar.equal(name, candidate.spelling) else { return nil }
            self = candidate
        }

        /// Whether `value` is a valid value of this attribute; the reason if it is not.
        func check(_ value: UnsafeBufferPointer<UInt8>) -> String? {
            let valid: Bool
            switch self {
            case .x, .y, .x1, .y1, .x2, .y2: valid = SVGGrammar.isDecimal(SVGGrammar.trimmed(value), nonNegative: false)
            case .width, .height, .rx, .dataRh, .dataLeft, .dataWidth:
                valid = SVGGrammar.isDecimal(SVGGrammar.trimmed(value), nonNegative: true)
            case .dataNs, .dataD: valid = SVGGrammar.isNonNegativeInteger(SVGGrammar.trimmed(value))
            case .class: valid = SVGGrammar.tokens(of: value, atLeastOne: true) { SVGGrammar.isNCName($0) }
            case .id: valid = SVGGrammar.isNCName(SVGGrammar.trimmed(value))
            case .ariaLabel: valid = true
            case .role: valid = SVGGrammar.isOne(of: "img", "figure", in: SVGGrammar.trimmed(value))
            case .textAnchor: valid = SVGGrammar.isOne(of: "start", "middle", "end", in: SVGGrammar.trimmed(value))
            case .viewBox: valid = SVGGrammar.isViewBox(value)
            case .d: valid = SVGGrammar.isPathData(value)
            case .dataS: valid = value.count == 16 && value.allSatisfy(SVGGrammar.isLowerHex)
            case .href: valid = SVGGrammar.isTraceLink(value)
            }
            return valid ? nil : "attribute \(name): '\(String(decoding: value, as: UTF8.self))' is not a valid value"
        }
    }

    // MARK: Datatypes, over the bytes of a value

    /// Whether `bytes` spell `text` (compared byte by byte, with no String made).
    static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
        guard bytes.count == text.utf8CodeUnitCount else { return false }
        let spelling = text.utf8Start
        for index in 0..<bytes.count where bytes[index] != spelling[index] { return false }
        return true
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D }

    /// `value` without leading and trailing XML whitespace (the datatypes' whitespace collapse).
    static func trimmed(_ value: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0
        var end = value.count
        while start < end, isSpace(value[start]) { start += 1 }
        while end > start, isSpace(value[end - 1]) { end -= 1 }
        return UnsafeBufferPointer(rebasing: value[start..<end])
    }

    /// Whether every whitespace-separated token of `value` passes `body`, and there is one when
    /// `atLeastOne`.
    static func tokens(
        of value: UnsafeBufferPointer<UInt8>, atLeastOne: Bool, _ body: (UnsafeBufferPointer<UInt8>) -> Bool
    ) -> Bool {
        var count = 0
        var index = 0
        while index < value.count {
            while index < value.count, isSpace(value[index]) { index += 1 }
            let start = index
            while index < value.count, !isSpace(value[index]) { index += 1 }
            if index > start {
                guard body(UnsafeBufferPointer(rebasing: value[start..<index])) else { return false }
                count += 1
            }
        }
        return count > 0 || !atLeastOne
    }

    /// xsd:decimal (`[+-]?(digits(.digits?)?|.digits)`) with at most 24 significant digits, as
    /// libxml2 counts them; `nonNegative` adds the grammar's `minInclusive 0` (so "-0" passes).
    static func isDecimal(_ text: UnsafeBufferPointer<UInt8>, nonNegative: Bool) -> Bool {
        var index = 0
        var negative = false
        if index < text.count, text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-") {
            negative = text[index] == UInt8(ascii: "-")
            index += 1
        }
        var integerDigits = 0
        var significant = 0
        var nonZero = false
        while index < text.count, isDigit(text[index]) {
            if text[index] != UInt8(ascii: "0") { nonZero = true }
            if nonZero { significant += 1 }
            integerDigits += 1
            index += 1
        }
        var fractionDigits = 0
        if index < text.count, text[index] == UInt8(ascii: ".") {
            index += 1
            while index < text.count, isDigit(text[index]) {
                if text[index] != UInt8(ascii: "0") { nonZero = true }
                fractionDigits += 1
                index += 1
            }
        }
        guard index == text.count, integerDigits + fractionDigits > 0, significant + fractionDigits <= 24 else { return false }
        return !(nonNegative && negative && nonZero)
    }

    /// xsd:nonNegativeInteger: ASCII digits after an optional "+", or zeros after "-"; at most 24
    /// digits.
    static func isNonNegativeInteger(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        let sign = text.first.flatMap { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") ? $0 : nil }
        let digits = sign == nil ? text : UnsafeBufferPointer(rebasing: text.dropFirst())
        guard !digits.isEmpty, digits.count <= 24, digits.allSatisfy(isDigit) else { return false }
        return sign != UInt8(ascii: "-") || digits.allSatisfy { $0 == UInt8(ascii: "0") }
    }

    /// An ASCII NCName: a letter or "_", then letters, digits, ".", "-" or "_".
    static func isNCName(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = text.first, isLetter(first) || first == UInt8(ascii: "_") else { return false }
        return text.dropFirst().allSatisfy {
            isLetter($0) || isDigit($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
        }
    }

    static func isOne(of choices: StaticString..., in text: UnsafeBufferPointer<UInt8>) -> Bool {
        choices.contains { equal(text, $0) }
    }

    /// Four numbers: x and y, then a width and a height that are not negative.
    static func isViewBox(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        var position = 0
        let valid = tokens(of: value, atLeastOne: true) { token in
            position += 1
            return position <= 4 && isDecimal(token, nonNegative: position > 2)
        }
        return valid && position == 4
    }

    /// Path data of M, L, C and Z commands and decimals, each a token of its own.
    static func isPathData(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        tokens(of: value, atLeastOne: true) { token in
            if token.count == 1 {
                switch token[0] {
                case UInt8(ascii: "M"), UInt8(ascii: "L"), UInt8(ascii: "C"), UInt8(ascii: "Z"): return true
                default: break
                }
            }
            return isDecimal(token, nonNegative: false)
        }
    }

    /// `traces/` + 32 lowercase hex digits + `.html`: a link to a trace page of the site.
    static func isTraceLink(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard value.count == 7 + 32 + 5 else { return false }
        return equal(UnsafeBufferPointer(rebasing: value[0..<7]), "traces/")
            && value[7..<39].allSatisfy(isLowerHex)
            && equal(UnsafeBufferPointer(rebasing: value[39...]), ".html")
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }
    static func isLowerHex(_ byte: UInt8) -> Bool { isDigit(byte) || byte &- UInt8(ascii: "a") < 6 }
    static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) &- UInt8(ascii: "a") < 26 }
}
