import Glibc
import Synchronization

/// An exclusive lock on a file, taken with `flock` (which the kernel lets go when the process
/// ends, however it ends); the file is created for it and removed when the lock is let go.
public final class FileLock: Sendable {
    public let path: String
    /// The locked file's descriptor; -1 once released.
    private let descriptor: Mutex<Int32>

    /// Why a lock was not taken.
    public enum Failure: Error, Sendable {
        /// The file cannot be created.
        case cannotCreate(SystemError)
        /// Another process holds it.
        case held
    }

    /// Takes the lock, creating the file, or says why not.
    public init(path: String) throws(Failure) {
        self.path = path
        while true {
            let descriptor = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw .cannotCreate(SystemError.last(path)) }
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
                Glibc.close(descriptor)
                throw .held
            }
            // A process that released the lock may have removed the file between our open and
            // flock: then the lock is on a file no other process sees, and is taken again.
            var held = stat()
            var named = stat()
            if fstat(descriptor, &held) == 0, stat(path, &named) == 0, held.st_ino == named.st_ino, held.st_dev == named.st_dev {
                self.descriptor = Mutex(descriptor)
                return
            }
            Glibc.close(descriptor)
        }
    }

    /// Removes the file and lets go of the lock.
    public func release() {
        descriptor.withLock { descriptor in
            guard descriptor >= 0 else { return }
            unlink(path)
            Glibc.close(descriptor)
            descriptor = -1
        }
    }

    deinit { release() }

    /// Whether no process holds the lock of the file at `path` (or there is none).
    public static func isFree(_ path: String) -> Bool {
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return errno == ENOENT }
        defer { Glibc.close(descriptor) }
        return flock(descriptor, LOCK_EX | LOCK_NB) == 0
    }
}
