import Foundation
import Store
import Support

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where one repository's daemon keeps its lock, pid, log and socket.
public struct DaemonPaths: Sendable {
    /// `.git/perfjournal`.
    public let stateDirectory: String
    /// The repository's common git dir, which names the daemon (one per repository, not per work tree).
    public let commonDir: String

    public init(workspace: Workspace) {
        stateDirectory = workspace.stateDirectory
        commonDir = workspace.repository.commonDir
    }

    /// Held (flock) for the daemon's whole life: at most one daemon per repository.
    public var lock: String { stateDirectory + "/daemon.lock" }
    /// The daemon's pid, for the shell hook (`kill -0`) and `daemon status`.
    public var pidFile: String { stateDirectory + "/daemon.pid" }
    /// A detached daemon's stdout and stderr.
    public var log: String { stateDirectory + "/daemon.log" }

    /// `$XDG_RUNTIME_DIR/perfjournal/<hash>.sock`, or `/tmp/perfjournal-<uid>/<hash>.sock` when that is
    /// unset; the hash is of the common git dir's real path, since socket paths are limited to ~108 bytes.
    public var socket: String {
        Self.socketDirectory + "/" + String(SHA256.hex(Array(Self.realPath(commonDir).utf8)).prefix(24)) + ".sock"
    }

    static var socketDirectory: String {
        if let runtime = ProcessInfo.processInfo.environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/"), runtime.utf8.count < 60 {
            return runtime + "/perfjournal"
        }
        return "/tmp/perfjournal-\(getuid())"
    }

    static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Makes the socket directory, private to this user, and refuses one that is not (someone else's,
    /// a symlink, readable by others): a socket there could be impersonated.
    static func ensurePrivateSocketDirectory() throws -> String {
        let directory = socketDirectory
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw PerfJournalError(.repository, file: directory, "cannot create the socket directory: \(String(cString: strerror(errno)))")
        }
        var info = stat()
        guard lstat(directory, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR, info.st_uid == getuid() else {
            throw PerfJournalError(.repository, file: directory, "the socket directory is not a directory owned by you; remove it")
        }
        if info.st_mode & 0o077 != 0 { chmod(directory, 0o700) }
        return directory
    }

    /// The running daemon's pid, or nil when none runs. The lock says whether one runs (a pid file can
    /// outlive a killed daemon); the pid file says which.
    public func runningPID() -> pid_t? {
        let fd = open(lock, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return nil
        }
        let text = (try? String(contentsOfFile: pidFile, encoding: .utf8)) ?? ""
        return pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }
}
