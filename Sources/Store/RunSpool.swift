import Foundation
import Git
import Support

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs waiting to be written into their commit's note: `.git/perfjournal/pending/<commit>.<pid>-<n>.run`,
/// one file per writer: a line with the run's id (a JSON string), then the run as it will stand in the note
/// (`NoteCodec.fragment`), so the lock holder copies it into the note without encoding it again. A writer
/// that compressed its run (`Repository.deflate`) starts the line with the run's length in bytes and its
/// Adler-32 (`<length> <adler> <id>`) and puts the compressed bytes after the run; a perfjournal that
/// predates this reads no id from that line and leaves the file to its writer.
///
/// Why: a writer that appends its run alone, in turn under the writers' lock, decodes, re-encodes and writes
/// every earlier run of the note, so N writers on one commit cost O(N²). Instead each writer spools its run
/// first and then takes the lock; whoever holds it writes every spooled run of that commit in one note
/// write. A writer that gets the lock and finds its file gone knows its run is in the note.
///
/// The rules that make that inference sound and keep each run stored once:
/// - A writer holds an exclusive flock on its file from before the file has its name (it is locked while
///   still a temporary, then renamed) until it returns, so "the file is locked" means "its writer is alive".
///   The kernel drops the flock when the writer dies, even by SIGKILL, and pids being reused cannot fool it.
/// - The lock holder writes only the runs of live writers. A writer killed before its run was stored is never
///   stored later by someone else: its caller saw no success, so whoever runs it again (the daemon after a
///   restart, a user re-running `record`) must not end up with a second copy. Such a file is removed by the
///   next lock holder or `Workspace.open`.
/// - A file is removed by a lock holder only after the ref update that holds its run landed (or found the run
///   already there), and only under the writers' lock. A failed write leaves the other writers' files in place:
///   each of them then tries itself and reports its own outcome, so none claims a success that did not happen.
/// - The run id still dedupes: a holder killed between the ref update and removing the files leaves them, and
///   the next one finds those runs in the note already.
///
/// A writer that knows its commit before it has its run (`record`, which still reads and encodes a result file)
/// announces it: `<commit>.<pid>-<n>.coming`, flocked the same way, removed once its run is spooled. A lock
/// holder that sees live announcements on its commit waits for those runs while they keep arriving
/// (`awaitAnnounced`), so writers started together make one note write, not one per arrival. A lone writer
/// finds none and does not wait; a writer that dies drops its flock and is waited for no longer.
///
/// No fsync: a spooled run only matters while its writer is alive, so a power loss (which kills every
/// writer) makes every file abandoned anyway.
package struct RunSpool {
    package let directory: String

    package init(stateDirectory: String) {
        directory = stateDirectory + "/pending"
    }

    /// A run spooled by this process; its flock is held until `release` (or the process dies).
    package final class Entry {
        package let path: String
        private var fd: Int32

        init(path: String, fd: Int32) {
            self.path = path
            self.fd = fd
        }

        /// Is the file still there? Only a lock holder that stored the run removes it while we live.
        package var isSpooled: Bool { access(path, F_OK) == 0 }

        /// Removes the file (if still there) and drops the flock, in that order: once unlocked it would look
        /// abandoned, and between the two a lock holder could otherwise pick up a run we are giving up on.
        package func release() {
            guard fd >= 0 else { return }
            unlink(path)
            close(fd)
            fd = -1
        }

        deinit { release() }
    }

    /// A spooled run: its id and its text in a note (`NoteCodec.fragment`).
    package struct Spooled {
        package var id: String
        package var fragment: String
        /// The file it came from; nil for the lock holder's own run.
        package var path: String?
        /// The fragment compressed by its writer, at offset 0; nil when it was not.
        package var deflated: DeflatedStretch? = nil

        /// The run itself, only needed when the note must be encoded whole.
        package func run() throws -> Run {
            try JSONDecoder().decode(Run.self, from: Data(fragment.utf8))
        }
    }

    /// Writes `run` for `commit`, locked, under its final name. A full disk throws a `Failure` whose
    /// `isOutOfSpace` is true.
    package func put(_ run: Spooled, commit: ObjectID) throws -> Entry {
        if mkdir(directory, 0o755) != 0 && errno != EEXIST {
            throw Failure.system(directory, "cannot create the spool directory", errno)
        }
        var line = String(decoding: try JSONEncoder().encode(run.id), as: UTF8.self)
        if let deflated = run.deflated { line = "\(deflated.length) \(deflated.adler) " + line }
        let bytes = Array((line + "\n" + run.fragment).utf8) + (run.deflated?.deflated ?? [])
        let path = directory + "/" + Self.fileName(commit: commit, suffix: ".run")
        // `AtomicFile`'s temporary naming, so `removeStaleTemporaries` clears one left by a killed writer.
        let temporary = AtomicFile.temporaryPath(for: path)
        let fd = open(temporary, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure.system(temporary, "cannot create", errno) }
        // Locked before it has its name: there is never a moment when it looks abandoned.
        var failed: Int32 = flock(fd, LOCK_EX) == 0 ? 0 : errno
        if failed == 0 {
            failed = bytes.withUnsafeBytes { FileDescriptor.writeAll($0, to: fd) }
        }
        if failed == 0 && rename(temporary, path) != 0 { failed = errno }
        if failed != 0 {
            unlink(temporary)
            close(fd)
            throw Failure.system(temporary, "cannot write", failed)
        }
        return Entry(path: path, fd: fd)
    }

    /// Announces that this process will spool a run of `commit`; `release` the entry once it has (or when it
    /// gives up). Nil when the file cannot be made: announcing only helps batching, it is never needed.
    package func announce(commit: ObjectID) -> Entry? {
        if mkdir(directory, 0o755) != 0 && errno != EEXIST { return nil }
        let path = directory + "/" + Self.fileName(commit: commit, suffix: Self.announcementSuffix)
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return nil }
        // A holder that finds the file before the flock takes it for a dead writer's and removes it: then
        // this writer is just not waited for.
        guard flock(fd, LOCK_EX) == 0 else {
            unlink(path)
            close(fd)
            return nil
        }
        return Entry(path: path, fd: fd)
    }

    /// Waits while live writers have announced a run of `commit` and not spooled it yet, as long as the
    /// writers on `commit` make progress (an announcement or a spooled run came or went) within `patience`
    /// seconds, and `limit` seconds at most. Returns at once when there are none: a lone writer pays one
    /// directory listing.
    package func awaitAnnounced(for commit: ObjectID, patience: Double = 2, limit: Double = 10) {
        let now = CommandRunner.monotonicSeconds
        let start = now()
        var lastProgress = start
        var seen = state(of: commit)
        while seen.announced > 0 {
            usleep(5_000)
            let current = state(of: commit)
            let time = now()
            if current != seen { lastProgress = time }
            seen = current
            if time - lastProgress > patience || time - start > limit { return }
        }
    }

    /// The names of the live announcements and spooled runs of `commit`, and how many announcements there
    /// are; dead writers' announcements are removed.
    private func state(of commit: ObjectID) -> (announced: Int, names: Set<String>) {
        let prefix = commit.hex + "."
        var announced = 0
        var present = Set<String>()
        for name in names(suffix: "") where name.hasPrefix(prefix) {
            if name.hasSuffix(Self.announcementSuffix) {
                let path = directory + "/" + name
                if Self.isAbandoned(path) {
                    unlink(path)
                    continue
                }
                announced += 1
            } else if !name.hasSuffix(".run") {
                continue
            }
            present.insert(name)
        }
        return (announced, present)
    }

    static let announcementSuffix = ".coming"

    /// `<commit>.<pid>-<n><suffix>`: a writer's file, found by its commit's prefix.
    private static func fileName(commit: ObjectID, suffix: String) -> String {
        "\(commit.hex).\(getpid())-\(UInt32.random(in: 0...UInt32.max))" + suffix
    }

    /// The runs of `commit` that other live writers spooled, oldest first (the own run is not read back: the
    /// caller has it). Files of writers that died are removed on the way, for every commit. A file that does
    /// not decode (another perfjournal's) is left to its writer, which then stores its run itself.
    package func waiting(for commit: ObjectID, own: Entry) -> [Spooled] {
        var found: [Spooled] = []
        let prefix = commit.hex + "."
        for name in names() {
            let path = directory + "/" + name
            if path == own.path { continue }
            if Self.isAbandoned(path) {
                unlink(path)
                continue
            }
            guard name.hasPrefix(prefix), let data = FileManager.default.contents(atPath: path),
                let spooled = Self.decode(data, path: path)
            else { continue }
            found.append(spooled)
        }
        return found.sorted { modified($0.path ?? "") < modified($1.path ?? "") }
    }

    /// A spool file's content (see the type's comment), or nil when it is not laid out so.
    static func decode(_ data: Data, path: String) -> Spooled? {
        guard let newline = data.firstIndex(of: 10) else { return nil }
        var line = data[..<newline]
        var length: Int?
        var adler: UInt32?
        if line.first != UInt8(ascii: "\"") {
            // "<length> <adler> <id>"
            let fields = line.split(separator: UInt8(ascii: " "), maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3, let count = Int(String(decoding: fields[0], as: UTF8.self)),
                let sum = UInt32(String(decoding: fields[1], as: UTF8.self)), count >= 0,
                count <= data.endIndex - (newline + 1)
            else { return nil }
            (length, adler, line) = (count, sum, fields[2])
        }
        guard let id = try? JSONDecoder().decode(String.self, from: line) else { return nil }
        let start = newline + 1
        let end = length.map { start + $0 } ?? data.endIndex
        var spooled = Spooled(id: id, fragment: String(decoding: data[start..<end], as: UTF8.self), path: path)
        if let length, let adler {
            spooled.deflated = DeflatedStretch(offset: 0, length: length, deflated: Array(data[end...]), adler: adler)
        }
        return spooled
    }

    /// Is any other writer on `commit` here, spooled or announced (besides `own`, this process's announcement)?
    package func othersPresent(on commit: ObjectID, except own: Entry?) -> Bool {
        let prefix = commit.hex + "."
        return names(suffix: "").contains { name in
            name.hasPrefix(prefix) && (name.hasSuffix(".run") || name.hasSuffix(Self.announcementSuffix))
                && directory + "/" + name != own?.path
        }
    }

    /// Removes every file whose writer died (the next lock holder would too), and temporaries older than
    /// `AtomicFile.staleAge`. Returns how many spooled runs were dropped.
    @discardableResult
    package func removeAbandoned() -> Int {
        AtomicFile.removeStaleTemporaries(in: directory)
        var removed = 0
        for name in names() where Self.isAbandoned(directory + "/" + name) {
            if unlink(directory + "/" + name) == 0 { removed += 1 }
        }
        for name in names(suffix: Self.announcementSuffix) where Self.isAbandoned(directory + "/" + name) {
            unlink(directory + "/" + name)
        }
        return removed
    }

    private func names(suffix: String = ".run") -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(suffix) }.sorted()
    }

    /// True when no process holds the file's flock: its writer is gone.
    static func isAbandoned(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return false }
        flock(fd, LOCK_UN)
        return true
    }

    private func modified(_ path: String) -> Double {
        var info = stat()
        guard stat(path, &info) == 0 else { return 0 }
        #if canImport(Darwin)
        return Double(info.st_mtimespec.tv_sec) + Double(info.st_mtimespec.tv_nsec) / 1e9
        #else
        return Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
        #endif
    }

    /// A spool file that could not be written.
    package struct Failure: Error {
        package var path: String
        var what: String
        var code: Int32

        static func system(_ path: String, _ what: String, _ code: Int32) -> Failure {
            Failure(path: path, what: what, code: code)
        }

        var isOutOfSpace: Bool { code == ENOSPC || code == EDQUOT }
        /// "cannot write: Permission denied"
        var message: String { "\(what): \(String(cString: strerror(code)))" }
    }
}
