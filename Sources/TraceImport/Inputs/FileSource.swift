import SystemCalls

/// An open file, pipe or device, read with `read(2)`: the one place where inputs meet the system.
final class FileSource: ByteSource {
    /// What the input is, as `fstat` says.
    enum Kind: Equatable {
        /// A regular file of this many bytes (when it was opened).
        case regular(size: Int)
        /// A pipe, socket or device: bytes come as they come, and cannot be read again.
        case stream
    }

    let name: String
    let kind: Kind
    private let descriptor: FileDescriptor
    private let ownsDescriptor: Bool

    /// Opens the input at `path` (raw bytes, so that names that are not UTF-8 open too), once.
    /// - Throws: `ImportError` when it cannot be opened, or is a folder.
    init(path: InputPath) throws(ImportError) {
        name = path.display
        do {
            descriptor = try FileDescriptor.openForReading(bytes: path.bytes)
        } catch {
            throw ImportError(file: name, message: "cannot open: \(error)")
        }
        ownsDescriptor = true
        let status: Paths.Status
        do {
            status = try descriptor.status()
        } catch {
            descriptor.close()
            throw ImportError(file: name, message: "cannot read: \(error)")
        }
        switch status.entry {
        case .folder:
            descriptor.close()
            throw ImportError(file: name, message: "is a folder")
        case .file: kind = .regular(size: status.size)
        case .other: kind = .stream
        }
    }

    /// Standard input, named `name`; it is not closed.
    init(standardInputNamed name: String) {
        self.name = name
        descriptor = .standardInput
        ownsDescriptor = false
        kind = .stream
    }

    deinit {
        if ownsDescriptor { descriptor.close() }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ImportError) -> Int {
        do {
            return try descriptor.read(into: buffer)
        } catch {
            throw ImportError(file: name, message: "cannot read: \(error)")
        }
    }

    /// Reads the bytes at `offset` of a regular file again (to count its lines); 0 at its end or
    /// when they cannot be read.
    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        (try? descriptor.read(into: buffer, at: offset)) ?? 0
    }
}
