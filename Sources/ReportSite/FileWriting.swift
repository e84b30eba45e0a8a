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
}

/// One file written so that readers see the old one or the whole new one, never a part: it is
/// written beside its destination, flushed, and renamed over it (an incident page, say).
public enum SingleFile {
    public static func write(_ text: String, to url: URL) throws(ReportError) {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())")
        if let failure = FileWriting.write(text, toPath: temporary.path) {
            throw .output(path: url.path, message: "cannot write: \(failure)")
        }
        let descriptor = open(temporary.path, O_RDONLY | O_CLOEXEC)
        if descriptor >= 0 {
            _ = fsync(descriptor)
            close(descriptor)
        }
        guard rename(temporary.path, url.path) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(temporary.path)
            throw .output(path: url.path, message: "cannot move into place: \(message)")
        }
    }
}
