public import Glibc

/// System calls on paths: what is there, listing, resolving, renaming, and the mount table.
public enum Paths {
    /// What is at `path` (links not followed).
    public enum Entry: Sendable, Equatable {
        case folder, file, other
    }

    /// What a path leads to, as `stat` says.
    public struct Status: Sendable, Equatable {
        public var entry: Entry
        /// Its size in bytes (a regular file's, when it was asked).
        public var size: Int
        /// The file's identity: the same folder reached by two paths (a link) has the same.
        public var identity: FileIdentity

        init(_ status: stat) {
            entry =
                switch status.st_mode & S_IFMT {
                case S_IFDIR: .folder
                case S_IFREG: .file
                default: .other
                }
            size = Int(status.st_size)
            identity = FileIdentity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
        }
    }

    /// A file's device and inode.
    public struct FileIdentity: Hashable, Sendable {
        public var device: UInt64
        public var inode: UInt64
    }

    /// What the path whose bytes are `path` leads to, links followed.
    public static func status(bytes path: [UInt8]) throws(SystemError) -> Status {
        var status = stat()
        guard withCPath(path, { stat($0, &status) }) == 0 else { throw SystemError.last(String(decoding: path, as: UTF8.self)) }
        return Status(status)
    }

    /// What is at `path`, links not followed; `SystemError` with ENOENT when nothing is.
    public static func entry(_ path: String) throws(SystemError) -> Entry {
        var status = stat()
        guard lstat(path, &status) == 0 else { throw SystemError.last(path) }
        switch status.st_mode & S_IFMT {
        case S_IFDIR: return .folder
        case S_IFREG: return .file
        default: return .other
        }
    }

    /// Whether anything is at `path` (a link counts, whatever it points to).
    public static func exists(_ path: String) -> Bool { (try? entry(path)) != nil }

