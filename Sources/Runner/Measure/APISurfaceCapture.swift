import Config
import Foundation
import Git
import Store
import Support

import protocol Support.OutputStream

/// Runs `rules.api_command` as part of a measured run (behind `TrustGate`, like the benchmark command)
/// and records what it printed, so that the API rule never has to execute it. The commit's own tree is
/// read in the run's checkout; its first parent's is read too (in perfjournal's "api" worktree) unless
/// a stored run already holds it, so one run is enough to judge the commit. Nothing is asked twice.
enum APISurfaceCapture {
    static func records(
        for commit: Commit, checkout: String, workspace: Workspace, config: Config, logPath: String,
        environment: [String: String], progress: OutputStream
    ) throws -> [APISurfaceRecord]? {
        guard let command = config.rules.apiCommand else { return nil }
        var records: [APISurfaceRecord] = []
        // A tree's surface never changes: one recorded already (an earlier run, a re-run) is not asked again.
        if try workspace.store.note(at: commit.id)?.apiSurface(tree: commit.tree, command: command)?.entries == nil {
            progress.line("  api:   \(command)")
            records.append(
                try record(command, tree: commit.tree, in: checkout, workspace: workspace, config: config, logPath: logPath, environment: environment))
        }
        if let parent = commit.parents.first, let parentInfo = try? workspace.commit(parent) {
            let known = try workspace.store.note(at: parent)?.apiSurface(tree: parentInfo.tree, command: command)
            if known?.entries == nil {
                let path = "\(workspace.worktreesDirectory)/api"
                do {
                    _ = try workspace.repository.checkoutDetachedWorktree(name: "perfjournal-api", path: path, commit: parent)
                    records.append(
                        try record(command, tree: parentInfo.tree, in: path, workspace: workspace, config: config, logPath: logPath, environment: environment))
                } catch let error as GitError {
                    records.append(
                        APISurfaceRecord(tree: parentInfo.tree.hex, command: command, entries: nil, error: "cannot check out \(parent.short): \(error.message)")
                    )
                }
            }
        }
        return records.isEmpty ? nil : records
    }

    static func record(
        _ command: String, tree: ObjectID, in directory: String, workspace: Workspace, config: Config, logPath: String,
        environment: [String: String]
    ) throws -> APISurfaceRecord {
        let output = "\(workspace.logsDirectory)/api-\(tree.short).txt"
        Measurement.appendToLog(logPath, "\n$ \(command)   # rules.api_command, tree \(tree.short)\n")
        let outcome = try CommandRunner.run(
            command, in: directory, logPath: logPath, timeout: config.bench.timeout, environment: environment, stdoutPath: output)
        defer { try? FileManager.default.removeItem(atPath: output) }
        guard outcome.exitStatus == 0, !outcome.timedOut, let text = try? String(contentsOfFile: output, encoding: .utf8) else {
            let why = outcome.timedOut ? "timed out" : "exited with status \(outcome.exitStatus)"
            return APISurfaceRecord(tree: tree.hex, command: command, entries: nil, error: "rules.api_command \(why) (log: \(logPath))")
        }
        let lines = Set(text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        return APISurfaceRecord(tree: tree.hex, command: command, entries: lines.sorted())
    }
}
