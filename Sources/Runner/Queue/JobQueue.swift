import Foundation
import Git
import Store
import Support

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Commits waiting to be measured: one small file per job under `.git/perfjournal/queue/`, written
/// atomically (write, fsync, rename), removed only after the run is stored.
///
/// A job's life: `<name>.job` (waiting) → `<name>.running` (claimed, under `run.lock`) → removed once its
/// run is in the note, or moved to `failed/` with a `.reason` beside it. A `.running` file found while
/// holding `run.lock` belongs to a runner that died, so it goes back to `.job`.
///
/// The one job format: the file name is `<19-digit enqueue time in ns>-<short hash>.job` (so names sort
/// oldest first) and the body is either the JSON of `Job` or just the commit's full hash on one line
/// (what the shell hook writes, so `git commit` never waits for this binary to start). A bare job gets
/// its run id when it is claimed, before anything runs, so a crash at any later point is retried with
/// the same id and `NoteStore.append` stores the run at most once.
public struct JobQueue {
    public struct Job: Codable, Equatable, Sendable {
        public var commit: String
        /// Why it was queued: "post-commit", "watch", "post-rewrite", "retry", "run".
        public var reason: String
        public var enqueued: String
        /// Fixed before the job first runs; nil only in a job the hook wrote and nobody claimed yet.
        public var runID: String?
        /// Set when claimed: when the run started and which process runs it.
        public var started: String?
        public var pid: Int32?

        enum CodingKeys: String, CodingKey {
            case commit, reason, enqueued, started, pid
            case runID = "run_id"
        }
    }

    public struct Entry: Sendable, Equatable {
        public var path: String
        public var job: Job
        public var name: String { (path as NSString).lastPathComponent }
        public var commitID: ObjectID? { ObjectID(hex: job.commit) }
    }

    public let directory: String
    public var failedDirectory: String { directory + "/failed" }

    public init(workspace: Workspace) {
        directory = workspace.stateDirectory + "/queue"
    }

    public init(directory: String) {
        self.directory = directory
    }

    // MARK: - Reading

    /// Reads a job file in either form. nil when it is not a job (unreadable, half-written elsewhere).
    public static func parse(_ data: Data, name: String) -> Job? {
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if let id = ObjectID(hex: text), text.count >= 40 {
            return Job(commit: id.hex, reason: "post-commit", enqueued: enqueueTime(fromName: name), runID: nil)
        }
        guard let job = try? JSONDecoder().decode(Job.self, from: Data(text.utf8)), ObjectID(hex: job.commit) != nil else { return nil }
        return job
    }

    /// The enqueue time a bare job's name records, as ISO 8601 ("" when the name has none).
    static func enqueueTime(fromName name: String) -> String {
        let digits = name.prefix(while: \.isNumber)
        guard digits.count >= 10, let ns = Double(digits) else { return "" }
        return Timestamp.iso8601(Date(timeIntervalSince1970: ns / 1e9))
    }

