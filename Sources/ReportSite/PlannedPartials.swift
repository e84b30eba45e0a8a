import TraceAnalysis
import TraceModel

/// A partial rendered through a `TemplatePlan`: a table's row (`hop-row.mustache`, …), rendered
/// once per row (a page of a thousand rows rendered by Mustache row by row cost more than the
/// rest of the run), or a table of the trace page (rendered once per page). Its page declares
/// the names of its values and switches (`PlanFields<String, String>`) and fills it with values
/// and switches in the same order (`PlanFields<String, Bool>`), built from the same parts.
struct PlannedPartial: Sendable {
    /// The partial's name (its file less `.mustache`).
    let name: String
    let names: PlanFields<String, String>

    /// Every planned partial, for `TemplateSet` to plan.
    static let all =
        [
            TraceListPage.row, ServicesPage.hopRow, ServicesPage.operationRow, ServicePage.neighbourRow, ServicePage.operationRow,
            IndexPage.entryPointRow, HealthPage.findingRow, PatternsPage.patternRow,
        ] + TraceTables.partials
}

/// The values and switches of a planned partial, in order: their names (`Value` and `Switch` are `String`)
/// or what a row holds (`String` and `Bool`).
struct PlanFields<Value: Sendable, Switch: Sendable>: Sendable {
    var values: [Value] = []
    var switches: [Switch] = []

    /// `lhs` with `rhs` after it; `lhs`'s storage grows in place (a row is a chain of parts).
    static func + (lhs: consuming Self, rhs: Self) -> Self {
        var joined = lhs
        joined.values.append(contentsOf: rhs.values)
        joined.switches.append(contentsOf: rhs.switches)
        return joined
    }

    static func values(_ values: Value...) -> Self { Self(values: values) }
    static func switches(_ switches: Switch...) -> Self { Self(switches: switches) }
}

extension PlanFields where Value == String, Switch == String {
    /// The `service-link` partial inside a section named `key`.
    static func link(_ key: String) -> Self { Self(values: ["\(key).name", "\(key).path"], switches: ["\(key).isSelf"]) }

    /// The `latency-cells` partial: three or four cells.
    static let latency = Self(values: (1...4).flatMap { ["l\($0).ns", "l\($0).text"] }, switches: ["hasL4"])

    /// The `exemplars` partial.
    static let exemplars = Self(values: ["maxPath", "p99Path"], switches: ["hasMax", "hasP99"])

    /// The `trace-examples` partial: up to three traces.
    static let examples = (1...3).reduce(Self()) { names, number in
        names + Self(values: ["e\(number).path", "e\(number).short", "e\(number).hex"], switches: ["hasE\(number)", "e\(number).paged"])
    }
}

extension PlanFields where Value == String, Switch == Bool {
    /// A service's name and the path of its page; `prefix` leads from the linking page to the
    /// site's top folder ("../" from a page in a subfolder). A link to the page it is on
    /// (`isSelf`) is shown as the name in bold.
    static func link(_ service: String, prefix: String = "", isSelf: Bool = false) -> Self {
        Self(values: [service, prefix + ServicePage.path(for: service)], switches: [isSelf])
    }

    /// Three or four latencies in nanoseconds, each sortable by its value.
    static func latency(_ nanoseconds: [UInt64]) -> Self {
        var values: [String] = []
        for index in 0..<4 {
            let value = index < nanoseconds.count ? nanoseconds[index] : 0
            values += ["\(value)", DurationFormat.string(nanoseconds: value)]
        }
        return Self(values: values, switches: [nanoseconds.count > 3])
    }

    /// The slowest trace and the one nearest the p99 of an edge or operation, where they have a page.
    static func exemplars(_ metrics: ServiceGraph.Metrics, pagedTraces: Set<TraceID>) -> Self {
        let slowest = metrics.slowestTrace.flatMap { pagedTraces.contains($0) ? $0 : nil }
        let p99 = metrics.nearP99Trace.flatMap { $0 != metrics.slowestTrace && pagedTraces.contains($0) ? $0 : nil }
        return Self(
            values: [slowest.map(TracePage.path) ?? "", p99.map(TracePage.path) ?? ""], switches: [slowest != nil, p99 != nil])
    }

    /// Up to three example traces: the id's first 16 digits, linking to its page when it has
    /// one, else with the whole id in the tooltip, for `tracereport trace --trace-id`.
    static func examples(_ ids: [TraceID], pagedTraces: Set<TraceID>) -> Self {
        (0..<3).reduce(Self()) { fields, index in
            guard index < ids.count else { return fields + Self(values: ["", "", ""], switches: [false, false]) }
            let id = ids[index]
            return fields
                + Self(
                    values: [TracePage.path(for: id), String(id.hex.prefix(16)), id.hex], switches: [true, pagedTraces.contains(id)])
        }
    }
}

/// Rows of one table, each on a line: the pieces of each combination of switches are taken
/// from the plan once per table, not once per row.
struct RowWriter {
    let plan: TemplatePlan
    private var pieces: [Int: [TemplatePlan.Piece]] = [:]
    /// The values and switches of the row being written, kept from row to row.
    private var row = PlanFields<String, Bool>()

    init(_ plan: TemplatePlan) { self.plan = plan }

    /// Appends a row whose values and switches `fill` appends (in the order of the partial's
    /// names) to buffers kept from row to row: a row then allocates nothing but its strings.
    mutating func append(to out: inout String, _ fill: (inout [String], inout [Bool]) -> Void) {
        var row = self.row
        self.row = PlanFields()
        row.values.removeAll(keepingCapacity: true)
        row.switches.removeAll(keepingCapacity: true)
        fill(&row.values, &row.switches)
        append(row, to: &out)
        self.row = row
    }

    /// Appends a row and its line break to `out`.
    mutating func append(_ row: PlanFields<String, Bool>, to out: inout String) {
        let key = TemplatePlan.key(row.switches)
        if let known = pieces[key] {
            TemplatePlan.fill(known, with: row.values, into: &out)
        } else if let planned = plan.pieces(switches: row.switches) {
            pieces[key] = planned
            TemplatePlan.fill(planned, with: row.values, into: &out)
        } else {
            out += plan.rendered(values: row.values, switches: row.switches)
        }
        out += "\n"
    }
}
