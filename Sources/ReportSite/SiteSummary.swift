public import Foundation
import SystemCalls
public import TraceAnalysis
import TraceModel

/// `summary.json`: what a report found, for machines — the next night's baseline, dashboards,
/// alerting. Documented in `docs/summary-json.md`; `version` changes whenever a field changes
/// meaning or goes away (new fields may appear without a change). Times and durations are integer
/// nanoseconds; lists are in a stable order, and keys are sorted, so the same input always gives
/// the same bytes.
public struct SiteSummary: Codable, Equatable, Sendable {
    public static let currentVersion = 1
    public static let fileName = "summary.json"

    public var schema = "tracereport-summary"
    public var version = SiteSummary.currentVersion
    /// The release that wrote it, "tracereport 0.9.0" (absent in summaries of earlier releases).
    public var generator: String? = Release.generator
    public var title: String
    /// Where the site is published (`--base-url`, ending in "/"), if given; then every `path` has
    /// an absolute `url` beside it.
    public var baseURL: String?
    public var inputs: [InputFile]
    public var totals: Totals
    public var services: [Service]
    public var operations: [Operation]
    public var edges: [Edge]
    /// The traces that got a page, in report order.
    public var pages: [Page]
    public var warnings: [String]
    /// The instrumentation health findings (absent in summaries of earlier releases).
    public var health: Health?
    /// The patterns that waste time (absent in summaries of earlier releases).
    public var wastePatterns: Patterns?
    /// Requests, errors and latency over time (absent in summaries of earlier releases).
    public var timeline: Timeline?
    /// Traces joined across asynchronous boundaries (absent in summaries of earlier releases).
    public var workflows: Workflows?

    /// `patterns.html` for machines: the thresholds, and every pattern found with every row.
    public struct Patterns: Codable, Equatable, Sendable {
        public struct Row: Codable, Equatable, Sendable {
            /// The span the pattern occurs under (for chatty callers, the caller service).
            public var service: String
            public var operation: String?
            /// The repeated call, the callees in order, or the callee.
            public var target: String?
            public var occurrences: Int
            public var traces: Int
            public var calls: Int
            public var lostNano: UInt64
            /// The traces where it cost most, most first.
            public var examples: [String]
        }

        public struct Finding: Codable, Equatable, Sendable {
            /// The pattern's stable name, e.g. "n-plus-one".
            public var pattern: String
            public var title: String
            public var occurrences: Int
            public var lostNano: UInt64
            public var rows: [Row]
        }

        public var thresholds: WastePatterns.Thresholds
        /// Most time lost first.
        public var findings: [Finding]

        init(_ patterns: WastePatterns) {
            thresholds = patterns.thresholds
            findings = patterns.findings.map { finding in
                Finding(
                    pattern: finding.pattern.rawValue, title: finding.pattern.title, occurrences: finding.occurrences,
                    lostNano: finding.lostNano,
                    rows: finding.rows.map {
                        Row(
                            service: $0.subject.service, operation: $0.subject.operation.isEmpty ? nil : $0.subject.operation,
                            target: $0.subject.target.isEmpty ? nil : $0.subject.target, occurrences: $0.occurrences, traces: $0.traces,
                            calls: $0.calls, lostNano: $0.lostNano, examples: $0.examples.map(\.hex))
                    })
            }
        }
    }

    /// `health.html` for machines: every finding with every row, and the key attributes' coverage.
    public struct Health: Codable, Equatable, Sendable {
        public struct Row: Codable, Equatable, Sendable {
            public var subject: String
            public var count: Int
            public var total: Int
            public var detail: String?
            public var examples: [String]
        }

        public struct Finding: Codable, Equatable, Sendable {
            /// The check's stable name, e.g. "orphan-spans".
            public var check: String
            public var severity: String
            public var title: String
            public var count: Int
            public var rows: [Row]
        }

        public struct Coverage: Codable, Equatable, Sendable {
            public var service: String
            public var spans: Int
            /// Spans carrying each key attribute.
            public var present: [String: Int]
        }

