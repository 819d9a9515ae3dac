// swift-format-ignore-file
import Config
import Foundation
import Git
import Journal
import Store
import Support
import protocol Support.OutputStream

/// Runs queued jobs one at a time: the one code path behind the daemon and `run --pending`.
/// Every step happens with `run.lock` held, so never two benchmark runs at once in a repository.
public struct JobRunner {
    public let workspace: Workspace
    public let queue: JobQueue
    /// Progress of the benchmark commands, and what happened to each job.
    public let progress: OutputStream

    public init(workspace: Workspace, progress: OutputStream) {
        self.workspace = workspace
        self.queue = JobQueue(workspace: workspace)
        self.progress = progress
    }

    public enum Outcome: Sendable, Equatable {
        /// Measured and stored; the summary line.
        case stored(commit: String, summary: String)
        /// A run with the same tree existed on `from`; it was copied instead of measuring again.
        case reused(commit: String, from: String)
        /// The commit already had its run (stored before a crash, or by someone else).
        case alreadyMeasured(commit: String)
        case failed(commit: String, reason: String)
        /// Stopping: the job went back to the queue with its run id.
        case released(commit: String)
    }

    /// Why the queue cannot run now (untrusted or broken config, a rebase in progress); nil when it can.
    /// Returns the config to run with otherwise.
    public func readiness() -> Result<Config, PauseReason> {
        let config: Config
        do { config = try workspace.config() } catch let error as PerfJournalError {
            return .failure(PauseReason(text: "the config cannot be used: \(error.description)"))
        } catch {
            return .failure(PauseReason(text: "the config cannot be used: \(error)"))
        }
        if let reason = TrustGate.refusal(workspace, config, for: "the queue") { return .failure(PauseReason(text: reason)) }
        if let operation = workspace.repository.operationInProgress {
            return .failure(PauseReason(text: "a \(operation) is in progress; the queue waits until it is finished"))
        }
        return .success(config)
    }

    public struct PauseReason: Error, Sendable, Equatable {
        public var text: String
    }

    /// Runs the oldest waiting job, if any. Call with `run.lock` held. `onClaim` is told which job
    /// runs (for status); `shouldStop` is asked when a run ends badly, to tell "stopped" from "failed".
    public func runOldest(config: Config, onClaim: (JobQueue.Entry) -> Void = { _ in }, shouldStop: () -> Bool = { false }) throws -> Outcome? {
        queue.recoverAbandoned()
        for waiting in queue.pending() {
            // A re-measure of a disturbed run waits for a quiet machine; the daemon polls again later.
            if waiting.job.reason == DisturbedRetry.reason && !DisturbedRetry.machineIsQuiet() { continue }
            guard let entry = try queue.claim(waiting) else { continue }
            onClaim(entry)
            return try run(entry, config: config, shouldStop: shouldStop)
        }
        return nil
    }

    private func run(_ entry: JobQueue.Entry, config: Config, shouldStop: () -> Bool) throws -> Outcome {
        let hex = entry.job.commit
        guard let commit = entry.commitID, let info = try? workspace.repository.commit(commit) else {
            let reason = "commit \(hex.prefix(7)) no longer exists (rewritten and garbage-collected?)"
            try queue.fail(entry.path, reason: reason)
            return .failed(commit: hex, reason: reason)
        }
        let runID = entry.job.runID ?? queue.newRunID()
        let note = try workspace.store.note(at: commit)
        let retry = entry.job.reason == DisturbedRetry.reason
        if let note, note.runs.contains(where: { $0.id == runID || ($0.tree == info.tree.hex && !$0.failed && !(retry && $0.disturbed != nil)) }) {
            queue.remove(entry.path)
            return .alreadyMeasured(commit: hex)
        }
        if !retry, let (run, from) = try RunReuse.reusableRun(tree: info.tree, excluding: commit, in: workspace) {
            var copy = run
            // A baseline is a decision about one commit; a commit that merely has the same code is not one.
            if copy.baseline { copy.baseline = false; copy.id = runID }
            try workspace.store.append(copy, to: commit)
            queue.remove(entry.path)
            Journal.autoWriteIfConfigured(workspace: workspace, progress: progress)
            return .reused(commit: hex, from: from.hex)
        }
        if let (run, from) = try RunReuse.logOnlyRun(commit: commit, info: info, logPath: config.log.path, in: workspace) {
            // Committing the regenerated progress log changes nothing the benchmarks see.
            var copy = run
            copy.baseline = false
            copy.id = runID
            copy.tree = info.tree.hex
            try workspace.store.append(copy, to: commit)
            queue.remove(entry.path)
            return .reused(commit: hex, from: from.hex)
        }
        do {
            // A crashed benchmark is stored as a failed run (the rules fail it), unless we are stopping.
            let run = try Measurement.measure(
                commit, in: workspace, config: config, baseline: false, runID: runID, progress: progress,
                failed: { if !shouldStop() { try workspace.store.append($0, to: commit) } })
            try workspace.store.append(run, to: commit)
            ProfileCapture.store(run, in: workspace, progress: progress)
            queue.remove(entry.path)
            if run.disturbed != nil { try DisturbedRetry.schedule(commit, tree: info.tree, queue: queue, workspace: workspace, progress: progress) }
            Journal.autoWriteIfConfigured(workspace: workspace, progress: progress)
            return .stored(commit: hex, summary: RunSummary.oneLine(run, commit: commit))
        } catch let error as PerfJournalError {
            if shouldStop() {
                queue.release(entry)
                return .released(commit: hex)
            }
            var reason = error.description
            if let log = Self.logPath(in: workspace, commit: hex, runID: runID), !reason.contains(log) { reason += "\nlog: \(log)" }
            try queue.fail(entry.path, reason: reason)
            return .failed(commit: hex, reason: reason)
        }
    }

