import Foundation
import Runner
import Store
import Support

import protocol Support.OutputStream

/// `perfjournal trust`: approve the current config's commands for unattended runs (the daemon and the
/// queue). It prints exactly what it approves.
public enum TrustCommand {
    public static func run(at path: String, output: OutputStream) throws {
        let workspace = try Workspace.open(at: path)
        let config = try workspace.config()
        let store = TrustStore(workspace: workspace)
        let added = try store.approve(config)
        AutostartMarker.clear(workspace)
        output.line("\(added ? "trusted" : "already trusted"): \(config.source.path) (hash \(config.contentHash.prefix(12)))")
        output.line("  bench: \(config.bench.command)")
        output.line("  test:  \(config.test?.command ?? "(none)")")
        if let api = config.rules.apiCommand { output.line("  api:   \(api)") }
        if added, DaemonPaths(workspace: workspace).runningPID() != nil {
            // Wake a paused daemon at once rather than at its next poll.
            _ = DaemonClient.send("poke", to: DaemonPaths(workspace: workspace))
        }
    }
}
