import Foundation
import TestSupport
import Testing

@testable import Config
@testable import Git
@testable import Runner
@testable import Store
@testable import Support

/// The queue's files, driven directly: waiting, claimed, released, abandoned by a dead runner, failed.
@Suite struct JobQueueTests {
    let directory = NSTemporaryDirectory() + "perfjournal-queue-" + UUID().uuidString
    var queue: JobQueue { JobQueue(directory: directory) }
    static let commit = ObjectID(hex: String(repeating: "12", count: 20))!

    func files(_ suffix: String, in folder: String? = nil) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder ?? directory)) ?? []).filter { $0.hasSuffix(suffix) }.sorted()
    }

    @Test func enqueueWritesOneJobPerCommitWithItsRunID() throws {
        let path = try queue.enqueue(Self.commit, reason: "post-commit")
        #expect(try queue.enqueue(Self.commit, reason: "watch") == path)
        #expect(files(".job").count == 1)
        let job = try #require(queue.pending().first?.job)
        #expect(job.commit == Self.commit.hex && job.reason == "post-commit" && job.runID != nil && !job.enqueued.isEmpty)
        #expect(queue.commitsWithJobs() == [Self.commit.hex])
    }

    @Test func aBareJobFromTheHookGetsItsRunIDWhenClaimed() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try (Self.commit.hex + "\n").write(toFile: directory + "/1767268800000000000-1212121.job", atomically: true, encoding: .utf8)
        let waiting = try #require(queue.pending().first)
        #expect(waiting.job.runID == nil && waiting.job.reason == "post-commit")
        #expect(waiting.job.enqueued.hasPrefix("2026-01-01T12:00:00"))
        let claimed = try #require(try queue.claim(waiting))
        #expect(claimed.path.hasSuffix(".running") && claimed.job.runID != nil)
        #expect(claimed.job.pid == getpid() && claimed.job.started != nil)
        // The claim is written down: a runner that dies now leaves the run id behind.
        #expect(queue.running().first?.job == claimed.job)
        // The rename is the claim: a second runner holding the stale entry gets nothing.
        #expect(try queue.claim(waiting) == nil)
    }

    @Test func releasingAClaimedJobKeepsItsRunID() throws {
        try queue.enqueue(Self.commit, reason: "run")
        let waiting = try #require(queue.pending().first)
        let claimed = try #require(try queue.claim(waiting))
        queue.release(claimed)
        #expect(files(".running").isEmpty)
        let back = try #require(queue.pending().first)
        #expect(back.job.runID == claimed.job.runID && back.job.started == nil && back.job.pid == nil)
    }

    @Test func aRunningFileLeftByADeadRunnerGoesBackToTheQueue() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let job = JobQueue.Job(
            commit: Self.commit.hex, reason: "watch", enqueued: "2026-01-01T12:00:00Z", runID: "run-1", started: "2026-01-01T12:00:01Z",
            pid: 999_999)
        try JSONText.encode(job).write(toFile: directory + "/0000000000000000001-1212121.running", atomically: true, encoding: .utf8)
        // A claimed file nobody can parse goes back too, as it was.
        try "garbage".write(toFile: directory + "/0000000000000000002-3434343.running", atomically: true, encoding: .utf8)
        #expect(queue.recoverAbandoned() == 1)
        #expect(files(".running").isEmpty)
        #expect(files(".job") == ["0000000000000000001-1212121.job", "0000000000000000002-3434343.job"])
        let recovered = try #require(queue.pending().first)
        #expect(recovered.job.runID == "run-1" && recovered.job.pid == nil && recovered.job.started == nil)
        // The unreadable one is skipped when listing, never deleted unread.
        #expect(queue.pending().count == 1)
    }

    @Test func aFailedJobKeepsItsReasonAndRetriesWithAFreshRunID() throws {
        try queue.enqueue(Self.commit, reason: "post-commit")
        let waiting = try #require(queue.pending().first)
        let claimed = try #require(try queue.claim(waiting))
        try queue.fail(claimed.path, reason: "bench exited 1")
        #expect(queue.pending().isEmpty && queue.running().isEmpty)
        let failed = try #require(queue.failed().first)
        #expect(failed.reason == "bench exited 1" && failed.entry.name.hasSuffix(".job"))
        #expect(queue.commitsWithJobs() == [Self.commit.hex])
        #expect(try queue.retryFailed() == [Self.commit.hex])
        #expect(queue.failed().isEmpty && files(".reason", in: queue.failedDirectory).isEmpty)
        let retry = try #require(queue.pending().first?.job)
        #expect(retry.reason == "retry" && retry.runID != claimed.job.runID)
    }
}

