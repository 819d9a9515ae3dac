import Config
import Foundation
import Git
import Store
import Support

import protocol Support.OutputStream

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a running daemon says about itself over its socket (`status`).
public struct DaemonStatus: Codable, Equatable, Sendable {
    public var pid: Int32
    public var started: String
    /// "idle", "running", "paused", "stopping".
    public var state: String
    /// Why the queue is paused, and how to resume it.
    public var paused: String?
    public var job: RunningJob?
    /// What the last job came to, in one line.
    public var last: String?
    public var jobsDone: Int
    public var watcher: String

    enum CodingKeys: String, CodingKey {
        case pid, started, state, paused, job, last, watcher
        case jobsDone = "jobs_done"
    }
}

/// The per-repository daemon: one loop on one thread that watches the refs and the queue and runs one
/// job at a time; a socket thread answering `status`/`poke`/`stop`; a signal thread turning SIGTERM,
/// SIGINT and SIGHUP into a clean stop (the running job's process group is killed and the job re-queued).
/// SIGKILL needs no handling: every step is durable (see `JobQueue`), and the next daemon recovers.
public final class Daemon: @unchecked Sendable {
    let root: String
    let log: OutputStream
    /// Seconds between looks at the refs when nothing wakes the loop (the whole watcher where there is no inotify).
    let pollInterval: Double

    private let lock = NSLock()
    private var status: DaemonStatus
    private var stopRequested = false
    private var wakeFD: Int32 = -1

    public init(root: String, log: OutputStream, pollInterval: Double = 2) {
        self.root = root
        self.log = log
        self.pollInterval = pollInterval
        status = DaemonStatus(pid: getpid(), started: Timestamp.iso8601(Date()), state: "idle", jobsDone: 0, watcher: "")
    }

    private func say(_ text: String) {
        log.line("\(Timestamp.iso8601(Date())) \(text)")
    }

    private var shouldStop: Bool { lock.withLock { stopRequested } }

    private func update(_ change: (inout DaemonStatus) -> Void) { lock.withLock { change(&status) } }

    /// Asks the loop to stop: the running job's processes get SIGTERM, then SIGKILL after a grace period.
    func requestStop(_ why: String) {
        let first = lock.withLock { () -> Bool in
            defer { stopRequested = true; status.state = "stopping" }
            return !stopRequested
        }
        guard first else { return }
        say("stopping (\(why))")
        RunningChildren.shared.signalAll(SIGTERM)
        if wakeFD >= 0 { RefWatcher.wake(wakeFD) }
        let grace = Thread {
            Thread.sleep(forTimeInterval: CommandRunner.gracePeriod + 2)
            RunningChildren.shared.signalAll(SIGKILL)
        }
        grace.start()
    }

