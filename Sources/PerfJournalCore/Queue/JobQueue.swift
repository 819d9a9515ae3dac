import Foundation
import Git

/// Commits waiting to be measured: one small file per job under `.git/perfjournal/queue/`, written
/// atomically, removed only after the run is stored. A crash between the two leaves the job, and the
/// run's id (kept in the job) makes the retry store nothing twice.
public struct JobQueue {
    public struct Job: Codable, Equatable, Sendable {
        public var commit: String
        /// Why it was queued: "post-commit", "watch", "retry".
        public var reason: String
        public var enqueued: String
        /// Fixed when the job is made, so a retried store of the same job is recognised as a duplicate.
        public var runID: String
    }

    public let directory: String

    public init(workspace: Workspace) {
        directory = workspace.stateDirectory + "/queue"
    }

    /// Queues `commit` unless a job for it is already waiting. Returns the job's path.
    @discardableResult
    public func enqueue(_ commit: ObjectID, reason: String) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if let existing = try pending().first(where: { $0.job.commit == commit.hex }) { return existing.path }
        let now = Date()
        let name = String(format: "%019.0f", now.timeIntervalSince1970 * 1e9) + "-" + commit.short + ".job"
        let job = Job(commit: commit.hex, reason: reason, enqueued: Timestamp.iso8601(now), runID: UUID().uuidString.lowercased())
        let path = directory + "/" + name
        try AtomicFile.write(try JSONText.encode(job), to: path)
        return path
    }

    /// Waiting jobs, oldest first. An unreadable job file is skipped (it may be mid-rename on another
    /// platform); it is never deleted unread.
    public func pending() throws -> [(path: String, job: Job)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".job") }.sorted().compactMap { name in
            let path = directory + "/" + name
            guard let data = FileManager.default.contents(atPath: path),
                  let job = try? JSONDecoder().decode(Job.self, from: data) else { return nil }
            return (path, job)
        }
    }

    public func remove(_ path: String) {
        unlink(path)
    }
}
