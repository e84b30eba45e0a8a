import ArgumentParser
import Foundation
import ReportRun
import ReportSite
import ReportStages
import TraceAnalysis
import TraceModel

/// What a report holds: its title, which traces get a page, which attributes the health page
/// measures. Given to `report` and `build`.
struct SelectionOptions: ParsableArguments {
    @Option(help: "The name on every page and in summary.json.")
    var title: String = ReportBuilder.defaultTitle

    @Option(
        help: ArgumentHelp(
            "Which traces get a page: all, or a comma-separated list of errors, slowest, percentiles, exemplars, health.",
            valueName: "list"))
    var select: String = "errors,slowest,percentiles,exemplars,health"

    @Option(help: "With 'slowest': how many of the slowest requests of each root operation get a page.")
    var slowest: Int = 3

    @Option(help: "At most this many trace pages (traces named with --trace-id come on top).")
    var maxPages: Int = 1_000

    @Option(help: "With 'errors': at most this many pages for failed traces (the earliest).")
    var maxErrorPages: Int = 250

    @Option(name: .customLong("trace-id"), help: "A trace (id or unique prefix) that must get a page; repeatable.")
    var traceIDs: [String] = []

    @Option(
        name: .customLong("key-attribute"),
        help: ArgumentHelp(
            "An attribute whose presence the health page measures per service; repeatable (default: \(InstrumentationHealth.defaultKeyAttributes.joined(separator: ", "))).",
            valueName: "key"))
    var keyAttributes: [String] = []

    @Option(help: "N+1 calls: at least this many calls of one kind, one after another, under one span.")
    var nPlusOneCalls: Int = WastePatterns.Thresholds().nPlusOneCalls

    @Option(help: "Sequential calls: at least this many calls to different callees, one after another, under one span.")
    var sequentialCalls: Int = WastePatterns.Thresholds().sequentialCalls

    @Option(help: "Chatty callers: at least this many calls from one service to one callee in a trace.")
    var chattyCalls: Int = WastePatterns.Thresholds().chattyCalls

    @Option(
        help: ArgumentHelp(
            "Time no span accounts for: a span's own time on the critical path is at least this share of it…", valueName: "percent"))
    var uninstrumentedShare: Int = WastePatterns.Thresholds().uninstrumentedPercent

    @Option(
        help: ArgumentHelp("…and at least this long. (default: \(Self.defaultUninstrumentedTime))", valueName: "duration"),
        transform: DurationArgument.parse)
    var uninstrumentedTime = Self.defaultUninstrumentedTime
    static let defaultUninstrumentedTime = DurationArgument(nanoseconds: WastePatterns.Thresholds().uninstrumentedNano, written: "10ms")

    @Option(
        help: ArgumentHelp(
            "The size of the timeline's buckets, at least 1ms (default: a round size that gives 50 to 300 buckets).", valueName: "duration"),
        transform: DurationArgument.parse)
    var bucket: DurationArgument?

    @Option(help: "Join traces that share a value of this span attribute (e.g. order.id) into workflows, beside links and message ids.")
    var joinAttribute: String?

    func validate() throws {
        if nPlusOneCalls < 2 { throw ValidationError("--n-plus-one-calls must be 2 or more") }
        if sequentialCalls < 2 { throw ValidationError("--sequential-calls must be 2 or more") }
        if chattyCalls < 2 { throw ValidationError("--chatty-calls must be 2 or more") }
        if !(0...100).contains(uninstrumentedShare) { throw ValidationError("--uninstrumented-share must be 0 to 100") }
        if let bucket, bucket.nanoseconds < 1_000_000 { throw ValidationError("--bucket must be 1ms or more") }
        if joinAttribute?.isEmpty == true { throw ValidationError("--join-attribute must name an attribute") }
        if maxPages < 0 { throw ValidationError("--max-pages must be 0 or more") }
        if slowest < 0 { throw ValidationError("--slowest must be 0 or more") }
        if maxErrorPages < 0 { throw ValidationError("--max-error-pages must be 0 or more") }
        _ = try selection()
    }

    /// The selection the options describe.
    func selection() throws -> TraceSelection.Policy {
        let words = select.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let known = ["all", "errors", "slowest", "percentiles", "exemplars", "health"]
        if let unknown = words.first(where: { !known.contains($0) }) {
            throw ValidationError("--select: unknown '\(unknown)'; use all, or some of errors, slowest, percentiles, exemplars, health")
        }
        var selection = TraceSelection.Policy()
        selection.all = words.contains("all")
        selection.errors = words.contains("errors")
        selection.maximumErrorPages = selection.all ? Int.max : maxErrorPages
        selection.slowestPerOperation = words.contains("slowest") ? slowest : 0
        selection.percentiles = words.contains("percentiles")
        selection.hopExemplars = words.contains("exemplars")
        selection.healthExamples = words.contains("health")
        selection.maximumPages = selection.all ? Int.max : maxPages
        return selection
    }