/// `JobRunner` over a real repository, with a bench command that `cat`s a fixture into the result file.
@Suite struct JobRunnerTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/hyperfine/basic.json").path

    let sandbox: GitSandbox
    let workspace: Workspace
    let commit: ObjectID

    init() throws {
        sandbox = try GitSandbox()
        let toml = "[bench]\ncommand = \"cat '\(Self.fixture)' > out.json\"\nresults = \"out.json\"\n"
        commit = ObjectID(hex: try sandbox.commit("one", [".perfjournal.toml": toml, "a.txt": "1\n"]))!
        workspace = try Workspace.open(at: sandbox.root)
        // Measuring runs only a trusted config's commands (trust is per clone, under .git/perfjournal).
        _ = try TrustStore(workspace: workspace).approve(try workspace.config())
    }

    func runner(_ progress: TextBuffer = TextBuffer()) -> JobRunner { JobRunner(workspace: workspace, progress: progress) }

    func config(benchCommand: String? = nil) throws -> Config {
        var config = try workspace.config()
        if let benchCommand { config.bench.command = benchCommand }
        return config
    }

    func writeJob(_ job: JobQueue.Job, suffix: String) throws -> String {
        let queue = JobQueue(workspace: workspace)
        try FileManager.default.createDirectory(atPath: queue.directory, withIntermediateDirectories: true)
        let path = queue.directory + "/0000000000000000001-\(commit.short)" + suffix
        try JSONText.encode(job).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aJobLeftRunningByADeadRunnerIsMeasuredWithItsRunID() throws {
        let job = JobQueue.Job(
            commit: commit.hex, reason: "watch", enqueued: "2026-01-01T12:00:00Z", runID: "crashed-run", started: "2026-01-01T12:00:01Z",
            pid: 999_999)
        _ = try writeJob(job, suffix: ".running")
        let outcome = try runner().runOldest(config: try config())
        guard case .stored(let hex, _) = outcome else {
            Issue.record("expected a stored run, got \(String(describing: outcome))")
            return
        }
        #expect(hex == commit.hex)
        #expect(try workspace.store.note(at: commit)?.runs.map(\.id) == ["crashed-run"])
        #expect(runner().queue.pending().isEmpty && runner().queue.running().isEmpty)
    }

    @Test func aJobWhoseRunIsAlreadyInTheNoteIsDropped() throws {
        // The runner died after `NoteStore.append` and before removing the job.
        try workspace.store.append(try Fixture.run(of: commit, in: workspace, center: 1, seed: 1, id: "stored-run"), to: commit)
        _ = try writeJob(JobQueue.Job(commit: commit.hex, reason: "post-commit", enqueued: "", runID: "stored-run"), suffix: ".running")
        #expect(try runner().runOldest(config: try config()) == .alreadyMeasured(commit: commit.hex))
        #expect(try workspace.store.note(at: commit)?.runs.count == 1)
        #expect(runner().queue.pending().isEmpty && runner().queue.running().isEmpty)
    }

    @Test func aClaimedJobIsReleasedWhenTheRunnerIsStopping() throws {
        try JobQueue(workspace: workspace).enqueue(commit, reason: "watch")
        let runID = try #require(JobQueue(workspace: workspace).pending().first?.job.runID)
        var claimed: JobQueue.Entry?
        let outcome = try runner().runOldest(
            config: try config(benchCommand: "exit 3"), onClaim: { claimed = $0 }, shouldStop: { true })
        #expect(outcome == .released(commit: commit.hex))
        #expect(claimed?.job.runID == runID)
        let queue = JobQueue(workspace: workspace)
        #expect(queue.running().isEmpty && queue.failed().isEmpty)
        #expect(queue.pending().map(\.job.runID) == [runID])
        #expect(try workspace.store.note(at: commit) == nil)
    }

    @Test func aFailingRunMovesTheJobToFailedWithTheReason() throws {
        try JobQueue(workspace: workspace).enqueue(commit, reason: "watch")
        let outcome = try runner().runOldest(config: try config(benchCommand: "exit 3"))
        guard case .failed(let hex, let reason) = outcome else {
            Issue.record("expected a failure, got \(String(describing: outcome))")
            return
        }
        #expect(hex == commit.hex && reason.contains("log: "))
        let queue = JobQueue(workspace: workspace)
        #expect(queue.pending().isEmpty && queue.failed().count == 1)
    }

    @Test func aJobForAVanishedCommitFails() throws {
        let gone = String(repeating: "9", count: 40)
        _ = try writeJob(JobQueue.Job(commit: gone, reason: "watch", enqueued: "", runID: "x"), suffix: ".job")
        #expect(
            try runner().runOldest(config: try config())
                == .failed(commit: gone, reason: "commit 9999999 no longer exists (rewritten and garbage-collected?)"))
    }

    @Test func aForegroundRunTakesOverTheQueuedJobAndReleasesItOnFailure() throws {
        try JobQueue(workspace: workspace).enqueue(commit, reason: "post-commit")
        let runID = JobQueue(workspace: workspace).pending().first?.job.runID
        let jobs = ForegroundJobs(workspace: workspace, commits: [commit])
        let decision = try jobs.take(commit)
        guard case .measure(let taken, let job?) = decision else {
            Issue.record("expected the queued job to be taken, got \(decision)")
            return
        }
        #expect(taken == runID && job.path.hasSuffix(".running"))
        jobs.finish(decision, stored: false)
        #expect(JobQueue(workspace: workspace).pending().map(\.job.runID) == [runID])
    }

    @Test func theRunningJobShowsTheClaimedEntry() throws {
        try JobQueue(workspace: workspace).enqueue(commit, reason: "watch")
        let queue = JobQueue(workspace: workspace)
        let waiting = try #require(queue.pending().first)
        let claimed = try #require(try queue.claim(waiting))
        let started = try #require(claimed.job.started)
        let later = try #require(Timestamp.date(iso8601: started)).addingTimeInterval(5)
        let running = RunningJob(claimed, in: workspace, now: later)
        #expect(running.commit == commit.hex && running.reason == "watch" && running.pid == getpid())
        #expect(running.elapsedSeconds.map { abs($0 - 5) < 1 } == true)
        #expect(RunningJob(claimed, in: workspace).elapsedSeconds == nil)
    }
}
