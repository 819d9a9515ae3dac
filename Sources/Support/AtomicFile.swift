import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file writes that are never seen half-done: write a temporary file beside the target, fsync it,
/// rename it over the target, fsync the directory.
public enum AtomicFile {
    public static func write(_ text: String, to path: String, mode: mode_t = 0o644) throws {
        try write(Array(text.utf8), to: path, mode: mode)
    }

    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = temporaryPath(for: path)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw failure(path, "cannot create") }
        var ok = bytes.withUnsafeBytes { FileDescriptor.writeAll($0, to: fd) } == 0
        ok = ok && fchmod(fd, mode) == 0 && fsync(fd) == 0
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            let error = failure(path, "cannot write")
            unlink(temporary)
            throw error
        }
        let dirFD = open(directory.isEmpty ? "." : directory, O_RDONLY | O_CLOEXEC)
        if dirFD >= 0 {
            fsync(dirFD)
            close(dirFD)
        }
    }

    /// How old a temporary file must be before the next start removes it: far longer than any write
    /// takes, so only files of writers that were killed (SIGKILL, power loss) qualify.
    public static let staleAge: Double = 600

    /// Where a file is written before it is renamed to `path`: `<path>.tmp-<pid>-<n>`, which
    /// `removeStaleTemporaries` clears when its writer was killed.
    public static func temporaryPath(for path: String) -> String {
        "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Removes the temporary files `write` leaves when killed mid-write (`<name>.tmp-<pid>-<n>`) in
    /// `directory`, once they are older than `age` seconds. Returns how many.
    @discardableResult
    public static func removeStaleTemporaries(in directory: String, olderThan age: Double = staleAge) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var removed = 0
        let now = Date().timeIntervalSince1970
        for name in names where name.contains(".tmp-") {
            let path = directory + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            #if canImport(Darwin)
            let modified = Double(info.st_mtimespec.tv_sec)
            #else
            let modified = Double(info.st_mtim.tv_sec)
            #endif
            if now - modified > age && unlink(path) == 0 { removed += 1 }
        }
        return removed
    }

    private static func failure(_ path: String, _ what: String) -> PerfJournalError {
        PerfJournalError(.repository, file: path, "\(what): \(String(cString: strerror(errno)))")
    }
}