    func handle(_ request: String) -> String {
        switch request {
        case "status":
            let snapshot = lock.withLock { status }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return (try? encoder.encode(snapshot)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        case "poke":
            if wakeFD >= 0 { RefWatcher.wake(wakeFD) }
            return "ok"
        case "stop":
            requestStop("asked to over the socket")
            return "ok"
        default:
            return "error: unknown request '\(request.prefix(40))' (poke, status, stop)"
        }
    }

    /// Runs until stopped. Returns the exit status: 0 for a clean stop, for "another daemon already
    /// runs here", and for "the repository was deleted".
    public func run() throws -> Int32 {
        let workspace = try Workspace.open(at: root)
        try workspace.ensureDirectory(workspace.stateDirectory)
        let paths = DaemonPaths(workspace: workspace)
        guard let daemonLock = FileLock(tryPath: paths.lock) else {
            say("a daemon already runs for this repository (pid \(paths.runningPID().map(String.init) ?? "?")); not starting another")
            return 0
        }
        defer { withExtendedLifetime(daemonLock) {} }
        try AtomicFile.write("\(getpid())\n", to: paths.pidFile)
        defer { unlink(paths.pidFile) }

        blockStopSignals()
        signal(SIGPIPE, SIG_IGN)
        startSignalThread()

        let watcher = RefWatcher(
            gitDir: workspace.repository.gitDir, commonDir: workspace.repository.commonDir,
            queueDirectory: JobQueue(workspace: workspace).directory)
        lock.withLock { wakeFD = watcher.wakeWrite }
        let watcherKind = watcher.usesInotify ? "inotify" : "polling every \(Display.seconds(pollInterval))"
        update { $0.watcher = watcherKind }

        var server: DaemonSocketServer?
        do {
            server = try DaemonSocketServer(path: paths.socket) { [self] in self.handle($0) }
            server?.start()
        } catch let error as PerfJournalError {
            say("no control socket (\(error.description)); `perfjournal daemon stop` falls back to SIGTERM")
        }
        defer { server?.shutdown() }
        say("daemon started for \(root) (pid \(getpid()), socket \(paths.socket), watching with \(watcherKind))")

        var branches = BranchWatch()
        var lastPause: String?
        while !shouldStop {
            // A repository deleted under us: nothing left to do.
            guard FileManager.default.fileExists(atPath: workspace.repository.commonDir + "/HEAD"),
                FileManager.default.fileExists(atPath: workspace.repository.commonDir + "/objects"),
                let current = try? Workspace.open(at: root)
            else {
                say("the repository is gone; exiting")
                return 0
            }
            let runner = JobRunner(workspace: current, progress: log)
            if let config = try? current.config() {
                do {
                    for line in try branches.scan(current, branches: config.watch.branches) { say(line) }
                } catch {
                    say("watching the branches failed: \(error)")
                }
            }
            switch runner.readiness() {
            case .failure(let reason):
                if reason.text != lastPause { say("queue paused: \(reason.text)") }
                lastPause = reason.text
                update {
                    $0.state = "paused"; $0.paused = reason.text
                }
            case .success(let config):
                if lastPause != nil { say("queue resumed") }
                lastPause = nil
                update {
                    $0.state = "idle"; $0.paused = nil
                }
                if runOneJob(runner, config: config, paths: paths) { continue }
            }
            watcher.wait(timeout: pollInterval)
        }
        say("stopped")
        return 0
    }

    /// One job under `run.lock`; true when one ran (so the loop looks for the next at once).
    private func runOneJob(_ runner: JobRunner, config: Config, paths: DaemonPaths) -> Bool {
        guard !runner.queue.pending().isEmpty || !runner.queue.running().isEmpty else { return false }
        // A foreground `perfjournal run` may hold the lock; try again after the next wake-up or poll.
        guard let runLock = FileLock(tryPath: paths.stateDirectory + "/run.lock") else { return false }
        defer { withExtendedLifetime(runLock) {} }
        do {
            let outcome = try runner.runOldest(
                config: config,
                onClaim: { entry in
                    let job = RunningJob(entry, in: runner.workspace)
                    self.update {
                        $0.state = "running"
                        $0.job = job
                    }
                    self.say("running \(entry.job.commit.prefix(7)) (\(entry.job.reason))")
                }, shouldStop: { self.shouldStop })
            let line: String?
            switch outcome {
            case nil: line = nil
            case .stored(_, let summary): line = summary
            case .reused(let commit, let from): line = "run reused on \(commit.prefix(7)): same tree as \(from.prefix(7)), not measured again"
            case .alreadyMeasured(let commit): line = "\(commit.prefix(7)) already has its run; job dropped"
            case .failed(let commit, let reason): line = "\(commit.prefix(7)) FAILED: \(reason.split(separator: "\n").joined(separator: "; "))"
            case .released(let commit): line = "\(commit.prefix(7)) abandoned and re-queued"
            }
            let stopping = shouldStop
            update {
                $0.job = nil
                if !stopping { $0.state = "idle" }
                if let line { $0.last = line; $0.jobsDone += 1 }
            }
            if let line { say(line) }
            return outcome != nil
        } catch {
            update { $0.job = nil }
            say("job failed to complete: \(error); retrying after the next change or poll")
            return false
        }
    }

    private static var stopSignals: sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for s in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&set, s) }
        return set
    }

    /// Blocked in every thread (threads inherit the mask), taken only by `sigwait` in the signal thread.
    private func blockStopSignals() {
        var set = Self.stopSignals
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    private func startSignalThread() {
        let thread = Thread { [self] in
            var set = Self.stopSignals
            while true {
                var received: Int32 = 0
                if sigwait(&set, &received) == 0 {
                    self.requestStop("signal \(received)")
                }
            }
        }
        thread.name = "perfjournal-signals"
        thread.start()
    }
}
