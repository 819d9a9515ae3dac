import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive lock on a file (flock): one benchmark run at a time per repository, across processes.
public final class FileLock {
    private let fd: Int32

    /// Blocks until the lock is ours; `onWait` is told once if someone else holds it.
    public init(path: String, onWait: () -> Void = {}) throws {
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw PerfJournalError(.repository, file: path, "cannot open lock file: \(String(cString: strerror(errno)))") }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            onWait()
            while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
        }
    }

    /// Takes the lock only if it is free; nil when another process holds it.
    public init?(tryPath path: String) {
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return nil }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            close(fd)
            return nil
        }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
