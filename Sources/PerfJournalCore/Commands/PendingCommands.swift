import Foundation
import Git

/// The hook side and the queue side of "every commit gets its run".
public enum PendingCommands {
    /// `perfjournal hook post-commit`: queue HEAD and return at once. It must stay cheap (it runs inside
    /// `git commit`), so it reads no config and measures nothing.
    public static func postCommit(at path: String, progress: OutputStream) throws {
        let workspace = try Workspace.open(at: path)
        let head = try workspace.head()
        try JobQueue(workspace: workspace).enqueue(head, reason: "post-commit")
        progress.line("perfjournal: queued \(head.short) to be measured (`perfjournal run --pending`)")
    }

    /// `perfjournal run --pending`: measures every queued commit, oldest first. A job is removed only
    /// after its run is stored; a job whose commands fail moves to `queue/failed/` with the reason.
    public static func runPending(at path: String, output: OutputStream, progress: OutputStream) throws {
        let workspace = try Workspace.open(at: path)
        let config = try workspace.config()
        let queue = JobQueue(workspace: workspace)
        let lock = try FileLock(path: workspace.stateDirectory + "/run.lock") {
            progress.line("waiting for another perfjournal run in this repository to finish…")
        }
        defer { withExtendedLifetime(lock) {} }
        let jobs = try queue.pending()
        if jobs.isEmpty { output.line("no pending commits") }
        var failures = 0
        for (jobPath, job) in jobs {
            guard let commit = ObjectID(hex: job.commit), (try? workspace.repository.commit(commit)) != nil else {
                try queue.fail(jobPath, reason: "commit \(job.commit.prefix(7)) no longer exists")
                continue
            }
            if let note = try workspace.store.note(at: commit), note.runs.contains(where: { $0.id == job.runID }) {
                queue.remove(jobPath)  // stored before a crash; only the job was left
                continue
            }
            do {
                let run = try Measurement.measure(commit, in: workspace, config: config, baseline: false, runID: job.runID, progress: progress)
                try workspace.store.append(run, to: commit)
                queue.remove(jobPath)
                output.line(RunSummary.oneLine(run, commit: commit))
            } catch let error as PerfJournalError {
                failures += 1
                try queue.fail(jobPath, reason: error.description)
                progress.line("perfjournal: \(commit.short): \(error.description)")
            }
        }
        if failures > 0 {
            throw PerfJournalError(.commandFailed, file: queue.directory + "/failed", "\(failures) queued commit\(failures == 1 ? "" : "s") could not be measured; see the reasons there")
        }
    }
}

extension JobQueue {
    /// Moves a job to `failed/`, with the reason beside it.
    func fail(_ path: String, reason: String) throws {
        let failed = directory + "/failed"
        try FileManager.default.createDirectory(atPath: failed, withIntermediateDirectories: true)
        let name = (path as NSString).lastPathComponent
        try AtomicFile.write(reason + "\n", to: failed + "/" + name + ".reason")
        rename(path, failed + "/" + name)
    }
}
