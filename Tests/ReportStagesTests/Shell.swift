import Foundation
import TestSupport

/// Commands run as a user would type them.
enum Shell {
    /// Runs `script` in `sh` in `folder`, with `$T` the binary and `$S` the samples; its status
    /// and standard error.
    static func run(_ script: String, in folder: URL) throws -> (status: Int32, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        process.currentDirectoryURL = folder
        process.environment = [
            "T": CommandLineStagesTests.binary.path, "S": Fixtures.repositoryRoot.appendingPathComponent("samples").path,
            "PATH": "/usr/bin:/bin",
        ]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }
}