        public var keyAttributes: [String]
        public var findings: [Finding]
        public var coverage: [Coverage]

        init(_ health: InstrumentationHealth) {
            keyAttributes = health.keyAttributes
            findings = health.findings.map { finding in
                Finding(
                    check: finding.check.rawValue, severity: finding.severity.description, title: finding.check.title, count: finding.count,
                    rows: finding.rows.map {
                        Row(
                            subject: $0.subject, count: $0.count, total: $0.total, detail: $0.detail.isEmpty ? nil : $0.detail,
                            examples: $0.examples.map(\.hex))
                    })
            }
            coverage = health.coverage.map { entry in
                Coverage(
                    service: entry.service, spans: entry.spans,
                    present: Dictionary(zip(health.keyAttributes, entry.present), uniquingKeysWith: { first, _ in first }))
            }
        }
    }

    public struct InputFile: Codable, Equatable, Sendable {
        public var path: String
        public var bytes: Int
        public var spans: Int
        public var format: String
        /// Why the input was skipped; absent when it was read.
        public var skipped: String?
        /// Records left out while reading it, and values repaired (absent when none; the
        /// health findings `dropped-records` and `repaired-values` say what and where).
        public var droppedRecords: Int?
        public var repairedValues: Int?
    }

    public struct Totals: Codable, Equatable, Sendable {
        public var spans: Int
        public var traces: Int
        public var tracesWithErrors: Int
        public var incompleteTraces: Int
        public var services: Int
        public var pages: Int
        /// Traces that qualified for a page but were left out by `--max-pages`.
        public var pagesLeftOut: Int
    }

    public struct Service: Codable, Equatable, Sendable {
        public var name: String
        /// Named from a client span (a database, queue or API without instrumentation).
        public var virtual: Bool
        /// The service's page inside the site (absent in summaries of earlier releases).
        public var path: String?
        /// `baseURL` + `path`, with `--base-url`.
        public var url: String?
    }

    /// Percentiles within 1% (exact up to 2,048 values), as on the services page.
    public struct Latency: Codable, Equatable, Sendable {
        public var count: Int
        public var errors: Int
        public var p50Nano: UInt64
        public var p90Nano: UInt64
        public var p95Nano: UInt64
        public var p99Nano: UInt64
        public var maxNano: UInt64

        init(_ metrics: ServiceGraph.Metrics) {
            count = metrics.calls
            errors = metrics.errors
            let quantiles = metrics.latency.quantiles([0.5, 0.9, 0.95, 0.99])
            (p50Nano, p90Nano, p95Nano, p99Nano) = (quantiles[0], quantiles[1], quantiles[2], quantiles[3])
            maxNano = metrics.latency.maximum
        }

        /// Errors as a share of calls, in [0, 1].
        public var errorRate: Double { count == 0 ? 0 : Double(errors) / Double(count) }
    }

    public struct Operation: Codable, Equatable, Sendable {
        public var service: String
        public var operation: String
        public var latency: Latency
        public var totalNano: UInt64
        public var selfNano: UInt64
    }

    public struct Edge: Codable, Equatable, Sendable {
        public var caller: String
        public var callee: String
        /// "request" (the caller waited) or "asynchronous".
        public var style: String
        public var latency: Latency
    }

    public struct Page: Codable, Equatable, Sendable {
        public var traceID: String
        public var path: String
        /// `baseURL` + `path`, with `--base-url`.
        public var url: String?
        public var reasons: [String]
        public var rootService: String
        public var rootOperation: String
        public var startUnixNano: UInt64
        public var durationNano: UInt64
        public var spans: Int
        public var errors: Int
    }