    private func entries(in directory: String, suffix: String) -> [Entry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(suffix) && !$0.hasPrefix(".") }.sorted().compactMap { name in
            let path = directory + "/" + name
            guard let data = FileManager.default.contents(atPath: path), let job = Self.parse(data, name: name) else { return nil }
            return Entry(path: path, job: job)
        }
    }

    /// Waiting jobs, oldest first. An unreadable job file is skipped, never deleted unread.
    public func pending() -> [Entry] { entries(in: directory, suffix: ".job") }

    /// Claimed jobs (normally at most one).
    public func running() -> [Entry] { entries(in: directory, suffix: ".running") }

    /// Jobs that failed, oldest first, with the reason recorded beside each.
    public func failed() -> [(entry: Entry, reason: String)] {
        entries(in: failedDirectory, suffix: ".job").map { entry in
            let reason = (try? String(contentsOfFile: entry.path + ".reason", encoding: .utf8)) ?? "(no reason recorded)"
            return (entry, reason.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// Every commit with a job in any state: a commit listed here is not queued again.
    public func commitsWithJobs() -> Set<String> {
        Set((pending() + running() + failed().map(\.entry)).map(\.job.commit))
    }

    // MARK: - Writing

    /// Queues `commit` unless a job for it is already waiting or running. Returns the job's path.
    @discardableResult
    public func enqueue(_ commit: ObjectID, reason: String) throws -> String {
        try ensureDirectory(directory)
        if let existing = (pending() + running()).first(where: { $0.job.commit == commit.hex }) { return existing.path }
        return try write(Job(commit: commit.hex, reason: reason, enqueued: "", runID: newRunID()), commit: commit)
    }

    /// Queues `commit` without looking for an existing job: for callers that just listed the jobs.
    @discardableResult
    public func enqueueNew(_ commit: ObjectID, reason: String) throws -> String {
        try ensureDirectory(directory)
        return try write(Job(commit: commit.hex, reason: reason, enqueued: "", runID: newRunID()), commit: commit)
    }

    private func write(_ job: Job, commit: ObjectID) throws -> String {
        let now = Date()
        var job = job
        job.enqueued = Timestamp.iso8601(now)
        let name = String(format: "%019.0f", (now.timeIntervalSince1970 * 1e9).rounded()) + "-" + commit.short + ".job"
        let path = directory + "/" + name
        try AtomicFile.write(try JSONText.encode(job), to: path)
        return path
    }

    func newRunID() -> String { UUID().uuidString.lowercased() }

    /// Takes the oldest waiting job for this process: renames it to `.running` (atomic, so two runners
    /// never take the same job) and then records its run id, start time and pid. Call with `run.lock` held.
    public func claim(_ entry: Entry) throws -> Entry? {
        let runningPath = String(entry.path.dropLast(".job".count)) + ".running"
        guard rename(entry.path, runningPath) == 0 else { return nil }  // someone else took it
        var job = entry.job
        if job.runID == nil { job.runID = newRunID() }
        job.started = Timestamp.iso8601(Date())
        job.pid = getpid()
        try AtomicFile.write(try JSONText.encode(job), to: runningPath)
        return Entry(path: runningPath, job: job)
    }

    /// Puts a claimed job back in the queue, keeping its run id (SIGTERM, a runner that died).
    public func release(_ entry: Entry) {
        guard entry.path.hasSuffix(".running") else { return }
        var job = entry.job
        job.started = nil
        job.pid = nil
        let waiting = String(entry.path.dropLast(".running".count)) + ".job"
        if let text = try? JSONText.encode(job) { try? AtomicFile.write(text, to: entry.path) }
        rename(entry.path, waiting)
    }

    /// Returns every `.running` job to the queue. Only call with `run.lock` held: then nobody runs them.
    /// Returns how many there were.
    @discardableResult
    public func recoverAbandoned() -> Int {
        let stale = running()
        for entry in stale { release(entry) }
        // A claimed file that could not be parsed still goes back, as it was.
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names where name.hasSuffix(".running") {
            rename(directory + "/" + name, directory + "/" + String(name.dropLast(".running".count)) + ".job")
        }
        return stale.count
    }

    public func remove(_ path: String) {
        unlink(path)
    }

    /// Moves a job to `failed/`, with the reason (and the log, when there is one) beside it.
    public func fail(_ path: String, reason: String) throws {
        try ensureDirectory(failedDirectory)
        var name = (path as NSString).lastPathComponent
        if name.hasSuffix(".running") { name = String(name.dropLast(".running".count)) + ".job" }
        try AtomicFile.write(reason + "\n", to: failedDirectory + "/" + name + ".reason")
        rename(path, failedDirectory + "/" + name)
    }

    /// Puts every failed job back in the queue with a fresh run id; returns the commits re-queued.
    public func retryFailed() throws -> [String] {
        var commits: [String] = []
        for (entry, _) in failed() {
            if let commit = entry.commitID, !(pending() + running()).contains(where: { $0.job.commit == commit.hex }) {
                _ = try write(Job(commit: commit.hex, reason: "retry", enqueued: "", runID: newRunID()), commit: commit)
                commits.append(commit.hex)
            }
            unlink(entry.path + ".reason")
            unlink(entry.path)
        }
        return commits
    }

    private func ensureDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw PerfJournalError(.repository, file: path, "cannot create the queue directory: \(error.localizedDescription)")
        }
    }
}

/// The job being measured, as `status --json` and the daemon's `status` report it: read from its claimed
/// `.running` file, with its log and, when asked, how long it has run. The one shape of "the running job".
public struct RunningJob: Codable, Equatable, Sendable {
    public var commit: String
    public var reason: String
    public var started: String
    public var elapsedSeconds: Double?
    public var log: String?
    public var pid: Int32?

    /// `now` given: `elapsedSeconds` is the time since the job was claimed.
    public init(_ entry: JobQueue.Entry, in workspace: Workspace, now: Date? = nil) {
        commit = entry.job.commit
        reason = entry.job.reason
        started = entry.job.started ?? ""
        let started = self.started
        elapsedSeconds = now.flatMap { now in Timestamp.date(iso8601: started).map { max(0, now.timeIntervalSince($0)) } }
        log = JobRunner.logPath(in: workspace, commit: entry.job.commit, runID: entry.job.runID)
        pid = entry.job.pid
    }

    enum CodingKeys: String, CodingKey {
        case commit, reason, started, log, pid
        case elapsedSeconds = "elapsed_seconds"
    }
}
