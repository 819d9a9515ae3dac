import Config
import Foundation
import Git
import Results
import Rules
import Runner
import Store
import Support

import protocol Support.OutputStream

/// `perfjournal baseline`: measure a commit, or store a result file made elsewhere, as the run later
/// runs are compared against.
public enum BaselineCommand {
    public static func run(
        at path: String, revision: String, resultsPath: String?, format: ResultFormat?, runs: Int = 1, force: Bool = false,
        output: OutputStream, progress: OutputStream
    ) throws {
        if runs > 1 && resultsPath != nil { throw PerfJournalError(.usage, "--runs measures the commit; it cannot go with --results") }
        let workspace = try Workspace.open(at: path)
        // An untrusted config is the first thing to say (measuring would refuse anyway).
        if resultsPath == nil { try TrustGate.require(workspace, try workspace.config(), for: "baseline") }
        try checkReplacement(of: try workspace.resolve(revision), in: workspace, force: force, output: progress)
        if let resultsPath {
            try RecordCommand.run(
                at: path, revision: revision, resultsPath: resultsPath, format: format, baseline: true, tests: nil,
                output: output)
        } else {
            try RunCommand.run(at: path, revisions: [revision], baseline: true, output: output, progress: progress)
            if runs > 1 {
                try CalibrateCommand.run(
                    at: path, revision: revision, runs: runs - 1, json: false, output: output, progress: progress)
            }
        }
    }
}

/// A second `baseline` restarts the journal: it says what it replaces, and asks for `--force` when
/// optimizations would move out of the journal (they stay in the log, "before the new baseline").
/// `baseline --drop REV` undoes one.
extension BaselineCommand {
    /// Call before measuring or recording a new baseline on `commit`. Throws a usage error when
    /// optimizations would leave the journal and `force` is not given; otherwise says what is replaced.
    package static func checkReplacement(of commit: ObjectID, in workspace: Workspace, force: Bool, output: OutputStream) throws {
        let head = try workspace.head()
        let history = try History(workspace: workspace)
        guard let current = try history.baseline(at: head), current.commit != commit else { return }
        let subject = try workspace.commit(current.commit).subject
        guard try workspace.repository.isAncestor(current.commit, of: commit) else {
            if try workspace.repository.isAncestor(commit, of: current.commit) {
                output.line("note: the baseline at \(current.commit.short) (\(subject)) is newer and stays the journal's baseline at HEAD")
            }
            return
        }
        let config = try workspace.config()
        let leaving = try workspace.repository.commits(from: commit, hiding: [current.commit]).filter { id in
            let info = try workspace.commit(id)
            return !info.isMerge && (config.rules.mode == .all || CommitMessage(info.message).isOptimization)
        }
        if !leaving.isEmpty && !force {
            let names = leaving.prefix(5).map(\.short).joined(separator: ", ") + (leaving.count > 5 ? ", …" : "")
            throw PerfJournalError(
                .usage,
                "a baseline at \(commit.short) replaces the baseline at \(current.commit.short) (\(subject)): \(Display.count(leaving.count, "optimization")) (\(names)) would leave the journal and be listed only as \"before the new baseline\"; pass --force to do it, or choose a later commit"
            )
        }
        let moved =
            leaving.isEmpty
            ? ""
            : "; \(Display.count(leaving.count, "optimization")) before it \(leaving.count == 1 ? "is" : "are") now listed as \"before the new baseline\" (undo: `perfjournal baseline --drop \(commit.short)`)"
        output.line("replaces the baseline at \(current.commit.short) (\(subject))\(moved)")
    }

    /// `perfjournal baseline --drop REV`: REV's baseline runs become ordinary runs; the baseline before
    /// it (if any) is the journal's baseline again.
    public static func drop(at path: String, revision: String, output: OutputStream) throws {
        let workspace = try Workspace.open(at: path)
        let commit = try workspace.resolve(revision)
        let dropped = try workspace.store.dropBaseline(at: commit)
        guard dropped > 0 else {
            throw PerfJournalError(.notMeasured, file: workspace.root, "\(revision) (\(commit.short)) holds no baseline run")
        }
        let history = try History(workspace: workspace)
        let now = try history.baseline(at: try workspace.head())
        output.line(
            "dropped the baseline at \(commit.short) (its runs stay as ordinary runs); "
                + (now.map { "the baseline is \($0.commit.short) again" } ?? "there is no baseline now"))
    }
}
