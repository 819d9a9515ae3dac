import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a shell command in its own process group with a timeout, appending its stdout and stderr to a
/// log file. A timeout kills the whole group (a benchmark's children too): SIGTERM, then SIGKILL.
public enum CommandRunner {
    public struct Outcome: Sendable, Equatable {
        public var exitStatus: Int32
        public var duration: Double
        public var timedOut: Bool
        /// Killed by this signal (0 when it exited).
        public var signal: Int32
        /// User + system CPU seconds of the command and the descendants it waited for.
        public var cpuSeconds: Double = 0
    }

    /// Seconds a timed-out group gets between SIGTERM and SIGKILL.
    package static let gracePeriod = 3.0

    /// With `stdoutPath`, standard output goes to that file (truncated) and only stderr to the log.
    public static func run(
        _ command: String, in directory: String, logPath: String, timeout: Double,
        environment: [String: String] = [:], stdoutPath: String? = nil
    ) throws -> Outcome {
        let logFD = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard logFD >= 0 else {
            throw PerfJournalError(.commandFailed, file: logPath, "cannot open log: \(String(cString: strerror(errno)))")
        }
        defer { close(logFD) }
        var outFD = logFD
        if let stdoutPath {
            outFD = open(stdoutPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard outFD >= 0 else {
                throw PerfJournalError(.commandFailed, file: stdoutPath, "cannot open: \(String(cString: strerror(errno)))")
            }
        }
        defer { if outFD != logFD { close(outFD) } }

        // `cd` inside the shell keeps this free of the non-portable addchdir action.
        let script = "cd \(shellQuote(directory)) && exec /bin/sh -c \(shellQuote(command))"
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        let start = monotonicSeconds()
        let pid = try ChildProcess.spawn(["/bin/sh", "-c", script], environment: env, stdout: outFD, stderr: logFD, detachment: .processGroup)
        RunningChildren.shared.add(pid)
        defer { RunningChildren.shared.remove(pid) }

        var status: Int32 = 0
        var usage = rusage()
        var timedOut = false
        var termSentAt: Double?
        var pollInterval: UInt32 = 1_000
        while true {
            let r = wait4(pid, &status, WNOHANG, &usage)
            if r == pid { break }
            if r < 0 && errno != EINTR { break }
            let now = monotonicSeconds()
            if let sent = termSentAt {
                if now - sent > gracePeriod { kill(-pid, SIGKILL) }
            } else if now - start > timeout {
                timedOut = true
                termSentAt = now
                kill(-pid, SIGTERM)
            }
            usleep(pollInterval)
            pollInterval = min(pollInterval * 2, 50_000)
        }
        // Whatever the shell left behind in its group goes too.
        kill(-pid, SIGKILL)
        Interruption.holdIfInterrupted()
        let duration = monotonicSeconds() - start
        let exited = (status & 0x7f) == 0
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return Outcome(
            exitStatus: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f),
            duration: duration, timedOut: timedOut, signal: exited ? 0 : status & 0x7f,
            cpuSeconds: seconds(usage.ru_utime) + seconds(usage.ru_stime))
    }

    public static func shellQuote(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    package static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

}

/// Process groups started by `CommandRunner`, so a signal handler can take them down with us.
public final class RunningChildren: @unchecked Sendable {
    public static let shared = RunningChildren()
    private let lock = NSLock()
    private var pids: Set<pid_t> = []

    func add(_ pid: pid_t) { lock.withLock { _ = pids.insert(pid) } }
    func remove(_ pid: pid_t) { lock.withLock { _ = pids.remove(pid) } }

    /// Sends `signal` to every running group.
    public func signalAll(_ signal: Int32) {
        for pid in lock.withLock({ pids }) { kill(-pid, signal) }
    }
}
