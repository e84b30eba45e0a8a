import Foundation
import PackagePlugin

/// Embeds the package's static files into a target as string literals at build time, so the
/// built binary needs no resource bundle and keeps working when it is moved.
///
/// `ReportSite` gets every file in `Templates/`; `XMLValidation` gets every file in `Schemas/`.
@main
struct EmbedFiles: BuildToolPlugin {
    /// The package folder whose files each target embeds.
    static let folders = ["ReportSite": "Templates", "XMLValidation": "Schemas"]

    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        guard let folderName = Self.folders[target.name] else { return [] }
        let folder = context.package.directoryURL.appending(path: folderName)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path())
            .filter { !$0.hasPrefix(".") }
            .sorted()
        let inputs = names.map { folder.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "Embedded\(folderName).swift")
        return [
            .buildCommand(
                displayName: "Embedding \(folderName)/ into \(target.name)",
                executable: try context.tool(named: "EmbedFilesTool").url,
                arguments: [output.path()] + inputs.map { $0.path() },
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}
