import Foundation
import Git

/// A run belongs to the tree it measured. git copies a note to the new commit when a commit is amended or
/// rebased (`notes.rewriteRef`), so a note may hold runs of an earlier version of the code: those are
/// history, never the commit's measurement. And a benchmark that crashed is a result too: it is stored as
/// a failed run (no results, the command's exit status and log) so that `check` fails it.
extension Note {
    /// The runs made on exactly `tree`.
    public func runs(ofTree tree: ObjectID) -> [Run] {
        runs.filter { $0.tree == tree.hex }
    }
}

extension Run {
    /// The benchmark command failed or timed out: nothing was measured, only the failure recorded.
    public var failed: Bool {
        guard let bench else { return false }
        return results.isEmpty && (bench.exitStatus != 0 || bench.timedOut)
    }

    /// Why a failed run failed, with its log when the file is here.
    public func failureText(stateDirectory: String) -> String {
        guard let bench else { return "the benchmark failed" }
        var text =
            bench.timedOut
            ? "the benchmark command timed out after \(Int(bench.duration.rounded())) s"
            : "the benchmark command exited with status \(bench.exitStatus)"
        if let log = RunLog.resolved(log, stateDirectory: stateDirectory) { text += "; log: \(log)" }
        return text
    }
}

/// Where a run's log is. Notes store the log path relative to the git dir (`perfjournal/logs/…`), since a
/// note travels to every clone; it is shown resolved only where the file exists. Older notes hold an
/// absolute path.
package enum RunLog {
    /// The path to store: relative to the common git dir when the log lies under it.
    package static func stored(_ absolute: String, commonDirectory: String) -> String {
        let prefix = commonDirectory.hasSuffix("/") ? commonDirectory : commonDirectory + "/"
        return absolute.hasPrefix(prefix) ? String(absolute.dropFirst(prefix.count)) : absolute
    }

    /// The local file for a stored path, or nil when there is no such file here.
    package static func resolved(_ stored: String?, stateDirectory: String) -> String? {
        guard let stored, !stored.isEmpty else { return nil }
        let commonDirectory = (stateDirectory as NSString).deletingLastPathComponent
        let path = stored.hasPrefix("/") ? stored : commonDirectory + "/" + stored
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
}

extension History {
    /// Every run stored on `commit` that measured its own tree, failed ones included; [] when none.
    public func ownRuns(at commit: ObjectID) throws -> [Run] {
        guard let blob = measured[commit] else { return [] }
        return try workspace.store.note(blob: blob, commit: commit).runs(ofTree: try workspace.commit(commit).tree)
    }

    /// The commit's newest failed run, when it has no successful run of its own tree.
    public func failedRun(at commit: ObjectID) throws -> Run? {
        let own = try ownRuns(at: commit)
        return own.contains { !$0.failed } ? nil : own.last
    }

    /// Whether `commit` has a successful run of its own tree.
    public func isMeasured(_ commit: ObjectID) throws -> Bool {
        guard measured[commit] != nil else { return false }
        return try note(at: commit) != nil
    }
}
