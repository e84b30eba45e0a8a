import ArgumentParser
import Foundation
import ReportSite
import TraceAnalysis
import TraceAssembly
import TraceModel

/// `tracereport [report] INPUT... --output DIR`: the report site.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a report site: index, services and slowest hops, a page per selected trace, summary.json."
    )

    @OptionGroup var input: InputOptions

    @Option(name: .shortAndLong, help: "Folder to write the site to; replaced whole, in one rename, when the run succeeds.")
    var output: String = "report"

    @Flag(help: "Replace --output even if it is a folder tracereport did not write.")
    var force = false

    @Option(help: "The name on every page and in summary.json.")
    var title: String = "Trace report"

    @Option(help: "Where the site will be published (http or https): gives summary.json absolute links. Pages always link relatively.")
    var baseURL: String?

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

    @Option(help: "A summary.json from an earlier run: adds a 'Changes since the baseline' section.")
    var baseline: String?

    @Option(help: "With --baseline: the smallest p95/p99 change, in percent, that counts.")
    var regressionThreshold: Double = 20

    @Option(help: "With --baseline: the smallest p95/p99 change that counts, as a duration (e.g. 500us, 2ms).")
    var regressionMinimum: String = "500us"

    @Flag(help: "With --baseline: exit with status 3 when something got slower or fails more often.")
    var failOnRegression = false

    @Option(
        name: .customLong("key-attribute"),
        help: ArgumentHelp(
            "An attribute whose presence the health page measures per service; repeatable (default: \(InstrumentationHealth.defaultKeyAttributes.joined(separator: ", "))).",
            valueName: "key"))
    var keyAttributes: [String] = []

    @Option(
        help: ArgumentHelp(
            "Exit with status 4 when the health page has a finding of this severity or worse: notice, warning or error.",
            valueName: "level"))
    var failOnHealth: String?

    func validate() throws {
        if maxPages < 0 { throw ValidationError("--max-pages must be 0 or more") }
        if slowest < 0 { throw ValidationError("--slowest must be 0 or more") }
        if maxErrorPages < 0 { throw ValidationError("--max-error-pages must be 0 or more") }
        if regressionThreshold <= 0 { throw ValidationError("--regression-threshold must be above 0 (percent)") }
        if DurationFormat.nanoseconds(parsing: regressionMinimum) == nil {
            throw ValidationError("--regression-minimum wants a duration with a unit, such as 500us or 2ms, not '\(regressionMinimum)'")
        }
        _ = try policy(requested: [])
        if failOnRegression && baseline == nil { throw ValidationError("--fail-on-regression needs --baseline") }
        if let failOnHealth, InstrumentationHealth.Severity(name: failOnHealth).map({ $0 == .info }) ?? true {
            throw ValidationError("--fail-on-health wants notice, warning or error, not '\(failOnHealth)'")
        }
        if let baseURL, SiteSummary.baseURL(baseURL) == nil {
            throw ValidationError("--base-url wants an absolute http or https URL without query or fragment, not '\(baseURL)'")
        }
    }

    /// The selection policy the options describe.
    func policy(requested: Set<TraceID>) throws -> TraceSelection.Policy {
        var policy = TraceSelection.Policy()
        let words = select.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let known = ["all", "errors", "slowest", "percentiles", "exemplars", "health"]
        if let unknown = words.first(where: { !known.contains($0) }) {
            throw ValidationError("--select: unknown '\(unknown)'; use all, or some of errors, slowest, percentiles, exemplars, health")
        }
        policy.all = words.contains("all")
        policy.errors = words.contains("errors")
        policy.maximumErrorPages = policy.all ? Int.max : maxErrorPages
        policy.slowestPerOperation = words.contains("slowest") ? slowest : 0
        policy.percentiles = words.contains("percentiles")
        policy.hopExemplars = words.contains("exemplars")
        policy.healthExamples = words.contains("health")
        policy.requested = requested
        policy.maximumPages = policy.all ? Int.max : maxPages
        return policy
    }

    func run() throws {
        let started = Date()
        let progress = Progress(quiet: input.quiet)
        let templates = try input.templateSet()
        var baselineSummary: SiteSummary?
        if let baseline {
            do {
                baselineSummary = try SiteSummary.read(from: URL(fileURLWithPath: baseline))
            } catch {
                Progress.report(error.description)
                throw error.exitCode
            }
        }
        let loaded = try input.load(progress: progress)
        // The process ends with this command: the traces are left for it to reclaim at once,
        // rather than freed span by span (half a second for a million spans).
        InputOptions.Loaded.keepUntilExit(loaded.traces)
        var requested = Set<TraceID>()
        for prefix in traceIDs {
            switch TraceIDMatch(prefix, in: loaded.traces) {
            case .found(let index): requested.insert(loaded.traces[index].traceID)
            case .problem(let message):
                progress.clear()
                Progress.report(message)
                throw Exit.traceNotFound
            }
        }

        var options = ReportBuilder.Options()
        options.title = title
        options.baseURL = baseURL.flatMap(SiteSummary.baseURL)
        if !keyAttributes.isEmpty { options.keyAttributes = keyAttributes }
        options.selection = try policy(requested: requested)
        options.time = input.time
        options.baseline = baselineSummary
        options.thresholds.relative = regressionThreshold / 100
        options.thresholds.minimumNano = DurationFormat.nanoseconds(parsing: regressionMinimum) ?? 500_000
        options.warnings = loaded.files.compactMap { file in file.problem.map { "\(file.path): skipped: \($0)" } }
        options.force = force
        let traceCount = loaded.traces.count
        options.progress = { written, total in
            progress.update("\(traceCount) traces; writing trace pages: \(written) of \(total)")
        }
        let outcome: ReportBuilder.Outcome
        do {
            outcome = try ReportBuilder(templates: templates, rowBudget: input.rowBudget).build(
                traces: loaded.traces, inputs: loaded.files, output: URL(fileURLWithPath: output, isDirectory: true), options: options,
                spanIDsInSeveralTraces: loaded.spanIDsInSeveralTraces)
        } catch {
            progress.clear()
            Progress.report(error.description)
            throw error.exitCode
        }
        progress.clear()

        let regressions = outcome.comparison?.hasRegressions ?? false
        if !input.quiet {
            let skippedNote = loaded.skipped > 0 ? " (\(loaded.skipped) skipped)" : ""
            let seconds = Date().timeIntervalSince(started)
            var line =
                "tracereport: read \(loaded.spanCount) spans from \(loaded.fileCount - loaded.skipped) of \(loaded.fileCount) inputs\(skippedNote), "
                + "\(Progress.megabytes(loaded.byteCount)) MB; \(loaded.traces.count) traces, \(outcome.summary.totals.pages) pages "
                + "in \(String(format: "%.1f", seconds)) s; wrote \(output)/"
            let health = outcome.health
            line += "; health: \(health.findings.count) findings" + (health.worstSeverity.map { ", worst \($0)" } ?? "")
            if let comparison = outcome.comparison {
                line += comparison.hasRegressions ? "; regressions against the baseline" : "; no regression against the baseline"
            }
            print(line)
        }
        if failOnRegression && regressions { throw Exit.regression }
        if let level = failOnHealth.flatMap(InstrumentationHealth.Severity.init(name:)), let worst = outcome.health.worstSeverity,
            worst >= level
        {
            throw Exit.health
        }
        if loaded.skipped > 0 { throw Exit.inputsSkipped }
    }
}
