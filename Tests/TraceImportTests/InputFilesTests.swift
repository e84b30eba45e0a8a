import Foundation
import TestSupport
import Testing
import TraceModel

@testable import TraceImport

/// Folders are listed with links followed, loops read once, names that are not UTF-8 read by
/// their own bytes, and what cannot be read named rather than passed over in silence.
struct InputFilesTests {
    static let span = Array(SpanEncoders.otlpJSON([SpanBuilder.span(id: 1, start: 0, end: 1)]).utf8)

    func folder() throws -> URL { try Fixtures.temporaryDirectory("listing") }

    func write(_ path: String) throws {
        #expect(FileManager.default.createFile(atPath: path, contents: Data(Self.span)))
    }

    @Test func linksAreFollowedAndALoopIsReadOnce() throws {
        let root = try folder().path
        let elsewhere = try folder().path
        try write(elsewhere + "/linked.json")
        try write(root + "/own.json")
        try FileManager.default.createDirectory(atPath: root + "/sub", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root + "/outside", withDestinationPath: elsewhere)
        try FileManager.default.createSymbolicLink(atPath: root + "/sub/loop", withDestinationPath: "..")
        try FileManager.default.createSymbolicLink(atPath: root + "/alias.json", withDestinationPath: root + "/own.json")
        try FileManager.default.createSymbolicLink(atPath: root + "/gone.json", withDestinationPath: root + "/nothing-here")
        let listing = try InputFiles.list([root])
        // own.json and the link to it are one file, listed once by the first of its names.
        #expect(listing.files == [root + "/alias.json", root + "/outside/linked.json"])
        #expect(listing.passedOver.map(\.file) == [root + "/gone.json"])
        #expect(listing.passedOver.first?.message.contains("No such file") == true)
    }

    @Test func namesThatAreNotUTF8AreListedAndRead() throws {
        let root = try folder()
        let name: [UInt8] = Array("caf".utf8) + [0xE9] + Array(".json".utf8)
        let path = InputPath(bytes: Array(root.path.utf8) + [UInt8(ascii: "/")] + name)
        #expect(!path.isUTF8 && path.display == root.path + "/caf\\xE9.json")
        let created = (path.bytes + [0]).withUnsafeBufferPointer { raw in
            raw.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT, 0o644) }
        }
        #expect(created >= 0)
        _ = Self.span.withUnsafeBytes { Foundation.write(created, $0.baseAddress, $0.count) }
        close(created)
        let listing = try InputFiles.list([root.path])
        #expect(listing.files == [path.display] && listing.passedOver.isEmpty)
        var spans: [Span] = []
        let summary = try SpanFileReader().read(listing.files[0], into: &spans)
        #expect(spans.count == 1 && summary.path == path.display)
    }

    @Test func aPipeInAFolderIsNamedNotOpened() throws {
        let root = try folder().path
        #expect(mkfifo(root + "/pipe.jsonl", 0o600) == 0)
        let listing = try InputFiles.list([root])
        #expect(listing.files.isEmpty)
        #expect(listing.passedOver.first?.message.contains("not a regular file") == true)
    }

    @Test func aDeepTreeIsWalkedWithoutRecursion() throws {
        let root = try folder().path
        let deep = root + String(repeating: "/d", count: 1_000)
        try FileManager.default.createDirectory(atPath: deep, withIntermediateDirectories: true)
        try write(deep + "/deep.json")
        #expect(try InputFiles.list([root]).files == [deep + "/deep.json"])
    }

    @Test func anUnreadableFolderIsNamed() throws {
        let root = try folder().path
        try FileManager.default.createDirectory(atPath: root + "/locked", withIntermediateDirectories: true)
        try write(root + "/locked/inside.json")
        #expect(chmod(root + "/locked", 0o300) == 0)
        defer { chmod(root + "/locked", 0o700) }
        let listing = try InputFiles.list([root])
        // Root reads any folder; anyone else cannot list this one, and is told so.
        if getuid() == 0 {
            #expect(listing.files == [root + "/locked/inside.json"])
        } else {
            #expect(listing.passedOver.first?.message.contains("cannot list this folder") == true, "\(listing)")
        }
    }
}
