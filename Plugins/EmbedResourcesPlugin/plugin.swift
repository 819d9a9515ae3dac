import Foundation
import PackagePlugin

/// Embeds the package's Hooks/ and Templates/ into the target as Swift literals (see EmbedResources).
@main
struct EmbedResourcesPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL
        let dirs = ["Hooks", "Templates"].map { root.appending(path: $0) }
        let inputs = dirs.flatMap { dir in
            ((try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? [])
                .filter { !$0.lastPathComponent.hasPrefix(".") }
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedResources.swift")
        return [
            .buildCommand(
                displayName: "Embedding Hooks/ and Templates/",
                executable: try context.tool(named: "EmbedResources").url,
                arguments: [output.path] + dirs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}
