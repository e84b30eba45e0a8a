public import Foundation
import SystemCalls

/// Writing files with plain system calls: no flush per file (see `SiteStaging.publish`).
enum FileWriting {
    /// Creates or truncates the file at `path` and writes `text` as UTF-8.
    static func write(_ text: String, toPath path: String) throws(SystemError) {
        let file = try FileDescriptor.open(path, O_WRONLY | O_CREAT | O_TRUNC)
        defer { file.close() }
        var text = text
        let failure = text.withUTF8 { bytes in
            Result { () throws(SystemError) in try file.writeAll(UnsafeRawBufferPointer(bytes)) }
        }
        try failure.get()
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
        let lock = try OutputFolder.lock(url)
        defer { lock.release() }
        OutputFolder.removeLeftovers(beside: url)
        let temporary = OutputFolder.uniqueSibling(of: url, role: "staging")
        do {
            try FileWriting.write(text, toPath: temporary.path)
        } catch {
            try? Paths.removeFile(temporary.path)
            throw .output(path: url.path, message: "cannot write (\(error))")
        }
        try? Paths.flush(temporary.path)
        do {
            try Paths.rename(temporary.path, to: url.path)
        } catch {
            try? Paths.removeFile(temporary.path)
            throw .output(path: url.path, message: "cannot move into place (\(error))")
        }
    }

    /// Why the file at `url` must not be replaced: it is one of `inputs` (whatever `force` says),
    /// it is not a file, or (unless `force`) it is not a page tracereport wrote (every page
    /// carries its Content-Security-Policy). Nil when it may be, or does not exist.
    public static func refusal(toReplace url: URL, inputs: [String], force: Bool) -> String? {
        guard !url.path.isEmpty else { return "an empty path is not a file to write; give --output a file name" }
        let entry: Paths.Entry
        do {
            entry = try Paths.entry(url.path)
        } catch {
            return error.code == ENOENT ? nil : "cannot be examined (\(error)); choose another --output"
        }
        if let real = Paths.real(url.path), inputs.contains(where: { Paths.real($0) == real }) {
            return "is an input of this run: writing the page there would destroy it; choose another --output"
        }
        guard entry == .file else { return "exists and is not a file; choose another --output" }
        if force { return nil }
        let bytes: [UInt8]
        do {
            let file = try FileDescriptor.open(url.path, O_RDONLY)
            defer { file.close() }
            bytes = try file.read(upTo: 4_096, at: 0)
        } catch {
            return "cannot be read (\(error)), so it cannot be told to be a tracereport page; choose another --output"
        }
        let start = String(decoding: bytes, as: UTF8.self)
        guard start.hasPrefix("<!DOCTYPE html>"), start.contains(ContentSecurityPolicy.signature) else {
            return "exists and is not a page tracereport wrote: refusing to replace it. Choose another --output, or add --force"
        }
        return nil
    }
}
