import Foundation
import PackagePlugin

/// Embeds the package's Hooks/, Templates/ and Helpers/ into the target as Swift literals (see EmbedResources).
/// Only the files directly in each folder are embedded (Helpers/tests/ stays out).
@main
struct EmbedResourcesPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL
        let dirs = ["Hooks", "Templates", "Helpers"].map { root.appending(path: $0) }
        let inputs = dirs.flatMap { dir in
            ((try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? [])
                .filter { url in
                    var isDirectory: ObjCBool = false
                    return !url.lastPathComponent.hasPrefix(".")
                        && FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && !isDirectory.boolValue
                }
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedResources.swift")
        return [
            .buildCommand(
                displayName: "Embedding Hooks/, Templates/ and Helpers/",
                executable: try context.tool(named: "EmbedResources").url,
                arguments: [output.path] + dirs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}
