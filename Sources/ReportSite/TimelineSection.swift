import TraceAnalysis
import TraceCharts
import TraceModel

/// What the site shows of the timeline: every series in the window the charts share (where the
/// bulk of the traces started), with its change points, and a baseline's series beside it. The
/// index has the whole input's chart, the notable changes and the entry points' sparklines; the
/// services page every service's sparklines; a service page its chart; `summary.json` all of it.
struct TimelineSection {
    let window: Timeline.Window
    let series: [Timeline.Subject: TimeSeries]
    /// The change points of every series.
    let changes: [Timeline.Subject: [ChangePoint]]
    /// The baseline's series, by subject, and its title (when a baseline was given).
    let baseline: [Timeline.Subject: TimeSeries]
    let baselineTitle: String?
    let time: TimeDisplay

    /// The most notable changes the index lists, and the most rows of sparklines a table shows.
    static let changeLimit = 12
    static let rowLimit = 20

    init(timeline: Timeline, traces: [TraceDigest], time: TimeDisplay, baseline: SiteSummary?) {
        let window = timeline.window(traceStarts: traces.map(\.startTimeUnixNano))
        var series: [Timeline.Subject: TimeSeries] = [:]
        var changes: [Timeline.Subject: [ChangePoint]] = [:]
        for subject in timeline.series.keys {
            let one = timeline.series(of: subject, in: window)
            series[subject] = one
            changes[subject] = ChangePoint.find(in: one)
        }
        self.window = window
        self.series = series
        self.changes = changes
        self.time = time
        var baselineSeries: [Timeline.Subject: TimeSeries] = [:]
        if let other = baseline?.timeline {
            for entry in other.series {
                if let one = entry.timeSeries(bucketNano: other.bucketNano, startUnixNano: other.startUnixNano, buckets: other.buckets) {
                    baselineSeries[one.subject] = one
                }
            }
        }
        self.baseline = baselineSeries
        baselineTitle = baseline.map(\.title)
    }

    /// A subject's name for a reader.
    static func name(of subject: Timeline.Subject) -> String {
        switch subject {
        case .all: "All requests"
        case .entryPoint(let key): "\(key.service): \(key.operation)"
        case .service(let name): name
        case .edge(let caller, let callee): "\(caller) → \(callee)"
        }
    }

    /// The page about a subject (an edge's caller's), relative to a page at the site's root.
    static func href(of subject: Timeline.Subject) -> String? {
        switch subject {
        case .all: "index.html#over-time"
        case .entryPoint(let key): ServicePage.path(for: key.service)
        case .service(let name): ServicePage.path(for: name)
        case .edge(let caller, _): ServicePage.path(for: caller)
        }
    }

    /// A time as the changes and charts write it: to the minute, second or millisecond the
    /// buckets need, without the date when the window lies within one day.
    func clock(_ unixNano: UInt64) -> String {
        let full = time.string(unixNano: unixNano)
        let size = window.bucketNano
        let precise = String(full.prefix(size < 1_000_000_000 ? 23 : size < 60_000_000_000 ? 19 : 16))
        let firstDay = time.string(unixNano: window.first.saturatingMultiplied(by: size)).prefix(10)
        let lastDay = time.string(unixNano: window.last.saturatingMultiplied(by: size)).prefix(10)
        return firstDay == lastDay ? String(precise.dropFirst(11)) : precise
    }

    /// The notable changes of the series `subjects` accepts, most standard errors apart first (then by subject and metric, so the order is stable).
    func notableChanges(of subjects: (Timeline.Subject) -> Bool = { _ in true }) -> [(Timeline.Subject, ChangePoint)] {
        changes.filter { subjects($0.key) }.flatMap { subject, points in points.filter(\.isNotable).map { (subject, $0) } }
            .sorted { ($1.1.score, $0.0, $0.1.metric.rawValue) < ($0.1.score, $1.0, $1.1.metric.rawValue) }
    }

    /// A chart of `subject`'s series (validation is the caller's).
    func chart(_ subject: Timeline.Subject, size: TimelineChart.Size) -> TimelineChart? {
        guard let one = series[subject] else { return nil }
        let time = self.time
        return TimelineChart(
            series: one, changes: changes[subject] ?? [], baseline: baseline[subject], size: size, label: Self.name(of: subject),
            timeZoneName: time.name
        ) { time.string(unixNano: $0) }
    }

