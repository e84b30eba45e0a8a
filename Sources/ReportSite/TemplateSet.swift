public import Foundation
import Mustache

/// The page templates and stylesheet: those embedded at build time from `Templates/`, each
/// replaceable by a file of the same name in a folder the user names (`--templates DIR`).
public struct TemplateSet: Sendable {
    let index: MustacheTemplate
    let trace: MustacheTemplate
    let services: MustacheTemplate
    let service: MustacheTemplate
    let list: MustacheTemplate
    let health: MustacheTemplate
    /// The stylesheet inlined into every page.
    let css: String
    /// The script that lets readers re-sort the services page's tables.
    let sortScript: String
    /// The trace page's waterfall interaction.
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
                if FileManager.default.fileExists(atPath: url.path) {
                    replaced.insert(name)
                    do {
                        return try String(contentsOf: url, encoding: .utf8)
                    } catch {
                        throw .template(name: url.path, message: "cannot read (\(ReportError.reason(error)))")
                    }
                }
            }
            guard let embedded = EmbeddedFiles.contents[name] else {
                throw .template(name: name, message: "no such template")
            }
            return embedded
        }
        func compile(_ name: String, preEscaped: Bool = false) throws(ReportError) -> MustacheTemplate {
            let source = try text(name)
            do {
                return try MustacheTemplate(string: (preEscaped ? PreEscapedHTML.pragma : "") + source)
            } catch {
                throw .template(name: name, message: "\(error)")
            }
        }
        index = try compile("index.html.mustache")
        trace = try compile("trace.html.mustache", preEscaped: true)
        services = try compile("services.html.mustache")
        service = try compile("service.html.mustache")
        list = try compile("list.html.mustache")
        health = try compile("health.html.mustache")
        css = try text("style.css")
        sortScript = try text("sort-tables.js")
        traceScript = try text("trace.js")
        indexScript = try text("index.js")
        indexPagePolicy = ContentSecurityPolicy.policy(forInlineStyle: css, inlineScript: indexScript)
        tracePagePolicy = ContentSecurityPolicy.policy(forInlineStyle: css, inlineScript: traceScript)
        servicesPagePolicy = ContentSecurityPolicy.policy(forInlineStyle: css, inlineScript: sortScript)
        listPagePolicy = ContentSecurityPolicy.policy(forInlineStyle: css)
        tracePlan =
            replaced.contains("trace.html.mustache")
            ? nil : TemplatePlan(template: trace, valueNames: TracePage.valueNames, switchNames: TracePage.switchNames)
        fingerprint = SHA256.digest(loaded).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
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
