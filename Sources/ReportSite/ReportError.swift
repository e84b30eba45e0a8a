import Foundation

/// Why a report could not be written.
public enum ReportError: Error, CustomStringConvertible, Sendable {
    /// A template could not be read or compiled.
    case template(name: String, message: String)
    /// A chart failed validation: a bug in tracereport, so the page was not written.
    case invalidChart(page: String, messages: [String])
    /// The output folder could not be written or replaced.
    case output(path: String, message: String)
    /// A file the report needs (a baseline summary) is missing or unreadable.
    case input(path: String, message: String)

    public var description: String {
        switch self {
        case .template(let name, let message):
            "template \(name): \(message)"
        case .invalidChart(let page, let messages):
            "internal error: the chart for \(page) failed SVG validation, so no report was written "
                + "(please report this bug):\n" + messages.map { "  " + $0 }.joined(separator: "\n")
        case .output(let path, let message), .input(let path, let message):
            "\(path): \(message)"
        }
    }
}