    /// The names in the folder at `path` (not `.` and `..`), in the order the folder gives them.
    public static func names(in path: String) throws(SystemError) -> [String] {
        try names(inBytes: Array(path.utf8)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The names (their bytes, which need not be UTF-8) in the folder whose path's bytes are
    /// `path`, not `.` and `..`, in the order the folder gives them.
    public static func names(inBytes path: [UInt8]) throws(SystemError) -> [[UInt8]] {
        guard let directory = withCPath(path, { opendir($0) }) else { throw SystemError.last(String(decoding: path, as: UTF8.self)) }
        defer { closedir(directory) }
        var names: [[UInt8]] = []
        while true {
            errno = 0
            guard let entry = readdir(directory) else {
                if errno != 0 { throw SystemError.last(String(decoding: path, as: UTF8.self)) }
                return names
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            if name != [UInt8(ascii: ".")] && name != [UInt8(ascii: "."), UInt8(ascii: ".")] { names.append(name) }
        }
    }

    /// Calls `body` with the path whose bytes are `path`, NUL-terminated.
    static func withCPath<Result>(_ path: [UInt8], _ body: (UnsafePointer<CChar>) -> Result) -> Result {
        (path + [0]).withUnsafeBufferPointer { body(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self)) }
    }

    /// The path with links and `..` resolved; nil when it does not exist.
    public static func real(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Renames `from` to `to`, replacing a file or an empty folder there.
    public static func rename(_ from: String, to: String) throws(SystemError) {
        guard Glibc.rename(from, to) == 0 else { throw SystemError.last(from) }
    }

    /// Swaps the entries at two paths in one step: glibc's `renameat2` with `RENAME_EXCHANGE`
    /// (2.28 and later; Swift's C library module does not declare it, so it is looked up).
    /// ENOSYS where the C library lacks it, EINVAL where the file system cannot.
    public static func exchange(_ first: String, _ second: String) throws(SystemError) {
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        // A nil handle is RTLD_DEFAULT: the symbol as the process sees it.
        guard let symbol = dlsym(nil, "renameat2") else { throw SystemError(code: ENOSYS, path: first) }
        let renameAt2 = unsafeBitCast(symbol, to: RenameAt2.self)
        guard renameAt2(AT_FDCWD, first, AT_FDCWD, second, 1 << 1) == 0 else { throw SystemError.last(first) }  // RENAME_EXCHANGE
    }

    /// What the path leads to, links followed.
    public static func status(_ path: String) throws(SystemError) -> Status { try status(bytes: Array(path.utf8)) }

    /// The current working folder; nil when it cannot be told (it was removed).
    public static var currentFolder: String? {
        guard let path = getcwd(nil, 0) else { return nil }
        defer { free(path) }
        return String(cString: path)
    }

    /// Makes the folder `path` and any of its parents that are missing; nothing when it is a
    /// folder already.
    public static func makeFolders(_ path: String) throws(SystemError) {
        var missing: [String] = []
        var current = path
        while !current.isEmpty, current != "/", (try? status(current))?.entry != .folder {
            missing.append(current)
            guard let slash = current.lastIndex(of: "/") else { break }
            current = String(current[..<slash])
        }
        for folder in missing.reversed() {
            do {
                try makeFolder(folder)
            } catch  where error.code == EEXIST && (try? status(folder))?.entry == .folder {
                // Made meanwhile by another thread or run.
            }
        }
    }

    /// Removes the tree at `path` (a file, or a folder and everything in it), making its folders
    /// writable first where they are not; links are removed, never followed. Walks with a list of
    /// folders, not by recursion: a tree may be deep. The first failure is thrown.
    public static func removeTree(_ path: String) throws(SystemError) {
        func isFolder(_ path: [UInt8]) throws(SystemError) -> Bool {
            var status = stat()
            guard withCPath(path, { lstat($0, &status) }) == 0 else { throw SystemError.last(String(decoding: path, as: UTF8.self)) }
            return status.st_mode & S_IFMT == S_IFDIR
        }
        func remove(_ path: [UInt8], folder: Bool) throws(SystemError) {
            guard withCPath(path, { folder ? rmdir($0) : unlink($0) }) == 0 else {
                throw SystemError.last(String(decoding: path, as: UTF8.self))
            }
        }
        let root = Array(path.utf8)
        guard try isFolder(root) else { return try remove(root, folder: false) }
        // Folders in the order they are met; each is removed after all that follow it.
        var folders = [root]
        var next = 0
        while next < folders.count {
            let folder = folders[next]
            next += 1
            _ = withCPath(folder) { chmod($0, 0o700) }
            for name in try names(inBytes: folder) {
                let child = folder + [UInt8(ascii: "/")] + name
                if try isFolder(child) { folders.append(child) } else { try remove(child, folder: false) }
            }
        }
        for folder in folders.reversed() { try remove(folder, folder: true) }
    }

    /// Makes the folder `path` (its parent must exist); `SystemError` with EEXIST when something is there.
    public static func makeFolder(_ path: String, mode: mode_t = 0o755) throws(SystemError) {
        guard mkdir(path, mode) == 0 else { throw SystemError.last(path) }
    }

    /// Removes the file (or link) at `path`.
    public static func removeFile(_ path: String) throws(SystemError) {
        guard unlink(path) == 0 else { throw SystemError.last(path) }
    }

    /// Removes the empty folder at `path`.
    public static func removeEmptyFolder(_ path: String) throws(SystemError) {
        guard rmdir(path) == 0 else { throw SystemError.last(path) }
    }

    /// Lets the owner write into the folder at `path` (and list and enter it).
    public static func makeWritable(_ path: String) throws(SystemError) {
        guard chmod(path, 0o700) == 0 else { throw SystemError.last(path) }
    }

    /// Flushes the file or folder at `path` to disk.
    public static func flush(_ path: String) throws(SystemError) {
        let descriptor = try FileDescriptor.open(path, O_RDONLY)
        defer { descriptor.close() }
        try descriptor.flush()
    }

    /// Flushes everything written, on every file system.
    public static func flushAll() { sync() }

    /// Whether the folder at `path` is a mount point: on another device than its parent, or in
    /// the kernel's mount table (a bind mount of a folder of the same file system).
    public static func isMountPoint(_ path: String) -> Bool {
        var status = stat()
        guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR, let real = real(path), real != "/" else { return false }
        var parent = stat()
        let parentPath = real.lastIndex(of: "/").map { $0 == real.startIndex ? "/" : String(real[..<$0]) } ?? "/"
        if stat(parentPath, &parent) == 0, parent.st_dev != status.st_dev { return true }
        guard let table = try? text(of: "/proc/self/mountinfo") else { return false }
        // Field 5 of each line is a mount point, its spaces, tabs, newlines and backslashes as
        // octal escapes.
        return table.split(separator: "\n").contains { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            return fields.count > 4 && unescape(fields[4]) == real
        }
    }

    /// The bytes of the file at `path`.
    public static func contents(of path: String) throws(SystemError) -> [UInt8] {
        let descriptor = try FileDescriptor.open(path, O_RDONLY)
        defer { descriptor.close() }
        return try descriptor.readAll()
    }

    /// The text of the file at `path`; nil when it is not UTF-8.
    public static func text(of path: String) throws(SystemError) -> String? {
        String(validating: try contents(of: path), as: UTF8.self)
    }

    /// A mount table path with its `\ooo` escapes decoded.
    private static func unescape(_ field: Substring) -> String {
        var bytes: [UInt8] = []
        var rest = Array(field.utf8)[...]
        while let byte = rest.popFirst() {
            if byte == UInt8(ascii: "\\"), rest.count >= 3, let value = UInt8(String(decoding: rest.prefix(3), as: UTF8.self), radix: 8) {
                bytes.append(value)
                rest = rest.dropFirst(3)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
