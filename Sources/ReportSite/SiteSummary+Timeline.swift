import TraceAnalysis
import TraceModel

extension SiteSummary {
    /// Requests, errors and latency over time for machines: every series of the timeline in the
    /// window the charts show, its buckets that hold requests, with its change points (none for
    /// edges).
    public struct Timeline: Codable, Equatable, Sendable {
        public struct Change: Codable, Equatable, Sendable {
            /// "requests" (a second), "errors" (per request) or "latency" (p95, nanoseconds).
            public var metric: String
            /// The buckets that differ from the rest of the series: from `start` to `end` (exclusive).
            public var startUnixNano: UInt64
            public var endUnixNano: UInt64
            /// The level outside those buckets and inside them.
            public var outside: Double
            public var inside: Double
            /// How many standard errors apart the levels are.
            public var score: Double
            /// Whether the index lists it (`ChangePoint.isNotable`).
            public var notable: Bool
            /// The change in words, as the index has it.
            public var text: String
        }

        public struct Series: Codable, Equatable, Sendable {
            /// "all", "entry-point" (`service`, `operation`), "service" or "edge" (`service` → `callee`).
            public var kind: String
            public var service: String?
            public var operation: String?
            public var callee: String?
            /// The buckets that hold requests, by number from the first (0 to `buckets` − 1), in
            /// increasing order; the lists below hold one number for each.
            public var at: [Int]
            public var requests: [UInt64]
            public var errors: [UInt64]
            public var p50Nano: [UInt64]
            public var p95Nano: [UInt64]
            public var p99Nano: [UInt64]
            /// Requests before and after the window (far from the bulk of the traces).
            public var earlier: UInt64
            public var later: UInt64
            public var changes: [Change]
        }

        public var bucketNano: UInt64
        /// The start of the first bucket.
        public var startUnixNano: UInt64
        /// How many buckets the window has.
        public var buckets: Int
        public var series: [Series]

        /// The most buckets a baseline's series may have to be drawn.
        static let baselineLimit = 100_000
    }
}

extension SiteSummary.Timeline.Series {
    /// The subject the series counts, nil for a kind this release does not know.
    var subject: TraceAnalysis.Timeline.Subject? {
        switch (kind, service, operation, callee) {
        case ("all", _, _, _): .all
        case ("entry-point", let service?, let operation?, _):
            .entryPoint(ServiceGraph.OperationKey(service: service, operation: operation))
        case ("service", let service?, _, _): .service(service)
        case ("edge", let caller?, _, let callee?): .edge(caller: caller, callee: callee)
        default: nil
        }
    }

    /// The series as charts take it, or nil when its lists disagree (in length, or with `buckets`).
    func timeSeries(bucketNano: UInt64, startUnixNano: UInt64, buckets: Int) -> TimeSeries? {
        guard let subject, bucketNano > 0, (0...SiteSummary.Timeline.baselineLimit).contains(buckets),
            [requests.count, errors.count, p50Nano.count, p95Nano.count, p99Nano.count].allSatisfy({ $0 == at.count }),
            zip(at, at.dropFirst()).allSatisfy({ $0 < $1 }), at.allSatisfy({ (0..<buckets).contains($0) })
        else { return nil }
        var points = (0..<buckets).map { index in
            TimeSeries.Point(
                startUnixNano: startUnixNano.saturatingAdding(UInt64(index).saturatingMultiplied(by: bucketNano)), requests: 0, errors: 0,
                p50Nano: 0, p95Nano: 0, p99Nano: 0)
        }
        for (position, index) in at.enumerated() {
            points[index].requests = requests[position]
            points[index].errors = min(errors[position], requests[position])
            (points[index].p50Nano, points[index].p95Nano, points[index].p99Nano) = (
                p50Nano[position], p95Nano[position], p99Nano[position]
            )
        }
        return TimeSeries(subject: subject, bucketNano: bucketNano, points: points, earlier: earlier, later: later)
    }
}

extension SiteSummary.Timeline {
    /// The timeline as `summary.json` holds it, written here rather than by `JSONEncoder`, which
    /// spends thousands of instructions on each of its numbers (a night's timeline has hundreds of
    /// thousands): keys in sorted order as the rest of the file has them, each list on one line.
    /// - Parameter indent: the indentation of the line the object starts on.
    func json(indent: String) -> String {
        let (one, two, three, four) = (indent + "  ", indent + "    ", indent + "      ", indent + "        ")
        func list(_ numbers: some Sequence<some BinaryInteger>) -> String { "[" + numbers.map { "\($0)" }.joined(separator: ", ") + "]" }
        func string(_ text: String) -> String { DataIsland.jsonString(text) }
        func number(_ value: Double) -> String { value.isFinite ? "\(value)" : "0" }
        var out = "{\n\(one)\"bucketNano\" : \(bucketNano),\n\(one)\"buckets\" : \(buckets),\n\(one)\"series\" : ["
        for (position, series) in self.series.enumerated() {
            var fields = ["\"at\" : \(list(series.at))"]
            if let callee = series.callee { fields.append("\"callee\" : \(string(callee))") }
            let changes = series.changes.map { change in
                "{ \"endUnixNano\" : \(change.endUnixNano), \"inside\" : \(number(change.inside)), \"metric\" : \(string(change.metric)), "
                    + "\"notable\" : \(change.notable), \"outside\" : \(number(change.outside)), \"score\" : \(number(change.score)), "
                    + "\"startUnixNano\" : \(change.startUnixNano), \"text\" : \(string(change.text)) }"
            }
            fields.append(
                "\"changes\" : [" + (changes.isEmpty ? "" : "\n\(four)" + changes.joined(separator: ",\n\(four)") + "\n\(three)") + "]")
            fields.append("\"earlier\" : \(series.earlier)")
            fields.append("\"errors\" : \(list(series.errors))")
            fields.append("\"kind\" : \(string(series.kind))")
            fields.append("\"later\" : \(series.later)")
            if let operation = series.operation { fields.append("\"operation\" : \(string(operation))") }
            fields.append("\"p50Nano\" : \(list(series.p50Nano))")
            fields.append("\"p95Nano\" : \(list(series.p95Nano))")
            fields.append("\"p99Nano\" : \(list(series.p99Nano))")
            fields.append("\"requests\" : \(list(series.requests))")
            if let service = series.service { fields.append("\"service\" : \(string(service))") }
            out += (position == 0 ? "\n" : ",\n") + "\(two){\n\(three)" + fields.joined(separator: ",\n\(three)") + "\n\(two)}"
        }
        out += self.series.isEmpty ? "\n\n\(one)]" : "\n\(one)]"
        return out + ",\n\(one)\"startUnixNano\" : \(startUnixNano)\n\(indent)}"
    }
}
