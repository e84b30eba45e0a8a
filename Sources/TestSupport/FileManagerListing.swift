public import Foundation

/// Folder listings for tests.
public enum FileManagerListing {
    /// The names of the non-hidden entries of `folder`, sorted.
    public static func names(in folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }.sorted()
    }

    /// The names of every entry of `folder`, hidden ones too (what a run left beside its
    /// output), sorted.
    public static func allNames(in folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    /// Every regular file under `folder` (hidden ones too), as relative paths mapped to contents.
    public static func tree(_ folder: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else {
            return result
        }
        for case let url as URL in walker where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            let relative = String(url.standardizedFileURL.path.dropFirst(folder.standardizedFileURL.path.count))
            result[relative] = try Data(contentsOf: url)
        }
        return result
    }
}
