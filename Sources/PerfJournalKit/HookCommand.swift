import Foundation
import Git
import Runner
import Store
import Support

import protocol Support.OutputStream

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `perfjournal hook post-commit|post-rewrite|commit-msg`: the git hooks' side of "every commit gets its run",
/// and the commit message check.
public enum HookCommand {
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
        try DaemonCommand.startDetached(workspace: workspace, executable: executable, waitUntilReady: false)
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

    /// `perfjournal hook commit-msg`: the one-change rule on the message being committed; false blocks the commit.
    public static func commitMsg(at path: String, messageFile: String, output: OutputStream) throws -> Bool {
        try CommitMessageHook.run(at: path, messageFile: messageFile, output: output)
    }
}
