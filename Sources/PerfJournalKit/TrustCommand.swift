import Config
import Foundation
import Runner
import Store
import Support

import protocol Support.OutputStream

/// `perfjournal trust`: approve the current config, so that its commands may run (`run`, `baseline`,
/// `compare --rerun`, `calibrate`, the queue, the daemon, and `rules.api_command` inside runs). It prints
/// exactly what it approves. `--show` approves nothing: it prints what changed since the last approval.
public enum TrustCommand {
    public static func run(at path: String, show: Bool = false, output: OutputStream) throws {
        let workspace = try Workspace.open(at: path)
        let config = try workspace.config()
        let store = TrustStore(workspace: workspace)
        if show {
            try self.show(store: store, config: config, output: output)
            return
        }
        let diff = store.diff(config)
        let added = try store.approve(config)
        AutostartMarker.clear(workspace)
        output.line("\(added ? "trusted" : "already trusted"): \(config.source.path) (hash \(config.contentHash.prefix(12)))")
        for (key, value) in config.commands.sorted(by: { Self.order($0.key) < Self.order($1.key) }) {
            output.line("  \(key) = \(value)")
        }
        if added, diff.hasApproval, !diff.others.isEmpty { output.line("  also approved: \(diff.others.joined(separator: ", "))") }
        if added, DaemonPaths(workspace: workspace).runningPID() != nil {
            // Wake a paused daemon at once rather than at its next poll.
            _ = DaemonClient.send("poke", to: DaemonPaths(workspace: workspace))
        }
    }

    static func order(_ key: String) -> Int { Config.commandKeys.firstIndex(of: key) ?? Int.max }

    /// The command-bearing keys that differ from the last approval, before and after, then the other
    /// keys that changed, by name.
    static func show(store: TrustStore, config: Config, output: OutputStream) throws {
        let trusted = store.isTrusted(config)
        let diff = store.diff(config)
        output.line("\(config.source.path): \(trusted ? "trusted" : "NOT trusted") (hash \(config.contentHash.prefix(12)))")
        if trusted { return }
        if !diff.hasApproval {
            output.line("never trusted in this clone; it would run:")
            for change in diff.commands { output.line("  \(change.key) = \(change.after ?? "")") }
        } else if diff.commands.isEmpty {
            output.line("no command-bearing key changed since the last trusted version")
        } else {
            output.line("command-bearing keys changed since the last trusted version:")
            for change in diff.commands {
                output.line("  \(change.key)")
                output.line("    trusted: \(change.before ?? "(not set)")")
                output.line("    now:     \(change.after ?? "(not set)")")
            }
        }
        if !diff.others.isEmpty { output.line("other keys changed: \(diff.others.joined(separator: ", "))") }
        output.line("approve with `perfjournal trust`")
    }
}
