import Foundation
import SystemCalls

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

extension ReportError {
    /// What went wrong in a file operation Foundation reported: the system's message ("Permission
    /// denied") where it has one, never a bare Foundation error code.
    public static func reason(_ error: any Error) -> String {
        let error = error as NSError
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return SystemError(code: Int32(underlying.code)).description
        }
        if error.domain == NSPOSIXErrorDomain { return SystemError(code: Int32(error.code)).description }
        return error.localizedDescription
    }
}
