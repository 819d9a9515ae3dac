import Config
import Foundation
import Git
import Store

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Failed jobs wait in `queue/failed/` until retried; these clear them.
extension JobQueue {
    /// Drops the failed jobs whose commit is gone or reachable from neither HEAD nor a watched branch
    /// (reset or rebased away): they can never be measured, so "retry them" would be advice for good.
    /// Returns the commits dropped.
    @discardableResult
    public func dropUnreachableFailed(workspace: Workspace) -> [String] {
        let failed = self.failed()
        guard !failed.isEmpty else { return [] }
        let repository = workspace.repository
        var tips: [ObjectID] = []
        if let head = try? workspace.head() { tips.append(head) }
        for branch in (try? workspace.config().watch.branches) ?? [] {
            if let tip = try? repository.resolveCommit("refs/heads/" + branch) { tips.append(tip) }
        }
        // Without any tip to judge by, keep everything.
        guard !tips.isEmpty else { return [] }
        var dropped: [String] = []
        for (entry, _) in failed {
            let reachable: Bool
            if let id = entry.commitID, (try? repository.commit(id)) != nil {
                reachable = tips.contains { tip in tip == id || ((try? repository.isAncestor(id, of: tip)) ?? true) }
            } else {
                reachable = false
            }
            if !reachable {
                removeFailed(entry)
                dropped.append(entry.job.commit)
            }
        }
        return dropped
    }

    /// `run --clear-failed`: forgets every failed job. Returns the commits.
    public func clearFailed() -> [String] {
        failed().map { entry, _ in
            removeFailed(entry)
            return entry.job.commit
        }
    }

    private func removeFailed(_ entry: Entry) {
        unlink(entry.path + ".reason")
        unlink(entry.path)
    }
}