    /// Reads a summary written by this or an earlier version.
    /// - Throws: a message naming the file when it is missing, not JSON, or of another version.
    public static func read(from url: URL) throws(ReportError) -> SiteSummary {
        let data: Data
        do {
            data = Data(try Paths.contents(of: url.path))
        } catch {
            throw .input(path: url.path, message: "cannot read the baseline (\(error))")
        }
        do {
            let summary = try JSONDecoder().decode(SiteSummary.self, from: data)
            guard summary.schema == "tracereport-summary", summary.version == currentVersion else {
                throw ReportError.input(
                    path: url.path,
                    message: "baseline is \(summary.schema) version \(summary.version); this tracereport reads version \(currentVersion)")
            }
            return summary
        } catch let error as ReportError {
            throw error
        } catch {
            throw .input(path: url.path, message: "not a tracereport summary.json: \(error)")
        }
    }

    /// `text` as a base URL for the site: an absolute http or https URL without query or
    /// fragment, ending in "/" (added if missing); nil if it is not one.
    public static func baseURL(_ text: String) -> String? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            url.host?.isEmpty == false, url.query == nil, url.fragment == nil
        else { return nil }
        return text.hasSuffix("/") ? text : text + "/"
    }

    /// The JSON text: sorted keys, two-space indentation, a final newline.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        // The timeline is written apart (`Timeline.json(indent:)`) and put in its place among the
        // sorted keys: just before "title", which every summary has.
        var rest = self
        rest.timeline = nil
        // Encoding plain structs of strings and numbers cannot fail.
        let data = (try? encoder.encode(rest)) ?? Data("{}".utf8)
        var text = String(decoding: data, as: UTF8.self)
        if let timeline, let title = text.range(of: "\n  \"title\" : ") {
            text.insert(contentsOf: "\n  \"timeline\" : " + timeline.json(indent: "  ") + ",", at: title.lowerBound)
        }
        return text + "\n"
    }
}

extension SiteSummary {
    /// The summary of a report over `traces`.
    init(
        title: String, traces: [TraceDigest], graph: ServiceGraph, selection: TraceSelection, inputs: [ReportBuilder.Input],
        warnings: [String], baseURL: String? = nil
    ) {
        self.title = title
        self.baseURL = baseURL
        func url(_ path: String) -> String? { baseURL.map { $0 + path } }
        self.inputs = inputs.map {
            InputFile(
                path: $0.path, bytes: $0.byteCount, spans: $0.spanCount, format: $0.format, skipped: $0.problem,
                droppedRecords: $0.issues.dropped > 0 ? $0.issues.dropped : nil,
                repairedValues: $0.issues.repaired > 0 ? $0.issues.repaired : nil)
        }
        totals = Totals(
            spans: traces.lazy.map(\.spanCount).saturatingSum(), traces: traces.count,
            tracesWithErrors: traces.count { $0.errorCount > 0 }, incompleteTraces: traces.count(where: \.isIncomplete),
            services: graph.nodes.values.count { !$0 }, pages: selection.reasons.count, pagesLeftOut: selection.leftOut)
        services = graph.nodes.sorted { $0.key < $1.key }.map { name, virtual in
            let path = ServicePage.path(for: name)
            return Service(name: name, virtual: virtual, path: path, url: url(path))
        }
        operations = graph.operations.sorted { $0.key < $1.key }.map { key, value in
            Operation(
                service: key.service, operation: key.operation, latency: Latency(value.metrics), totalNano: value.totalNano,
                selfNano: value.selfNano)
        }
        edges = graph.sortedEdges.map { key, value in
            Edge(caller: key.caller, callee: key.callee, style: key.style == .request ? "request" : "asynchronous", latency: Latency(value))
        }
        pages = traces.indices.compactMap { index -> Page? in
            guard let reasons = selection.reasons[index] else { return nil }
            let trace = traces[index]
            let path = TracePage.path(for: trace.traceID)
            return Page(
                traceID: trace.traceID.hex, path: path, url: url(path), reasons: reasons.map(\.description),
                rootService: trace.rootService, rootOperation: trace.rootName, startUnixNano: trace.startTimeUnixNano,
                durationNano: trace.durationNano, spans: trace.spanCount, errors: trace.errorCount)
        }
        self.warnings = warnings
    }
}
