import Foundation
import TestSupport
import Testing

@testable import ReportSite

/// Publishing into a mount point entry by entry, and finishing it after a kill at any step. The
/// steps run here on a plain folder; `Tests/Faults/publish-faults.sh` kills real runs on tmpfs
/// and bind mounts.
struct MountPointPublishingTests {
    private let previousSite = [
        ".tracereport-site": "tracereport site\n", "index.html": "previous index", "gone.html": "only in the previous site",
        "traces/a.html": "previous trace", "only-previous/x.html": "x",
    ]
    private let newSite = [
        ".tracereport-site": "tracereport site\n", "index.html": "new index", "new.html": "only in the new site",
        "traces/b.html": "new trace", "services/s.html": "service",
    ]
    /// What is not the site's and stays: the file system's lost+found, and a name of tracereport's.
    private let untouched = ["lost+found/found.bin": "kept", "..tracereport-lock": ""]

    @Test func publishingReplacesTheSiteAndLeavesWhatIsNotItsAlone() throws {
        let destination = try folder(previousSite.merging(untouched) { $1 }, named: "publish")
        let staging = try stage(in: destination)
        let previous = try MountPointPublishing.publish(staging, into: destination)
        // Files replaced by files are gone with the rename; the rest of the previous site is aside.
        #expect(try contents(of: previous) == previousSite.filter { $0.key != ".tracereport-site" && $0.key != "index.html" })
        OutputFolder.removeTree(previous)
        #expect(try contents(of: destination) == newSite.merging(untouched) { $1 })
    }

    /// A kill after the journal is durable and before, between or after each move: the next run
    /// finishes it, and the destination holds exactly the new site and what is not the site's.
    @Test(arguments: 0...5) func aPublishingKilledAfterStepsIsFinished(steps: Int) throws {
        let destination = try folder(previousSite.merging(untouched) { $1 }, named: "killed-\(steps)")
        let staging = try stage(in: destination)
        let token = staging.lastPathComponent.dropFirst("..tracereport-staging-".count)
        let names = try FileManagerListing.allNames(in: staging)
        let journal = ["tracereport publishing 1", staging.lastPathComponent] + names
        try (journal.joined(separator: "\n") + "\n").write(
            to: destination.appendingPathComponent("..tracereport-journal-\(token)"), atomically: true, encoding: .utf8)
        // The first `steps` moves as a run makes them: folders, pages, index.html; each entry
        // it replaces moved aside first when either is a folder.
        let aside = destination.appendingPathComponent("..tracereport-old-\(token)")
        try FileManager.default.createDirectory(at: aside, withIntermediateDirectories: true)
        let ordered = names.sorted { rank($0, in: staging) < rank($1, in: staging) }
        for name in ordered.prefix(steps) {
            let target = destination.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: target.path), name != ".tracereport-site", name != "index.html" {
                try FileManager.default.moveItem(at: target, to: aside.appendingPathComponent(name))
            }
            if rename(staging.appendingPathComponent(name).path, target.path) != 0 { Issue.record("rename \(name)") }
        }
        MountPointPublishing.finishInterrupted(in: destination)
        #expect(try contents(of: destination) == newSite.merging(untouched) { $1 })
    }

    private func rank(_ name: String, in staging: URL) -> (Int, String) {
        var isFolder: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: staging.appendingPathComponent(name).path, isDirectory: &isFolder)
        return (isFolder.boolValue ? 0 : name == "index.html" ? 2 : 1, name)
    }

    /// The new site, staged inside `destination` as a run stages it.
    private func stage(in destination: URL) throws -> URL {
        let staging = destination.appendingPathComponent("..tracereport-staging-5eed")
        try write(newSite, into: staging)
        return staging
    }

    private func folder(_ files: [String: String], named name: String) throws -> URL {
        let folder = try Fixtures.temporaryDirectory("mount-\(name)")
        try write(files, into: folder)
        return folder
    }

    private func write(_ files: [String: String], into folder: URL) throws {
        for (path, text) in files {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: false, encoding: .utf8)
        }
    }

    /// Every file under `folder`, relative path to text.
    private func contents(of folder: URL) throws -> [String: String] {
        var result: [String: String] = [:]
        for (path, data) in try FileManagerListing.tree(folder) { result[String(path.dropFirst())] = String(decoding: data, as: UTF8.self) }
        return result
    }
}