    /// What counts as a pattern that wastes time.
    var wasteThresholds: WastePatterns.Thresholds {
        var thresholds = WastePatterns.Thresholds()
        thresholds.nPlusOneCalls = nPlusOneCalls
        thresholds.sequentialCalls = sequentialCalls
        thresholds.chattyCalls = chattyCalls
        thresholds.uninstrumentedPercent = uninstrumentedShare
        thresholds.uninstrumentedNano = uninstrumentedTime.nanoseconds
        return thresholds
    }

    /// Everything that decides the report's content.
    func settings(pages: PageOptions, assembly: AssemblyFlags, templates: TemplateSet) throws -> BuildSettings {
        var settings = BuildSettings()
        settings.title = title
        settings.timeZone = pages.timeZone
        settings.rowBudget = pages.rowBudget
        if !keyAttributes.isEmpty { settings.keyAttributes = keyAttributes }
        settings.wastePatterns = wasteThresholds
        settings.bucketNano = bucket?.nanoseconds
        settings.joinAttribute = joinAttribute
        settings.selection = try selection()
        settings.traceIDs = traceIDs
        settings.assembly = assembly.settings
        settings.templates = templates.fingerprint
        return settings
    }
}

/// Where and how a site is written, and what makes the run fail: given to `report` and `merge`.
struct SiteOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "Folder to write the site to; replaced whole, in one rename, when the run succeeds.")
    var output: String = "report"

    @Flag(help: "Replace --output even if it is a folder tracereport did not write.")
    var force = false

    @Option(help: "Where the site will be published (http or https): gives summary.json absolute links. Pages always link relatively.")
    var baseURL: String?

    @Option(help: "A summary.json from an earlier run: adds a 'Changes since the baseline' section.")
    var baseline: String?

    @Option(help: "With --baseline: the smallest p95/p99 change, in percent, that counts.")
    var regressionThreshold: Double = 20

    @Option(
        help:
            "With --baseline: the smallest p95/p99 change that counts, as a duration (e.g. 500us, 2ms). (default: \(Self.defaultRegressionMinimum))",
        transform: DurationArgument.parse)
    var regressionMinimum = Self.defaultRegressionMinimum
    static let defaultRegressionMinimum = DurationArgument(nanoseconds: 500_000, written: "500us")

    @Flag(help: "With --baseline: exit with status 3 when something got slower or fails more often.")
    var failOnRegression = false

    @Option(
        help: ArgumentHelp(
            "Exit with status 4 when the health page has a finding of this severity or worse: notice, warning or error.",
            valueName: "level"))
    var failOnHealth: String?

    func validate() throws {
        if regressionThreshold <= 0 { throw ValidationError("--regression-threshold must be above 0 (percent)") }
        if failOnRegression && baseline == nil { throw ValidationError("--fail-on-regression needs --baseline") }
        try OutputCheck.validate(output)
        if let failOnHealth, InstrumentationHealth.Severity(name: failOnHealth).map({ $0 == .info }) ?? true {
            throw ValidationError("--fail-on-health wants notice, warning or error, not '\(failOnHealth)'")
        }
        if let baseURL, SiteSummary.baseURL(baseURL) == nil {
            throw ValidationError("--base-url wants an absolute http or https URL without query or fragment, not '\(baseURL)'")
        }
    }

    /// The site's options (the baseline read); reports why not and exits otherwise.
    func options(progress: Progress) throws -> ReportBuilder.Options {
        var options = ReportBuilder.Options()
        options.baseURL = baseURL.flatMap(SiteSummary.baseURL)
        if let baseline {
            options.baseline = try progress.running { () throws(RunFailure) in
                try RunFailure.reporting { () throws(ReportError) in try SiteSummary.read(from: URL(fileURLWithPath: baseline)) }
            }
        }
        options.thresholds.relative = regressionThreshold / 100
        options.thresholds.minimumNano = regressionMinimum.nanoseconds
        options.force = force
        return options
    }

    var outputURL: URL { URL(fileURLWithPath: output, isDirectory: true) }

    /// What the site said of the run: a line for the user, and the exit code its findings call for.
    func conclude(_ outcome: ReportBuilder.Outcome) throws {
        if failOnRegression && outcome.comparison?.hasRegressions == true { throw Exit.regression }
        if let level = failOnHealth.flatMap(InstrumentationHealth.Severity.init(name:)), let worst = outcome.health.worstSeverity,
            worst >= level
        {
            throw Exit.health
        }
    }

    /// The end of the line printed after a site is written: health and baseline.
    static func findings(_ outcome: ReportBuilder.Outcome) -> String {
        var line = "; health: \(outcome.health.findings.count) findings" + (outcome.health.worstSeverity.map { ", worst \($0)" } ?? "")
        if let comparison = outcome.comparison {
            line += comparison.hasRegressions ? "; regressions against the baseline" : "; no regression against the baseline"
        }
        return line
    }
}
