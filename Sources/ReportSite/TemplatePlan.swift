import Mustache
import Synchronization
import TraceCharts

/// A Mustache template rendered once per combination of its switches (the booleans its
/// sections test), with a marker in place of every value, then cut at the markers: a page or a
/// table row is then its text pieces with the values put between them, without the template's
/// lookups and casts (which cost a trace page more than all its tables, and a table row tens of
/// thousands of instructions).
///
/// It gives exactly what rendering gives when values are only inserted (`{{name}}`, escaped by
/// the template's content type, or `{{{name}}}`, as they are) and sections test only switches.
/// A name may have dots (`service.name`): the value is then a member of an object, as the
/// template's sections and partials see it. A marker the template escaped (`Markup.escape`
/// turns its noncharacters into U+FFFD) is filled with the value escaped the same way.
final class TemplatePlan: Sendable {
    /// A piece of a page: text of the template, or the value at an index of `valueNames`,
    /// inserted as it is or escaped for HTML.
    enum Piece: Sendable, Equatable {
        case text(String)
        case value(Int)
        case escapedValue(Int)
    }

    let valueNames: [String]
    let switchNames: [String]
    private let planned: Bool
    private let template: MustacheTemplate
    /// The partials the template may include.
    private let library: MustacheLibrary?
    /// Pieces per combination of switches (bit i set when switch i is on); nil for a
    /// combination whose rendering could not be cut (see `cut(_:)`).
    private let plans = Mutex<[Int: [Piece]?]>([:])

    /// - Parameter planned: false renders every page by Mustache (a template whose text holds
    ///   the markers' characters).
    init(template: MustacheTemplate, library: MustacheLibrary? = nil, valueNames: [String], switchNames: [String], planned: Bool = true) {
        precondition(switchNames.count < Int.bitWidth)
        self.planned = planned
        self.template = template
        self.library = library
        self.valueNames = valueNames
        self.switchNames = switchNames
    }

    /// The page for `values` (in the order of `valueNames`) and `switches` (of `switchNames`).
    func render(values: [String], switches: [Bool]) -> String {
        guard let pieces = pieces(switches: switches) else { return rendered(values: values, switches: switches) }
        var out = ""
        out.reserveCapacity(
            pieces.reduce(0) { total, piece in
                switch piece {
                case .text(let text): total + text.utf8.count
                case .value(let index), .escapedValue(let index): total + values[index].utf8.count
                }
            })
        Self.fill(pieces, with: values, into: &out)
        return out
    }

    /// Appends the page for `values` and `switches` to `out`.
    func append(values: [String], switches: [Bool], to out: inout String) {
        guard let pieces = pieces(switches: switches) else {
            out += rendered(values: values, switches: switches)
            return
        }
        Self.fill(pieces, with: values, into: &out)
    }

    /// The pieces for `switches`, planned on first use; nil when the page must be rendered by
    /// Mustache.
    func pieces(switches: [Bool]) -> [Piece]? {
        precondition(switches.count == switchNames.count)
        guard planned else { return nil }
        let key = Self.key(switches)
        return plans.withLock({ $0[key] }) ?? plan(for: key, switches: switches)
    }

    /// Bit i set when switch i is on.
    static func key(_ switches: [Bool]) -> Int {
        switches.enumerated().reduce(0) { $0 | ($1.element ? 1 << $1.offset : 0) }
    }

    /// Appends `pieces` with `values` put in.
    static func fill(_ pieces: [Piece], with values: [String], into out: inout String) {
        for piece in pieces {
            switch piece {
            case .text(let text): out += text
            case .value(let index): out += values[index]
            case .escapedValue(let index): out += Markup.escape(values[index])
            }
        }
    }

    /// The template rendered by Mustache with `values` and `switches`, as `append` gives it.
    func rendered(values: [String], switches: [Bool]) -> String {
        precondition(values.count == valueNames.count && switches.count == switchNames.count)
        return rendered(context(values: values, switches: switches))
    }

    /// Renders the template with markers for values, and cuts the result at them.
    private func plan(for key: Int, switches: [Bool]) -> [Piece]? {
        let markers = valueNames.indices.map(Self.marker)
        let pieces = Self.cut(rendered(context(values: markers, switches: switches)))
        plans.withLock { $0[key] = .some(pieces) }
        return pieces
    }

    private func rendered(_ context: [String: Any]) -> String {
        library.map { template.render(context, library: $0) } ?? template.render(context)
    }

    /// The values and switches as Mustache sees them: a dotted name a member of an object.
    private func context(values: [String], switches: [Bool]) -> [String: Any] {
        var context: [String: Any] = [:]
        for (name, value) in zip(valueNames, values) { Self.set(value, at: name[...], in: &context) }
        for (name, on) in zip(switchNames, switches) { Self.set(on, at: name[...], in: &context) }
        return context
    }

    private static func set(_ value: Any, at name: Substring, in object: inout [String: Any]) {
        guard let dot = name.firstIndex(of: ".") else {
            object[String(name)] = value
            return
        }
        let head = String(name[..<dot])
        var member = object[head] as? [String: Any] ?? [:]
        set(value, at: name[name.index(after: dot)...], in: &member)
        object[head] = member
    }

    /// Two noncharacters, the value's index and a noncharacter: what no template holds (a
    /// template that does is not planned, see `TemplateSet`).
    static func marker(_ index: Int) -> String { "\u{FFFF}\u{FFFE}\(index)\u{FFFF}" }

    /// Text and markers, in order; nil when a marker is cut in two (a value put where it was
    /// changed, not only inserted), so that the page is rendered by Mustache instead.
    static func cut(_ rendered: String) -> [Piece]? {
        var pieces: [Piece] = []
        var rest = Substring(rendered)
        while let open = rest.firstIndex(where: { $0 == "\u{FFFF}" || $0 == "\u{FFFD}" }) {
            let (close, escaped): (Character, Bool) = rest[open] == "\u{FFFF}" ? ("\u{FFFF}", false) : ("\u{FFFD}", true)
            let inner = rest[rest.index(after: open)...]
            // Characters: the escaped form's two noncharacters are two U+FFFD, one Character each.
            guard inner.first == (escaped ? "\u{FFFD}" : "\u{FFFE}"), let end = inner.dropFirst().firstIndex(of: close),
                let index = Int(inner[inner.index(after: inner.startIndex)..<end])
            else { return nil }
            if open > rest.startIndex { pieces.append(.text(String(rest[..<open]))) }
            pieces.append(escaped ? .escapedValue(index) : .value(index))
            rest = inner[inner.index(after: end)...]
        }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        return pieces
    }
}
