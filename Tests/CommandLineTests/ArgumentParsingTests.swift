import ArgumentParser
import Foundation
import ReportRun
import ReportSite
import ReportStages
import Testing
import TraceAnalysis
import TraceImport

@testable import tracereport

/// The command line's arguments become the run users get: defaults equal to the library's own,
/// every option carried into the request, and bad values refused with what is wanted.
struct ArgumentParsingTests {
    private let progress = Progress(quiet: true)

    @Test func withNoOptionsTheRunIsTheLibrarysDefault() throws {
        let request = try ReportCommand.parse(["in"]).request(progress: progress)
        var expected = BuildSettings()
        expected.templates = request.templates.fingerprint
        #expect(request.settings == expected)
        #expect(request.inputs == ["in"])
        #expect(request.output.lastPathComponent == "report")
        #expect(request.memoryBudget == MemoryBudget.machineDefault)
        #expect(request.site.thresholds == BaselineComparison.Thresholds())
        #expect(request.format == nil && !request.strict && !request.allowEmpty && !request.site.force)
    }

    @Test func everyOptionReachesTheRequest() throws {
        let request = try ReportCommand.parse([
            "a.json", "b", "--output", "site", "--title", "Night", "--select", "errors,slowest", "--slowest", "5", "--max-pages", "7",
            "--max-error-pages", "2", "--trace-id", "4bf9", "--key-attribute", "http.route", "--time-zone", "Europe/Berlin",
            "--row-budget", "300", "--max-clock-skew", "250ms", "--no-clock-skew-adjust", "--max-spans-per-trace", "900",
            "--format", "zipkin", "--strict", "--allow-empty", "--force", "--memory-budget", "2G", "--regression-threshold", "15",
            "--regression-minimum", "2ms", "--base-url", "https://example.com/r/", "--n-plus-one-calls", "8",
            "--sequential-calls", "4", "--chatty-calls", "50", "--uninstrumented-share", "70", "--uninstrumented-time", "25ms",
        ]).request(progress: progress)
        let settings = request.settings
        #expect(request.inputs == ["a.json", "b"] && request.output.lastPathComponent == "site")
        #expect(settings.title == "Night" && settings.timeZone == "Europe/Berlin" && settings.rowBudget == 300)
        #expect(settings.selection.errors && settings.selection.slowestPerOperation == 5 && !settings.selection.percentiles)
        #expect(settings.selection.maximumPages == 7 && settings.selection.maximumErrorPages == 2)
        #expect(settings.traceIDs == ["4bf9"] && settings.keyAttributes == ["http.route"])
        #expect(settings.assembly.maximumClockSkewNano == 250_000_000 && !settings.assembly.adjustClockSkew)
        #expect(settings.assembly.maximumSpansPerTrace == 900)
        #expect(request.format == .zipkinJSON && request.strict && request.allowEmpty && request.site.force)
        #expect(request.memoryBudget == 2 << 30)
        #expect(request.site.thresholds.relative == 0.15 && request.site.thresholds.minimumNano == 2_000_000)
        #expect(request.site.baseURL == "https://example.com/r/")
        let waste = settings.wastePatterns
        #expect(waste.nPlusOneCalls == 8 && waste.sequentialCalls == 4 && waste.chattyCalls == 50)
        #expect(waste.uninstrumentedPercent == 70 && waste.uninstrumentedNano == 25_000_000)
    }

    @Test(arguments: [
        (["in", "--max-clock-skew", "5"], "wants a duration with a unit"),
        (["in", "--regression-minimum", "fast"], "wants a duration with a unit"),
        (["in", "--memory-budget", "1K"], "at least 16M"),
        (["in", "--select", "errors,fastest"], "unknown 'fastest'"),
        (["in", "--time-zone", "Mars/Olympus"], "IANA zone"),
        (["in", "--output", ""], "--output wants a path"),
        (["in", "--fail-on-regression"], "needs --baseline"),
        (["in", "--base-url", "ftp://x"], "--base-url wants"),
        (["in", "--n-plus-one-calls", "1"], "--n-plus-one-calls must be 2 or more"),
        (["in", "--uninstrumented-share", "101"], "--uninstrumented-share must be 0 to 100"),
        (["in", "--uninstrumented-time", "soon"], "wants a duration with a unit"),
    ])
    func badValuesAreRefusedSayingWhatIsWanted(arguments: [String], said: String) {
        do {
            _ = try ReportCommand.parse(arguments)
            Issue.record("\(arguments): accepted")
        } catch {
            let message = ReportCommand.message(for: error)
            #expect(message.contains(said), "\(arguments): \(message)")
        }
    }
}
