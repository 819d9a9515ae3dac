import Foundation
import Git
import Journal
import Results
import Runner
import Store
import Support

import protocol Support.OutputStream

/// `perfjournal run`: measure commits in perfjournal's own worktree (or the queued ones) and store the runs.
/// `baseline` measures through here too.
public enum RunCommand {
    /// Measures each revision in turn (one at a time per repository, across processes) and stores
    /// each run as soon as it is complete.
    /// With `rerun`, each measured commit is then compared with its reference (nearest measured
    /// first-parent ancestor) and both are re-run, interleaved, while anything is inconclusive.
    public static func run(
        at path: String, revisions: [String], baseline: Bool, rerun: Bool = false, output: OutputStream, progress: OutputStream
    ) throws {
        let workspace = try Workspace.open(at: path)
        let config = try workspace.config()
        try TrustGate.require(workspace, config, for: baseline ? "baseline" : "run")
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
                output.line("nothing to do: \(commit.short) is already measured (\(RunSummary.details(existing))); `perfjournal run HEAD` measures again")
                continue
            }
            let runID: String? = if case .measure(let id, _) = decision { id } else { nil }
            do {
                // A crashed benchmark is a result too: its failed run is stored (and `check` fails it).
                let run = try Measurement.measure(
                    commit, in: workspace, config: config, baseline: baseline, runID: runID, progress: progress,
                    failed: { try workspace.store.append($0, to: commit) })
                try workspace.store.append(run, to: commit)
                ProfileCapture.store(run, in: workspace, progress: progress)
                jobs.finish(decision, stored: true)
                output.line(RunSummary.oneLine(run, commit: commit))
                if let warning = failedBaselineWarning(run) { progress.line(warning) }
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
        try workspace.store.note(at: commit)?.runs(ofTree: try workspace.commit(commit).tree).last { !$0.failed }
    }
}

extension RunCommand {
    /// `perfjournal run --pending`: measures every queued commit, oldest first, in the foreground. The
    /// queue holds commits nobody chose by hand, so it runs only an approved config (`perfjournal trust`).
    /// Jobs the daemon finished while this waited for the lock are reported, not measured again.
    public static func pending(at path: String, output: OutputStream, progress: OutputStream) throws {
        let workspace = try Workspace.open(at: path)
        let config = try workspace.config()
        try TrustGate.require(workspace, config, for: "run --pending")
        let runner = JobRunner(workspace: workspace, progress: progress)
        let queue = runner.queue
        let before = (queue.pending() + queue.running()).map(\.job.commit)
        try workspace.ensureDirectory(workspace.stateDirectory)
        let lock = try FileLock(path: workspace.stateDirectory + "/run.lock") {
            progress.line("waiting for another perfjournal run in this repository to finish…")
        }
        defer { withExtendedLifetime(lock) {} }
        if before.isEmpty && queue.pending().isEmpty { output.line("no pending commits") }
        var failures = 0
        var handled: Set<String> = []
        while let outcome = try runner.runOldest(config: config) {
            switch outcome {
            case .stored(let commit, let summary): handled.insert(commit); output.line(summary)
            case .reused(let commit, let from): handled.insert(commit); output.line("run reused on \(commit.prefix(7)): same tree as \(from.prefix(7))")
            case .alreadyMeasured(let commit): handled.insert(commit)
            case .failed(let commit, let reason):
                handled.insert(commit)
                failures += 1
                progress.line("perfjournal: \(commit.prefix(7)): \(reason.split(separator: "\n").joined(separator: "; "))")
            case .released: break
            }
        }
        for hex in before where !handled.contains(hex) {
            if let commit = ObjectID(hex: hex), let run = try workspace.store.note(at: commit)?.runs.last {
                output.line(RunSummary.oneLine(run, commit: commit))
                handled.insert(hex)
            }
        }
        if failures > 0 {
            throw PerfJournalError(
                .commandFailed, file: queue.failedDirectory,
                "\(failures) queued commit\(failures == 1 ? "" : "s") could not be measured; see the reasons there (retry: `perfjournal run --retry-failed`)")
        }
    }

    /// `perfjournal run --clear-failed`: forgets the failed jobs.
    public static func clearFailed(at path: String, output: OutputStream) throws {
        let workspace = try Workspace.open(at: path)
        let commits = JobQueue(workspace: workspace).clearFailed()
        output.line(
            commits.isEmpty
                ? "no failed jobs"
                : "cleared \(commits.count) failed job\(commits.count == 1 ? "" : "s"): \(commits.map { String($0.prefix(7)) }.joined(separator: " "))")
    }

    /// `perfjournal run --retry-failed`: puts failed jobs back in the queue; a running daemon takes them,
    /// otherwise they are run here and now.
    public static func retryFailed(at path: String, output: OutputStream, progress: OutputStream) throws {
        let workspace = try Workspace.open(at: path)
        let commits = try JobQueue(workspace: workspace).retryFailed()
        if commits.isEmpty {
            output.line("no failed jobs")
            return
        }
        output.line("re-queued \(commits.count) failed job\(commits.count == 1 ? "" : "s"): \(commits.map { String($0.prefix(7)) }.joined(separator: " "))")
        let paths = DaemonPaths(workspace: workspace)
        if paths.runningPID() != nil {
            _ = DaemonClient.send("poke", to: paths)
            output.line("the daemon will run them (`perfjournal status --follow` to watch)")
        } else {
            try pending(at: path, output: output, progress: progress)
        }
    }
}

extension RunCommand {
    /// A baseline whose tests failed or timed out is stored (the numbers are real) but is no sound
    /// reference: every optimization would be judged against code that fails its own tests.
    static func failedBaselineWarning(_ run: Run) -> String? {
        guard run.baseline, let tests = run.tests, tests.status != .passed else { return nil }
        let what = tests.status == .timeout ? "TIMED OUT" : "FAILED"
        return """
            WARNING: the baseline's tests \(what)\(run.log.map { " (log: \($0))" } ?? ""). It is stored, but optimizations \
            measured against it are judged against code that fails its own tests: fix the tests, commit, and run \
            `perfjournal baseline` again. `perfjournal status` and the checklist show this until then.
            """
    }
}
