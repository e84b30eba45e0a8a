public import Foundation
import Mustache
import SystemCalls
import TraceCharts

/// The page templates and stylesheet: those embedded at build time from `Templates/`, each
/// replaceable by a file of the same name in a folder the user names (`--templates DIR`).
public struct TemplateSet: Sendable {
    /// The pages but the trace page, and the partials they include (tables, and the cells they
    /// share), each under its file name less `.html.mustache` or `.mustache`.
    let pages: MustacheLibrary
    /// The partials rendered through plans (see `PlannedPartial`), by name.
    private let rowPlans: [String: TemplatePlan]
    let trace: MustacheTemplate
    /// The stylesheet inlined into every page.
    let css: String
    /// The script of the services, service and health pages: tables re-sorted, dependency
    /// graphs searched and focused.
    let tablesScript: String
    /// The trace page's waterfall (drawn whole, or as it scrolls for a large trace) and
    /// dependency graph interaction.
    let traceScript: String
    /// The index's trace finder.
    let indexScript: String
    /// The Content-Security-Policy of the index, of trace pages and of the services pages: worked
    /// out once, as each hashes the stylesheet and script it allows.
    let indexPagePolicy: String
    let tracePagePolicy: String
    let servicesPagePolicy: String
    /// The list pages run no script.
    let listPagePolicy: String
    /// The built-in trace page, compiled into text and values; nil when `--templates` replaces
    /// it (a template of one's own is always rendered by Mustache).
    let tracePlan: TemplatePlan?
    /// SHA-256 (hex) of every template and script as loaded: two sets with the same fingerprint
    /// draw the same pages, which the `build` and `merge` stages check.
    public let fingerprint: String

    /// Loads the embedded templates, overlaid by the files in `overrides` when given.
    /// - Throws: `ReportError.template` when a file cannot be read or does not parse.
    public init(overrides: URL? = nil) throws(ReportError) {
        var replaced: Set<String> = []
        var loaded: [UInt8] = []
        func text(_ name: String) throws(ReportError) -> String {
            let source = try source(name)
            loaded += Array("\(name)\n\(source.utf8.count)\n".utf8) + Array(source.utf8)
            return source
        }
        func source(_ name: String) throws(ReportError) -> String {
            if let overrides {
                let url = overrides.appendingPathComponent(name)
                if Paths.exists(url.path) {
                    replaced.insert(name)
                    let text: String?
                    do {
                        text = try Paths.text(of: url.path)
                    } catch {
                        throw .template(name: url.path, message: "cannot read (\(error))")
                    }
                    guard let text else { throw .template(name: url.path, message: "cannot read (not UTF-8)") }
                    return text
                }
            }
            guard let embedded = EmbeddedFiles.contents[name] else {
                throw .template(name: name, message: "no such template")
            }
            return embedded
        }
        func compile(_ name: String, contentType pragma: String, partial: Bool = false) throws(ReportError) -> MustacheTemplate {
            var source = try text(name)
            // A partial of one line is put inside a line: its newline is dropped.
            if partial, source.hasSuffix("\n"), source.firstIndex(of: "\n") == source.index(before: source.endIndex) {
                source.removeLast()
            }
            do {
                // On a line of its own, the pragma leaves no trace in the output.
                return try MustacheTemplate(string: pragma + "\n" + source)
            } catch {
                throw .template(name: name, message: "\(error)")
            }
        }
        var pages = MustacheLibrary()
        for name in Self.pageNames + Self.partialNames {
            let template = try compile(name, contentType: SiteHTML.pragma, partial: Self.partialNames.contains(name))
            pages.register(template, named: Self.libraryName(name))
        }
        self.pages = pages
        // A template holding the markers' characters is never planned: its text could be taken for a marker.
        let plannable = !String(decoding: loaded, as: UTF8.self).unicodeScalars.contains { $0.value >= 0xFFFD && $0.value <= 0xFFFF }
        rowPlans = Dictionary(
            uniqueKeysWithValues: PlannedPartial.all.map { row in
                (
                    row.name,
                    TemplatePlan(
                        template: pages.getTemplate(named: row.name)!, library: pages, valueNames: row.names.values,
                        switchNames: row.names.switches, planned: plannable)
                )
            })
        trace = try compile("trace.html.mustache", contentType: PreEscapedHTML.pragma)
        css = try text("style.css")
        let graphScript = try text("graph.js")
        tablesScript = try text("sort-tables.js") + "\n" + graphScript
        traceScript = try [text("waterfall-parts.js"), text("trace-large.js"), text("trace.js"), graphScript].joined(separator: "\n")
        indexScript = try text("index.js")
        indexPagePolicy = ContentSecurityPolicy.policy(forInlineStyle: css, inlineScript: indexScript)
        tracePagePolicy = ContentSecurityPolicy.policy(forInlineStyle: css, inlineScript: traceScript)
        servicesPagePolicy = ContentSecurityPolicy.policy(forInlineStyle: css, inlineScript: tablesScript)
        listPagePolicy = ContentSecurityPolicy.policy(forInlineStyle: css)
        tracePlan =
            replaced.contains("trace.html.mustache")
            ? nil : TemplatePlan(template: trace, valueNames: TracePage.valueNames, switchNames: TracePage.switchNames)
        fingerprint = SHA256.digest(loaded).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}

extension TemplateSet {
    /// The page templates rendered from `pages`.
    static let pageNames = [
        "index.html.mustache", "services.html.mustache", "service.html.mustache", "list.html.mustache", "health.html.mustache",
        "patterns.html.mustache", "workflows.html.mustache",
    ]
    /// The partials the pages include: `{{> health-findings}}` is `health-findings.mustache`.
    static let partialNames =
        [
            // Cells and links the tables share.
            "severity.mustache", "service-link.mustache", "trace-examples.mustache", "latency-cells.mustache", "exemplars.mustache",
            // Tables and sections, by page.
            "entry-points.mustache", "changes.mustache", "list-pager.mustache", "slowest-hops.mustache", "slowest-operations.mustache",
            "service-neighbours.mustache", "service-operations.mustache", "service-traces.mustache", "health-overview.mustache",
            "health-findings.mustache", "key-attribute-coverage.mustache", "timeline.mustache",
        ] + PlannedPartial.all.map { $0.name + ".mustache" }

