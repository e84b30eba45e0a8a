public import Foundation

/// Writing files with plain system calls: no flush per file (see `SiteStaging.publish`).
enum FileWriting {
    /// Creates or truncates the file at `path` and writes `text` as UTF-8; returns what went
    /// wrong, if anything.
    static func write(_ text: String, toPath path: String) -> String? {
        var text = text
        return text.withUTF8 { bytes in
            let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { return String(cString: strerror(errno)) }
            var written = 0
            while written < bytes.count {
                let result = Foundation.write(descriptor, bytes.baseAddress! + written, bytes.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    let message = String(cString: strerror(errno))
                    close(descriptor)
                    return message
                }
                written += result
            }
            return close(descriptor) == 0 ? nil : String(cString: strerror(errno))
        }
    }

    /// Flushes the file or folder at `path` to disk; returns what went wrong, if anything.
    static func flush(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return String(cString: strerror(errno)) }
        defer { close(descriptor) }
        return fsync(descriptor) == 0 ? nil : String(cString: strerror(errno))
    }
}

/// One page written so that readers see the old one or the whole new one, never a part: it is
/// written beside its destination, flushed, and renamed over it (an incident page, say). One run
/// at a time writes it; each run removes what killed runs left beside it.
public enum SingleFile {
    /// Writes `text` to `url`.
    /// - Throws: `ReportError.output` when `refusal` says `url` must not be replaced, another
    ///   run writes it, or it cannot be written.
    public static func write(_ text: String, to url: URL, inputs: [String] = [], force: Bool = false) throws(ReportError) {
        if let refusal = refusal(toReplace: url, inputs: inputs, force: force) { throw .output(path: url.path, message: refusal) }
        let lock = try OutputFolder.Lock(for: url)
        defer { lock.release() }
        OutputFolder.removeLeftovers(beside: url)
        let temporary = OutputFolder.uniqueSibling(of: url, role: "staging")
        if let failure = FileWriting.write(text, toPath: temporary.path) {
            unlink(temporary.path)
            throw .output(path: url.path, message: "cannot write (\(failure))")
        }
        _ = FileWriting.flush(temporary.path)
        guard rename(temporary.path, url.path) == 0 else {
            let message = OutputFolder.systemMessage()
            unlink(temporary.path)
            throw .output(path: url.path, message: "cannot move into place (\(message))")
        }
    }

    /// Why the file at `url` must not be replaced: it is one of `inputs` (whatever `force` says),
    /// it is not a file, or (unless `force`) it is not a page tracereport wrote (every page
    /// carries its Content-Security-Policy). Nil when it may be, or does not exist.
    public static func refusal(toReplace url: URL, inputs: [String], force: Bool) -> String? {
        guard !url.path.isEmpty else { return "an empty path is not a file to write; give --output a file name" }
        var status = stat()
        guard lstat(url.path, &status) == 0 else {
            return errno == ENOENT ? nil : "cannot be examined (\(OutputFolder.systemMessage())); choose another --output"
        }
        if let real = OutputFolder.realPath(url.path), inputs.contains(where: { OutputFolder.realPath($0) == real }) {
            return "is an input of this run: writing the page there would destroy it; choose another --output"
        }
        guard status.st_mode & S_IFMT == S_IFREG else { return "exists and is not a file; choose another --output" }
        if force { return nil }
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            return
                "cannot be read (\(OutputFolder.systemMessage())), so it cannot be told to be a tracereport page; choose another --output"
        }
        defer { try? handle.close() }
        let start = String(decoding: (try? handle.read(upToCount: 4_096)) ?? Data(), as: UTF8.self)
        guard start.hasPrefix("<!DOCTYPE html>"), start.contains(ContentSecurityPolicy.signature) else {
            return "exists and is not a page tracereport wrote: refusing to replace it. Choose another --output, or add --force"
        }
        return nil
    }
}
