import Foundation
import Git
import Store

/// Turns ref movements on the watched branches into jobs: every commit since the baseline that has no
/// run of its own tree and no job gets one. It remembers each branch's tip, so a scan that finds
/// nothing moved costs a few ref lookups.
struct BranchWatch {
    /// Branch → the tip seen last ("" when the branch did not exist).
    private(set) var tips: [String: String] = [:]
    /// Most commits one branch movement queues.
    static let maxBackfill = 100

    /// Looks at every watched branch; enqueues what is missing; returns log lines for what happened.
    mutating func scan(_ workspace: Workspace, branches: [String]) throws -> [String] {
        var log: [String] = []
        let queue = JobQueue(workspace: workspace)
        for branch in branches {
            let tip = try? workspace.repository.referenceTarget("refs/heads/" + branch)
            let seen = tips[branch]
            tips[branch] = tip?.hex ?? ""
            if seen == (tip?.hex ?? "") { continue }
            guard let tip else {
                if seen != nil {
                    log.append("branch \(branch) is gone (deleted or renamed); nothing to watch there until it comes back")
                } else {
                    log.append("branch \(branch) does not exist (yet); watching for it")
                }
                continue
            }
            if let seen, let old = ObjectID(hex: seen), !((try? workspace.repository.isAncestor(old, of: tip)) ?? true) {
                log.append("branch \(branch) moved from \(old.short) to \(tip.short), not a fast-forward (rewritten or force-pushed)")
            }
            let history = try History(workspace: workspace)
            guard let baseline = try history.baseline(at: tip) else {
                log.append("branch \(branch) at \(tip.short) has no baseline below it; run `perfjournal baseline` to start measuring")
                continue
            }
            let withJobs = queue.commitsWithJobs()
            var missing: [ObjectID] = []
            for commit in try history.commits(since: baseline.commit, to: tip) where !withJobs.contains(commit.hex) {
                if history.measured[commit] != nil {
                    let tree = try workspace.commit(commit).tree
                    if RunReuse.hasOwnRun(try history.note(at: commit), tree: tree) { continue }
                }
                missing.append(commit)
            }
            // A baseline far back (or a big merge) would queue hours of runs at once: take the newest
            // `maxBackfill` and say how to measure the rest.
            if missing.count > Self.maxBackfill {
                log.append(
                    "branch \(branch): \(missing.count) commits since the baseline have no run; queueing the newest \(Self.maxBackfill) (measure older ones with `perfjournal run <rev>`, or store a newer baseline)"
                )
                missing = Array(missing.suffix(Self.maxBackfill))
            }
            var queued: [String] = []
            for commit in missing {
                try queue.enqueueNew(commit, reason: "watch")
                queued.append(commit.short)
            }
            if !queued.isEmpty {
                log.append(
                    "branch \(branch) at \(tip.short): queued \(queued.count) commit\(queued.count == 1 ? "" : "s") without a run: \(queued.prefix(10).joined(separator: " "))\(queued.count > 10 ? " …" : "")"
                )
            }
        }
        return log
    }
}
