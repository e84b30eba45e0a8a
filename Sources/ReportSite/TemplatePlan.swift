import Mustache
import Synchronization

/// A Mustache template rendered once per combination of its switches (the booleans its
/// sections test), with a marker in place of every value, then cut at the markers: a page is
/// then its text pieces with the values put between them, without the template's lookups and
/// casts (which cost a trace page more than all its tables).
///
/// It gives exactly what rendering gives only when every value is a plain `{{{name}}}`
/// variable, as in the built-in trace page; `TemplateSet` uses it for that template alone.
final class TemplatePlan: Sendable {
    /// A piece of a page: text of the template, or the value at an index of `valueNames`.
    enum Piece: Sendable, Equatable {
        case text(String)
        case value(Int)
    }

    let valueNames: [String]
    let switchNames: [String]
    private let template: MustacheTemplate
    /// Pieces per combination of switches (bit i set when switch i is on).
    private let plans = Mutex<[Int: [Piece]]>([:])

    init(template: MustacheTemplate, valueNames: [String], switchNames: [String]) {
        self.template = template
        self.valueNames = valueNames
        self.switchNames = switchNames
    }

    /// The page for `values` (in the order of `valueNames`) and `switches` (of `switchNames`).
    func render(values: [String], switches: [Bool]) -> String {
        precondition(values.count == valueNames.count && switches.count == switchNames.count)
        let key = switches.enumerated().reduce(0) { $0 | ($1.element ? 1 << $1.offset : 0) }
        let pieces = plans.withLock { $0[key] } ?? plan(for: key, switches: switches)
        var out = ""
        out.reserveCapacity(
            pieces.reduce(0) { total, piece in
                switch piece {
                case .text(let text): total + text.utf8.count
                case .value(let index): total + values[index].utf8.count
                }
            })
        for piece in pieces {
            switch piece {
            case .text(let text): out += text
            case .value(let index): out += values[index]
            }
        }
        return out
    }

    /// Renders the template with markers for values, and cuts the result at them.
    private func plan(for key: Int, switches: [Bool]) -> [Piece] {
        var context: [String: Any] = [:]
        for (index, name) in valueNames.enumerated() { context[name] = Self.marker(index) }
        for (name, on) in zip(switchNames, switches) { context[name] = on }
        let pieces = Self.cut(template.render(context))
        plans.withLock { $0[key] = pieces }
        return pieces
    }

    /// U+FFFF, a noncharacter no template holds, around the value's index.
    static func marker(_ index: Int) -> String { "\u{FFFF}\(index)\u{FFFF}" }

    /// Text and markers, in order.
    static func cut(_ rendered: String) -> [Piece] {
        var pieces: [Piece] = []
        var rest = Substring(rendered)
        while let open = rest.firstIndex(of: "\u{FFFF}") {
            if open > rest.startIndex { pieces.append(.text(String(rest[..<open]))) }
            let digits = rest[rest.index(after: open)...]
            guard let close = digits.firstIndex(of: "\u{FFFF}"), let index = Int(digits[..<close]) else {
                preconditionFailure("a value marker was cut in two: the template is not made of plain values")
            }
            pieces.append(.value(index))
            rest = digits[digits.index(after: close)...]
        }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        return pieces
    }
}
