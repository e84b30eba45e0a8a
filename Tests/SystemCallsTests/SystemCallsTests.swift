import Foundation
import SystemCalls
import Testing

/// The one layer of system calls: what each does, and the error (with its errno) each gives.
struct SystemCallsTests {
    private func folder(_ name: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("systemcalls-\(name)-\(UUID().uuidString)").path
        try Paths.makeFolder(path)
        return path
    }

    @Test func filesAreWrittenReadAtPositionsCutAndFlushed() throws {
        let path = try folder("file") + "/data"
        let file = try FileDescriptor.open(path, O_RDWR | O_CREAT | O_TRUNC)
        defer { file.close() }
        let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try bytes.withUnsafeBytes { raw in Result { () throws(SystemError) in try file.writeAll(raw) } }.get()
        #expect(try file.position() == bytes.count)
        #expect(try file.read(upTo: 10, at: 500) == Array(bytes[500..<510]))
        #expect(try file.read(upTo: 10, at: UInt64(bytes.count - 4)) == Array(bytes.suffix(4)))
        #expect(try file.read(upTo: 10, at: 1 << 40).isEmpty)
        try [UInt8](repeating: 9, count: 3).withUnsafeBytes { raw in Result { () throws(SystemError) in try file.write(raw, at: 2) } }.get()
        #expect(try file.read(upTo: 6, at: 0) == [bytes[0], bytes[1], 9, 9, 9, bytes[5]])
        #expect(try file.position() == bytes.count)
        try file.truncate(to: 7)
        #expect(try file.position() == 7)
        #expect(try file.read(upTo: 100, at: 0).count == 7)
        try file.flush()
        try Paths.flush(path)
    }

    @Test func failuresCarryTheirErrno() throws {
        let base = try folder("errors")
        try Data().write(to: URL(fileURLWithPath: base + "/file"))
        #expect(code { () throws(SystemError) in _ = try FileDescriptor.open(base + "/missing", O_RDONLY) } == ENOENT)
        #expect(code { () throws(SystemError) in _ = try Paths.names(in: base + "/missing") } == ENOENT)
        #expect(code { () throws(SystemError) in _ = try Paths.entry(base + "/missing") } == ENOENT)
        #expect(code { () throws(SystemError) in try Paths.makeFolder(base) } == EEXIST)
        #expect(code { () throws(SystemError) in _ = try Paths.names(in: base + "/file") } == ENOTDIR)
        #expect(code { () throws(SystemError) in try Paths.rename(base + "/missing", to: base + "/other") } == ENOENT)
        #expect(SystemError(code: ENOSPC).description == "No space left on device")
    }

    /// The errno `body` failed with; nil when it did not fail.
    private func code(_ body: () throws(SystemError) -> Void) -> Int32? { failure(body)?.code }

