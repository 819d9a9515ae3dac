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

/// `perfjournal daemon start|stop|status|run`.
public enum DaemonCommand {
    /// `daemon run`: in the foreground, logging to `log` (stderr), until stopped.
    public static func runForeground(at path: String, log: OutputStream) throws -> Int32 {
        let workspace = try Workspace.open(at: path)
        return try Daemon(root: workspace.root, log: log).run()
    }

    /// `daemon start`: starts a detached daemon unless one runs. With `waitUntilReady` it waits (up to
    /// 15 s) until the daemon holds its lock; the hooks do not wait.
    public static func start(at path: String, executable: String, output: OutputStream) throws {
        let workspace = try Workspace.open(at: path)
        let paths = DaemonPaths(workspace: workspace)
        if let pid = paths.runningPID() {
            output.line("daemon already running (pid \(pid))")
            return
        }
        try startDetached(workspace: workspace, executable: executable, waitUntilReady: true)
        guard let pid = paths.runningPID() else {
            throw PerfJournalError(.repository, file: paths.log, "the daemon did not come up within 15 s; see its log")
        }
        output.line("daemon started (pid \(pid)); log: \(paths.log)")
    }

    /// Spawns `perfjournal daemon run` in a new session (no controlling terminal, not in git's process
    /// group), stdin from /dev/null, stdout and stderr appended to `.git/perfjournal/daemon.log`, no other
    /// inherited descriptor (a pipe of whoever called us would otherwise stay open for the daemon's life).
    /// Two concurrent starts are harmless: the second daemon finds the lock taken and exits.
    static func startDetached(workspace: Workspace, executable: String, waitUntilReady: Bool) throws {
        let paths = DaemonPaths(workspace: workspace)
        try workspace.ensureDirectory(workspace.stateDirectory)
        let logFD = open(paths.log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard logFD >= 0 else {
            throw PerfJournalError(.repository, file: paths.log, "cannot open the daemon log: \(String(cString: strerror(errno)))")
        }
        defer { close(logFD) }

        let pid = try ChildProcess.spawn(
            [executable, "daemon", "run", "-C", workspace.root], environment: ProcessInfo.processInfo.environment,
            stdout: logFD, stderr: logFD, detachment: .newSession, closeInherited: true)
        guard waitUntilReady else { return }
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if paths.runningPID() != nil { return }
            // Our child exiting at once means another daemon won the lock (or it failed: see the log).
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                if paths.runningPID() != nil { return }
                break
            }
            usleep(20_000)
        }
    }

    /// `daemon stop`: asks over the socket (SIGTERM when the socket does not answer) and waits for the
    /// daemon to let go of its lock; the running job, if any, is re-queued.
    public static func stop(at path: String, output: OutputStream) throws {
        let workspace = try Workspace.open(at: path)
        let paths = DaemonPaths(workspace: workspace)
        guard let pid = paths.runningPID() else {
            output.line("no daemon running")
            return
        }
        if DaemonClient.send("stop", to: paths) == nil, pid > 0 { kill(pid, SIGTERM) }
        let deadline = Date().addingTimeInterval(60)
        while paths.runningPID() != nil {
            if Date() > deadline {
                throw PerfJournalError(.repository, file: paths.log, "the daemon (pid \(pid)) did not stop within 60 s")
            }
            usleep(20_000)
        }
        output.line("daemon stopped (pid \(pid))")
    }

    /// What `status` and `daemon status` show about the daemon.
    public struct Report: Codable, Equatable, Sendable {
        public var running: Bool
        public var pid: Int32?
        public var socket: String
        public var log: String
        /// From the daemon itself, when it answered.
        public var live: DaemonStatus?
    }

    public static func report(_ workspace: Workspace) -> Report {
        let paths = DaemonPaths(workspace: workspace)
        let pid = paths.runningPID()
        var live: DaemonStatus?
        if pid != nil, let line = DaemonClient.send("status", to: paths, timeout: 2) {
            live = try? JSONDecoder().decode(DaemonStatus.self, from: Data(line.utf8))
        }
        return Report(running: pid != nil, pid: pid, socket: paths.socket, log: paths.log, live: live)
    }

    /// `daemon status`: exits 0 whether or not a daemon runs; says which.
    public static func status(at path: String, json: Bool, output: OutputStream) throws {
        let report = report(try Workspace.open(at: path))
        if json {
            output.write(try JSONText.encode(report))
            return
        }
        guard report.running else {
            output.line("daemon: not running (start it: `perfjournal daemon start`)")
            return
        }
        output.line("daemon: running, pid \(report.pid.map(String.init) ?? "?"), socket \(report.socket)")
        if let live = report.live {
            output.line(
                "  state: \(live.state), since \(live.started), watching with \(live.watcher), \(live.jobsDone) job\(live.jobsDone == 1 ? "" : "s") done")
            if let paused = live.paused { output.line("  paused: \(paused)") }
            if let job = live.job { output.line("  running: \(job.commit.prefix(7)) since \(job.started)\(job.log.map { ", log \($0)" } ?? "")") }
            if let last = live.last { output.line("  last: \(last)") }
        }
        output.line("  log: \(report.log)")
    }
}