    /// `health.html.mustache` is `health`, `health-findings.mustache` is `health-findings`.
    private static func libraryName(_ file: String) -> String {
        String(file.dropLast(file.hasSuffix(".html.mustache") ? 14 : 9))
    }

    /// The plan of a row partial.
    func plan(_ row: PlannedPartial) -> TemplatePlan { rowPlans[row.name]! }

    /// The page `name` (`health`) for `context`.
    func render(_ name: String, _ context: [String: Any]) -> String {
        pages.render(context, withTemplate: name) ?? ""
    }
}

/// The pages but the trace page are given their values as they are, and `{{name}}` escapes them
/// for HTML as the charts' text is escaped (`Markup.escape`: the five special characters, and
/// characters XML does not allow replaced), once, where the template puts them.
enum SiteHTML: MustacheContentType {
    case shared

    func escapeText(_ text: String) -> String { Markup.escape(text) }

    /// The pragma put before every template and partial but the trace page's.
    static var pragma: String { "{{% CONTENT_TYPE:\(registered)}}" }

    private static let registered: String = {
        MustacheContentTypes.register(SiteHTML.shared, named: "TRACEREPORT_SITE_HTML")
        return "TRACEREPORT_SITE_HTML"
    }()
}

/// The values of the trace page are HTML already (each escaped once, where it was made, by
/// `Markup.escape`): in its template `{{name}}` inserts them as they are, as `{{{name}}}` does,
/// so that a template of one's own escapes nothing twice.
enum PreEscapedHTML: MustacheContentType {
    case shared

    func escapeText(_ text: String) -> String { text }

    /// The pragma put before the trace page's template (the content type registered on first use).
    static var pragma: String { "{{% CONTENT_TYPE:\(registered)}}" }

    private static let registered: String = {
        MustacheContentTypes.register(PreEscapedHTML.shared, named: "TRACEREPORT_PRE_ESCAPED_HTML")
        return "TRACEREPORT_PRE_ESCAPED_HTML"
    }()
}
