import Foundation
import Git
import Journal
import Results
import Runner
import Store
import Support
import protocol Support.OutputStream

/// `perfjournal baseline`, `run` and `record`: make or take a run and store it on its commit.
public enum MeasureCommands {
    /// Measures each revision in turn (one at a time per repository, across processes) and stores
    /// each run as soon as it is complete.
    /// With `rerun`, each measured commit is then compared with its reference (nearest measured
    /// first-parent ancestor) and both are re-run, interleaved, while anything is inconclusive.
    public static func run(
        at path: String, revisions: [String], baseline: Bool, rerun: Bool = false, output: OutputStream, progress: OutputStream
    ) throws {
        let workspace = try Workspace.open(at: path)
        let config = try workspace.config()
        let commits = try (revisions.isEmpty ? ["HEAD"] : revisions).map { try workspace.resolve($0) }
        try workspace.ensureDirectory(workspace.stateDirectory)
        if baseline { AutostartMarker.clear(workspace) }
        // A commit the hook or the watcher queued is measured once, by whoever gets to it first.
        let jobs = ForegroundJobs(workspace: workspace, commits: commits)
        let lock = try FileLock(path: workspace.stateDirectory + "/run.lock") {
            progress.line("waiting for another perfjournal run in this repository to finish…")
        }
        for commit in commits {
            let decision = try jobs.take(commit)
            if case .measuredMeanwhile(let run) = decision, !baseline {
                output.line(RunSummary.oneLine(run, commit: commit) + " (by the daemon)")
                continue
            }
            // With no revision named, `run` means "make sure HEAD is measured": a run the daemon made
            // (perhaps while we waited for the lock) is reported, not repeated.
            if revisions.isEmpty, !baseline, let existing = try ownRun(of: commit, in: workspace) {
                jobs.finish(decision, stored: true)
                output.line(RunSummary.oneLine(existing, commit: commit) + " (already measured; `perfjournal run HEAD` measures again)")
                continue
            }
            let runID: String? = if case .measure(let id, _) = decision { id } else { nil }
            do {
                let run = try Measurement.measure(commit, in: workspace, config: config, baseline: baseline, runID: runID, progress: progress)
                try workspace.store.append(run, to: commit)
                jobs.finish(decision, stored: true)
                output.line(RunSummary.oneLine(run, commit: commit))
                Journal.autoWriteIfConfigured(workspace: workspace, progress: progress)
            } catch {
                jobs.finish(decision, stored: false)
                throw error
            }
        }
        withExtendedLifetime(lock) {}
        guard rerun, !baseline else { return }
        for commit in commits {
            guard let reference = try History(workspace: workspace).reference(of: commit) else {
                progress.line("\(commit.short): no measured ancestor to compare with; nothing to re-run")
                continue
            }
            try CompareCommand.run(
                at: path, before: reference.hex, after: commit.hex, options: .init(rerun: true), output: output, progress: progress)
        }
    }

    /// The newest run of `commit`'s own tree, if any.
    static func ownRun(of commit: ObjectID, in workspace: Workspace) throws -> Run? {
        try workspace.store.note(at: commit)?.latestRun(ofTree: try workspace.commit(commit).tree)
    }

    /// Stores results produced elsewhere (CI, a saved file) on `revision`.
    public static func record(
        at path: String, revision: String, resultsPath: String, format: ResultFormat?, baseline: Bool,
        tests: TestOutcome.Status?, output: OutputStream
    ) throws {
        let workspace = try Workspace.open(at: path)
        let commit = try workspace.resolve(revision)
        let run = try Measurement.recorded(
            commit, in: workspace, resultsPath: resultsPath, format: format, baseline: baseline, tests: tests)
        try workspace.store.append(run, to: commit)
        if baseline { AutostartMarker.clear(workspace) }
        output.line(RunSummary.oneLine(run, commit: commit))
    }
}