    private func failure(_ body: () throws(SystemError) -> Void) -> SystemError? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }

    @Test func failuresCarryTheirPath() throws {
        let base = try folder("paths")
        #expect(failure { () throws(SystemError) in _ = try FileDescriptor.open(base + "/missing", O_RDONLY) }?.path == base + "/missing")
        #expect(failure { () throws(SystemError) in try Paths.rename(base + "/a", to: base + "/b") }?.path == base + "/a")
        #expect(failure { () throws(SystemError) in _ = try Paths.names(inBytes: Array((base + "/none").utf8)) }?.path == base + "/none")
        #expect(failure { () throws(SystemError) in try Paths.makeFolder(base) } == SystemError(code: EEXIST, path: base))
        #expect(SystemError(code: ENOENT, path: "/x").description == "No such file or directory")
    }

    @Test func foldersAreListedRenamedExchangedAndRemoved() throws {
        let base = try folder("paths")
        try Paths.makeFolder(base + "/a")
        try Paths.makeFolder(base + "/b")
        try Data("A".utf8).write(to: URL(fileURLWithPath: base + "/a/mark"))
        try Data("B".utf8).write(to: URL(fileURLWithPath: base + "/b/mark"))
        #expect(try Paths.names(in: base).sorted() == ["a", "b"])
        #expect(try Paths.entry(base + "/a") == .folder && (try Paths.entry(base + "/a/mark")) == .file)
        try Paths.exchange(base + "/a", base + "/b")
        #expect(try String(contentsOfFile: base + "/a/mark", encoding: .utf8) == "B")
        #expect(code { () throws(SystemError) in try Paths.rename(base + "/a", to: base + "/b") } == ENOTEMPTY)
        try Paths.rename(base + "/a/mark", to: base + "/b/mark")
        try Paths.removeEmptyFolder(base + "/a")
        try Paths.removeFile(base + "/b/mark")
        #expect(try Paths.names(in: base) == ["b"])
        #expect(Paths.real(base + "/b/../b") == Paths.real(base)! + "/b")
        #expect(Paths.real(base + "/none") == nil)
    }

    @Test func aLockIsHeldByOneOpenerAtATime() throws {
        let path = try folder("lock") + "/lock"
        let lock = try FileLock(path: path)
        #expect(!FileLock.isFree(path))
        #expect {
            try FileLock(path: path)
        } throws: { error in
            if case .held = error as? FileLock.Failure { true } else { false }
        }
        lock.release()
        #expect(FileLock.isFree(path))
        #expect(!Paths.exists(path))
    }

    @Test func mountPointsAreTold() throws {
        #expect(Paths.isMountPoint("/proc"))
        #expect(!Paths.isMountPoint(try folder("plain")))
        #expect(!Paths.isMountPoint("/"))
    }

    @Test func pathsThatAreNotUTF8AreListedStatedAndRead() throws {
        let base = Array(try folder("bytes").utf8)
        let name: [UInt8] = Array("caf".utf8) + [0xE9]
        let path = base + [UInt8(ascii: "/")] + name
        let created = (path + [0]).withUnsafeBufferPointer { raw in
            raw.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT, 0o644) }
        }
        #expect(created >= 0)
        _ = [UInt8]("spans".utf8).withUnsafeBytes { write(created, $0.baseAddress, $0.count) }
        close(created)
        #expect(try Paths.names(inBytes: base) == [name])
        let status = try Paths.status(bytes: path)
        #expect(status.entry == .file && status.size == 5)
        #expect(try Paths.status(bytes: base).entry == .folder)
        #expect(try Paths.status(bytes: base).identity != status.identity)
        let file = try FileDescriptor.openForReading(bytes: path)
        defer { file.close() }
        #expect(try file.status() == status)
        var buffer = [UInt8](repeating: 0, count: 8)
        let read = { (at: Int?) in
            try buffer.withUnsafeMutableBytes { raw in
                Result { () throws(SystemError) in
                    if let at { try file.read(into: raw, at: at) } else { try file.read(into: raw) }
                }
            }.get()
        }
        #expect(try read(nil) == 5 && buffer.prefix(5) == Array("spans".utf8)[...])
        #expect(try read(nil) == 0)
        #expect(try read(3) == 2 && buffer.prefix(2) == Array("ns".utf8)[...])
        #expect(code { () throws(SystemError) in _ = try Paths.status(bytes: base + [UInt8(ascii: "/"), 0xFF]) } == ENOENT)
        #expect(code { () throws(SystemError) in _ = try FileDescriptor.openForReading(bytes: base + [0xFF]) } == ENOENT)
        #expect(code { () throws(SystemError) in _ = try Paths.names(inBytes: path) } == ENOTDIR)
    }

    @Test func mappedMemoryIsZeroedAndGivenBack() throws {
        let memory = try #require(Processes.mapMemory(byteCount: 4 << 20))
        #expect(memory.allSatisfy { $0 == 0 })
        memory[memory.count - 1] = 7
        Processes.unmap(memory)
    }

    @Test func filesAreReadWholeOrMappedAndTreesMadeAndRemoved() throws {
        let base = try folder("trees")
        try Paths.makeFolders(base + "/a/b/c")
        try Paths.makeFolders(base + "/a/b/c")
        #expect(try Paths.status(base + "/a/b/c").entry == .folder)
        let file = try FileDescriptor.open(base + "/a/b/data", O_WRONLY | O_CREAT | O_TRUNC)
        let bytes = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try bytes.withUnsafeBytes { raw in Result { () throws(SystemError) in try file.writeAll(raw) } }.get()
        file.close()
        #expect(try Paths.contents(of: base + "/a/b/data") == bytes)
        #expect(try Paths.text(of: base + "/a/b/data") == nil)
        #expect(try MappedFile(path: base + "/a/b/data").withBytes { Array($0) } == bytes)
        try FileDescriptor.open(base + "/empty", O_WRONLY | O_CREAT).close()
        #expect(try MappedFile(path: base + "/empty").withBytes { $0.isEmpty })
        #expect(try Paths.text(of: "/proc/self/mountinfo")?.isEmpty == false)
        let current = try #require(Paths.currentFolder)
        #expect(try Paths.status(current).entry == .folder)
        // A deep tree, a read-only folder and a link (removed, not followed) go; what the link
        // points to stays.
        var deep = base + "/deep"
        for level in 0..<300 { deep += "/\(level)" }
        try Paths.makeFolders(deep)
        try Paths.makeFolders(base + "/kept")
        #expect(symlink(base + "/kept", base + "/a/link") == 0)
        #expect(chmod(base + "/a/b", 0o500) == 0)
        try Paths.removeTree(base + "/a")
        try Paths.removeTree(base + "/deep")
        #expect(try Paths.names(in: base).sorted() == ["empty", "kept"])
        #expect(code { () throws(SystemError) in try Paths.removeTree(base + "/gone") } == ENOENT)
    }
}
