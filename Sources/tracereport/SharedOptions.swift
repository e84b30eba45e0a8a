import ArgumentParser
import Foundation
import ReportSite
import ReportStages
import TraceAssembly
import TraceModel

/// How spans are assembled into traces: given to `report`, `trace` and `build`.
struct AssemblyFlags: ParsableArguments {
    @Option(
        help: "The largest shift clock-skew adjustment may make, e.g. 500ms, 30s, 1m. (default: \(Self.defaultMaxClockSkew))",
        transform: DurationArgument.parse)
    var maxClockSkew = Self.defaultMaxClockSkew
    static let defaultMaxClockSkew = DurationArgument(nanoseconds: 60_000_000_000, written: "1m")

    @Flag(help: "Do not shift spans whose clocks disagree with their parents' hosts.")
    var noClockSkewAdjust = false

    @Option(help: "A trace with more spans keeps only its earliest this many, with a warning.")
    var maxSpansPerTrace: Int = 2_000_000

    func validate() throws {
        if maxSpansPerTrace < 1 { throw ValidationError("--max-spans-per-trace must be at least 1") }
    }

    var settings: BuildSettings.Assembly {
        var settings = BuildSettings.Assembly()
        settings.adjustClockSkew = !noClockSkewAdjust
        settings.maximumClockSkewNano = maxClockSkew.nanoseconds
        settings.maximumSpansPerTrace = maxSpansPerTrace
        return settings
    }
}

/// How pages are drawn: given to `report`, `trace` and `build`.
struct PageOptions: ParsableArguments {
    @Option(
        help:
            "Folder of templates (index.html.mustache, trace.html.mustache, services.html.mustache, style.css) overriding the built-in ones by name."
    )
    var templates: String?

    @Option(help: "Above this many spans, a trace page summarises its waterfall and lists its spans as text.")
    var rowBudget: Int = ReportBuilder.defaultRowBudget

    @Option(help: "Show times in this IANA time zone (e.g. Europe/Berlin) instead of UTC.")
    var timeZone: String = "UTC"

    func validate() throws {
        if rowBudget < 1 { throw ValidationError("--row-budget must be at least 1") }
        if TimeDisplay(identifier: timeZone) == nil {
            throw ValidationError("--time-zone wants an IANA zone name such as UTC or Europe/Berlin, not '\(timeZone)'")
        }
    }

    var time: TimeDisplay { TimeDisplay(identifier: timeZone) ?? .utc }

    func templateSet() throws -> TemplateSet { try Self.templateSet(templates) }

    /// The built-in templates overlaid by those in `folder`; reports why not and exits otherwise.
    static func templateSet(_ folder: String?) throws -> TemplateSet {
        do {
            return try TemplateSet(overrides: folder.map { URL(fileURLWithPath: $0, isDirectory: true) })
        } catch {
            Progress.report(error.description)
            throw Exit.missing
        }
    }
}