    /// The log `Measurement` writes for this run: `logs/<short>-<time>-<run id prefix>.log`.
    public static func logPath(in workspace: Workspace, commit: String, runID: String?) -> String? {
        guard let runID else { return nil }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: workspace.logsDirectory)) ?? []
        let prefix = String(commit.prefix(7)) + "-", suffix = "-\(runID.prefix(8)).log"
        return names.filter { $0.hasPrefix(prefix) && $0.hasSuffix(suffix) }.sorted().last.map { workspace.logsDirectory + "/" + $0 }
    }
}

/// A disturbed run is stored (it is what happened) but never gives a directional verdict, so the daemon
/// measures the commit again once the machine is quiet, at most `limit` times in all.
package enum DisturbedRetry {
    static let reason = "disturbed"
    /// Disturbed runs of one tree after which the daemon stops trying.
    static let limit = 3

    static func schedule(_ commit: ObjectID, tree: ObjectID, queue: JobQueue, workspace: Workspace, progress: OutputStream) throws {
        let disturbed = try workspace.store.note(at: commit)?.runs.filter { $0.tree == tree.hex && $0.disturbed != nil }.count ?? 0
        guard disturbed < limit else {
            progress.line("\(commit.short): \(disturbed) disturbed runs; not measuring it again (`perfjournal run \(commit.short)` on a quiet machine)")
            return
        }
        try queue.enqueueNew(commit, reason: reason)
        progress.line("\(commit.short): the run was disturbed; it will be measured again once the machine is quiet")
    }

    /// Quiet: the 1-minute load average below half the cores (the benchmark itself will add one).
    static func machineIsQuiet() -> Bool {
        guard let load = MachineLoad.loadAverage() else { return true }
        return load < Double(max(1, ProcessInfo.processInfo.activeProcessorCount)) / 2
    }
}

/// "A rewritten commit whose tree is identical to one already measured reuses that run."
package enum RunReuse {
    /// A run made on exactly `tree`, stored on some other commit. Runs are copied as they are (the
    /// run's `commit` keeps naming the commit that was measured, which is how a copy is told apart),
    /// the same way git copies notes under `notes.rewriteRef`.
    static func reusableRun(tree: ObjectID, excluding commit: ObjectID, in workspace: Workspace) throws -> (Run, ObjectID)? {
        let repository = workspace.repository
        for (measured, blob) in try workspace.store.measuredCommits().sorted(by: { $0.key < $1.key }) where measured != commit {
            guard let info = try? repository.commit(measured), info.tree == tree else { continue }
            guard let note = try? workspace.store.note(blob: blob, commit: measured) else { continue }
            let usable = note.runs.filter { $0.tree == tree.hex && !$0.failed }
            if let run = usable.last(where: { !$0.baseline }) ?? usable.last {
                return (run, measured)
            }
        }
        return nil
    }

    /// When `commit` changes nothing but the progress log: its parent's run of the parent's own code
    /// (the log file is not benchmarked), and the parent.
    static func logOnlyRun(commit: ObjectID, info: Commit, logPath: String, in workspace: Workspace) throws -> (Run, ObjectID)? {
        guard info.parents.count == 1, let parent = info.parents.first else { return nil }
        let files = try workspace.repository.diff(commit: commit, linesWanted: false)
        guard !files.isEmpty, files.allSatisfy({ $0.path == logPath && $0.oldPath == logPath }) else { return nil }
        let parentTree = try workspace.commit(parent).tree
        guard let run = try workspace.store.note(at: parent)?.runs(ofTree: parentTree).last(where: { !$0.failed }) else { return nil }
        return (run, parent)
    }

    /// Does the note hold a successful run of this very tree (measured here or reused)?
    package static func hasOwnRun(_ note: Note?, tree: ObjectID) -> Bool {
        note?.runs(ofTree: tree).contains { !$0.failed } ?? false
    }
}

/// `perfjournal run`/`baseline` on a commit that also has a queued job: take the job over (its run id
/// makes the run count once), or, if the daemon finished it while we waited for the lock, say so
/// instead of measuring the same commit twice.
public struct ForegroundJobs {
    let queue: JobQueue
    let store: NoteStore
    /// Commits that had a job before we waited for `run.lock`, and the run ids they had then.
    var before: [ObjectID: Set<String>] = [:]

    public enum Decision {
        case measure(runID: String?, job: JobQueue.Entry?)
        case measuredMeanwhile(Run)
    }

    /// Take the snapshot before waiting for `run.lock`.
    public init(workspace: Workspace, commits: [ObjectID]) {
        queue = JobQueue(workspace: workspace)
        store = workspace.store
        let queued = Set((queue.pending() + queue.running()).map(\.job.commit))
        for commit in commits where queued.contains(commit.hex) {
            before[commit] = Set(((try? store.note(at: commit))?.runs ?? []).map(\.id))
        }
    }

    /// Call with `run.lock` held.
    public func take(_ commit: ObjectID) throws -> Decision {
        queue.recoverAbandoned()
        if let waiting = queue.pending().first(where: { $0.job.commit == commit.hex }), let claimed = try queue.claim(waiting) {
            return .measure(runID: claimed.job.runID, job: claimed)
        }
        if let ids = before[commit], let run = try store.note(at: commit)?.runs.last(where: { !ids.contains($0.id) }) {
            return .measuredMeanwhile(run)
        }
        return .measure(runID: nil, job: nil)
    }

    /// The run is stored (or failed): the taken job is done with.
    public func finish(_ decision: Decision, stored: Bool) {
        guard case .measure(_, let job?) = decision else { return }
        if stored { queue.remove(job.path) } else { queue.release(job) }
    }
}
