import ArgumentParser
import Foundation
import ReportRun
import ReportSite

/// The check every command makes of its output before any work: a refusal (why, and what to
/// do) costs seconds, not the hour a night's inputs take to read.
enum OutputCheck {
    /// Recovers `path` from a killed run, then reports why it must not be replaced by a run
    /// writing `kind` from `inputs` (`ReportRun.refuseUnsafe`), and exits (73); returns when it
    /// may be.
    static func refuseUnsafe(_ path: String, kind: OutputFolder.Kind, inputs: [String], force: Bool, progress: Progress) throws {
        try progress.running { () throws(RunFailure) in
            try ReportRun.refuseUnsafe(URL(fileURLWithPath: path, isDirectory: true), kind: kind, inputs: inputs, force: force)
        }
    }

    /// A usage error for an empty `--output`, which would name the current folder.
    static func validate(_ output: String?) throws {
        if output?.isEmpty == true { throw ValidationError("--output wants a path, not an empty string") }
    }
}
