import Foundation
import Runner
import Store
import Support
import protocol Support.OutputStream

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Git

/// The hook side and the queue side of "every commit gets its run".
public enum PendingCommands {
    /// `perfjournal hook post-commit`: queue HEAD, then make sure someone will run it. The installed
    /// shell hook writes the job itself (starting this binary would cost `git commit` ~10 ms) and calls
    /// this only when it cannot (`enqueue: true`), or with `enqueue: false` in the background when no
    /// daemon is alive, to start one.
    public static func postCommit(at path: String, enqueue: Bool, executable: String, progress: OutputStream) throws {
        let workspace = try Workspace.open(at: path)
        if enqueue {
            let head = try workspace.head()
            try JobQueue(workspace: workspace).enqueue(head, reason: "post-commit")
            progress.line("perfjournal: queued \(head.short) to be measured")
        }
        try autostart(workspace, executable: executable, progress: progress)
    }

    /// Starts the daemon when the config asks for it (`daemon.autostart`) and the session has begun (a
    /// baseline exists: before it, there is nothing to compare a run with and `perfjournal baseline`
    /// is the next step). Otherwise the job waits for `perfjournal run --pending` or `daemon start`.
    static func autostart(_ workspace: Workspace, executable: String, progress: OutputStream) throws {
        let paths = DaemonPaths(workspace: workspace)
        if paths.runningPID() != nil { return }
        guard let config = try? workspace.config(), config.daemon.autostart,
              let head = try? workspace.head(), try History(workspace: workspace).baseline(at: head) != nil
        else {
            AutostartMarker.set(workspace)
            return
        }
        AutostartMarker.clear(workspace)
        try DaemonControl.startDetached(workspace: workspace, executable: executable, waitUntilReady: false)
    }

    /// `perfjournal hook post-rewrite <amend|rebase>`, with "old new" lines on stdin. A rewritten commit
    /// keeps the runs of its old commit only when they were made on its tree: git copies the note under
    /// `notes.rewriteRef`, and when that is not set this copies it. A rewritten commit without a run of
    /// its own tree is queued.
    public static func postRewrite(at path: String, pairs: String, executable: String, progress: OutputStream) throws {
        let workspace = try Workspace.open(at: path)
        let copiesNotes = (try? workspace.repository.configValues("notes.rewriteRef"))?.contains(NoteStore.ref) ?? false
        let queue = JobQueue(workspace: workspace)
        var queued = 0
        for line in pairs.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 2, let old = ObjectID(hex: String(fields[0])), let new = ObjectID(hex: String(fields[1])) else { continue }
            guard let oldNote = try workspace.store.note(at: old), !oldNote.runs.isEmpty else { continue }
            let tree = try workspace.commit(new).tree
            let sameTree = oldNote.runs.filter { $0.tree == tree.hex }
            if !copiesNotes {
                for run in sameTree { try workspace.store.append(run, to: new) }
            }
            if !RunReuse.hasOwnRun(try workspace.store.note(at: new), tree: tree) {
                try queue.enqueue(new, reason: "post-rewrite")
                queued += 1
            }
        }
        if queued > 0 {
            progress.line("perfjournal: queued \(queued) rewritten commit\(queued == 1 ? "" : "s") whose code changed")
            try autostart(workspace, executable: executable, progress: progress)
        }
    }

    /// `perfjournal run --pending`: measures every queued commit, oldest first, in the foreground. The
    /// queue holds commits nobody chose by hand, so it runs only an approved config (`perfjournal trust`).
    /// Jobs the daemon finished while this waited for the lock are reported, not measured again.
    public static func runPending(at path: String, output: OutputStream, progress: OutputStream) throws {
        let workspace = try Workspace.open(at: path)
        let config = try workspace.config()
        try TrustStore(workspace: workspace).requireTrusted(config)
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
            throw PerfJournalError(.commandFailed, file: queue.failedDirectory, "\(failures) queued commit\(failures == 1 ? "" : "s") could not be measured; see the reasons there (retry: `perfjournal run --retry-failed`)")
        }
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
            try runPending(at: path, output: output, progress: progress)
        }
    }
}

/// `.git/perfjournal/autostart-off`: "the last hook found nothing to start". The shell hook reads it to
/// skip starting perfjournal at all (which would cost more than the whole hook), until the config files
/// are newer than the marker or a command that changes the answer (init, trust, a new baseline) clears it.
enum AutostartMarker {
    static func path(_ workspace: Workspace) -> String { workspace.stateDirectory + "/autostart-off" }

    static func set(_ workspace: Workspace) {
        try? AtomicFile.write("", to: path(workspace))
    }

    static func clear(_ workspace: Workspace) {
        unlink(path(workspace))
    }
}