    /// The values of the `timeline` partial: an introduction, `subject`'s full chart (if any), the
    /// notable changes of `changing`, and sparkline rows of `rows` (most requests first).
    func values(
        intro: String, chart subject: Timeline.Subject?, changing: (Timeline.Subject) -> Bool, rows: [Timeline.Subject], rowHeading: String,
        linkPrefix: String, validate: (String) throws(ReportError) -> String
    ) throws(ReportError) -> [String: Any] {
        var chartSVG: String?
        if let subject, let chart = chart(subject, size: .full) { chartSVG = try validate(chart.svg()) }
        // Changes worded alike (the whole input, its one entry point and the service behind it)
        // share a line, in the order of their first.
        var lines: [(text: String, subjects: [Timeline.Subject])] = []
        for (subject, change) in notableChanges(of: changing) {
            let text = series[subject].map { change.sentence(in: $0, time: clock) } ?? ""
            if let line = lines.firstIndex(where: { $0.text == text }) {
                lines[line].subjects.append(subject)
            } else if lines.count < Self.changeLimit {
                lines.append((text, [subject]))
            }
        }
        let ranked = rows.sorted { (series[$1]?.requests ?? 0, $0) < (series[$0]?.requests ?? 0, $1) }
        var rowValues: [[String: Any]] = []
        for subject in ranked.prefix(Self.rowLimit) {
            var row: [String: Any] = [
                "name": Self.name(of: subject), "href": Self.href(of: subject).map { linkPrefix + $0 } ?? false,
                "requests": series[subject]?.requests ?? 0,
            ]
            for metric in ChangePoint.Metric.allCases {
                if let spark = chart(subject, size: .row(metric)) { row["\(metric.rawValue)Spark"] = try validate(spark.svg()) }
            }
            rowValues.append(row)
        }
        return [
            "intro": intro, "bucket": DurationFormat.string(nanoseconds: window.bucketNano), "baseline": baselineTitle ?? false,
            "minimumScore": DurationFormat.significant(ChangePoint.minimumScore), "chart": chartSVG ?? false,
            "hasChanges": !lines.isEmpty,
            "changes": lines.map { line -> [String: Any] in
                [
                    "text": line.text,
                    "subjects": line.subjects.enumerated().map { position, subject -> [String: Any] in
                        [
                            "name": Self.name(of: subject), "href": Self.href(of: subject).map { linkPrefix + $0 } ?? false,
                            "last": position == line.subjects.count - 1,
                        ]
                    },
                ]
            },
            "hasRows": !rowValues.isEmpty, "rows": rowValues, "rowHeading": rowHeading, "rowsCut": ranked.count > Self.rowLimit,
            "rowLimit": Self.rowLimit,
        ]
    }

    /// `summary.json`'s `timeline`.
    var summary: SiteSummary.Timeline {
        SiteSummary.Timeline(
            bucketNano: window.bucketNano, startUnixNano: window.first.saturatingMultiplied(by: window.bucketNano), buckets: window.count,
            series: series.sorted { $0.key < $1.key }.map { subject, one in
                let (kind, service, operation, callee): (String, String?, String?, String?) =
                    switch subject {
                    case .all: ("all", nil, nil, nil)
                    case .entryPoint(let key): ("entry-point", key.service, key.operation, nil)
                    case .service(let name): ("service", name, nil, nil)
                    case .edge(let caller, let callee): ("edge", caller, nil, callee)
                    }
                let held = one.points.indices.filter { one.points[$0].requests > 0 }
                return SiteSummary.Timeline.Series(
                    kind: kind, service: service, operation: operation, callee: callee, at: held,
                    requests: held.map { one.points[$0].requests },
                    errors: held.map { one.points[$0].errors }, p50Nano: held.map { one.points[$0].p50Nano },
                    p95Nano: held.map { one.points[$0].p95Nano }, p99Nano: held.map { one.points[$0].p99Nano }, earlier: one.earlier,
                    later: one.later,
                    changes: (changes[subject] ?? []).map { change in
                        SiteSummary.Timeline.Change(
                            metric: change.metric.rawValue, startUnixNano: one.points[change.start].startUnixNano,
                            endUnixNano: one.points[change.end - 1].startUnixNano.saturatingAdding(one.bucketNano),
                            outside: change.outside, inside: change.inside, score: change.score, notable: change.isNotable,
                            text: change.sentence(in: one, time: clock))
                    })
            })
    }
}
