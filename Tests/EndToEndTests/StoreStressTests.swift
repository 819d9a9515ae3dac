import Foundation
import Testing

/// The store under stress (issue 16): unreadable notes from another clone are kept out, `doctor --fix`
/// moves unreadable notes aside, concurrent writers store each run once, a full disk gets an honest
/// message and no false history, and killed writers' temporary files are cleaned up.
@Suite struct StoreStressTests {
    static let pytestRun = JournalLoopTests.pytestRun

    /// A repository with two commits, pushed to a bare remote, and a second clone of it.
    static func clones() throws -> (repo: TestRepository, other: String) {
        let repo = try TestRepository()
        try repo.write("a.txt", "1\n")
        try repo.commit("one")
        try repo.write("a.txt", "2\n")
        try repo.commit("two")
        let bare = repo.sibling("remote.git")
        try repo.git("init", "-q", "--bare", "-b", "main", bare)
        try repo.git("remote", "add", "origin", bare)
        try repo.git("push", "-q", "origin", "main")
        let other = repo.sibling("other")
        try repo.git("clone", "-q", bare, other, in: repo.sibling(""))
        return (repo, other)
    }

    static func runs(_ repo: TestRepository, _ revision: String, in directory: String? = nil) throws -> [[String: Any]] {
        let text = try repo.git("notes", "--ref=perfjournal", "show", revision, in: directory).stdout
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        return object?["runs"] as? [[String: Any]] ?? []
    }

    /// The remote has a garbage note on a commit this clone has no note on, and a valid one elsewhere.
    @Test func fetchKeepsOutAnUnreadableNoteOnACommitWithoutALocalNote() throws {
        let (repo, other) = try Self.clones()
        #expect(try repo.perfjournal("record", "HEAD", "--results", Self.pytestRun).status == 0)
        try repo.git("notes", "--ref=perfjournal", "add", "-m", "{ not json", "HEAD~1")
        try repo.git("push", "-q", "origin", "refs/notes/perfjournal")
        let first = String(try repo.git("rev-parse", "HEAD~1").stdout.prefix(7))

        let fetched = try repo.perfjournal("fetch", "origin", in: other)
        #expect(fetched.status == 0, "\(fetched.stderr)")
        #expect(fetched.stderr.contains("origin's note on \(first) is not a perfjournal note: malformed JSON; kept out"), "\(fetched.stderr)")
        #expect(!fetched.stderr.contains("0000000"))
        #expect(fetched.stdout.contains("merged runs on 1 commit"), "\(fetched.stdout)")
        // The clone still reads all its history, and the bad note is aside, not lost.
        #expect(try repo.perfjournal("status", in: other).status == 0)
        #expect(try repo.git("notes", "--ref=perfjournal", "show", "HEAD~1", in: other, check: false).status != 0)
        #expect(try repo.git("notes", "--ref=perfjournal-quarantine", "show", "HEAD~1", in: other).stdout.contains("{ not json"))
        // The merged result fast-forwards the remote.
        #expect(try repo.perfjournal("record", "HEAD~1", "--results", Self.pytestRun, in: other).status == 0)
        try repo.git("push", "-q", "origin", "refs/notes/perfjournal", in: other)
        #expect(try repo.git("fsck", "--no-progress", in: other).status == 0)
    }

    /// The remote's note on a commit is unreadable and the local one is valid: the local one stays, the
    /// message names the real commit and the remote, and the push that follows fast-forwards.
    @Test func fetchKeepsTheLocalNoteWhenTheRemoteOneIsUnreadable() throws {
        let (repo, other) = try Self.clones()
        try repo.git("notes", "--ref=perfjournal", "add", "-m", "{\"schema\": 1, \"runs\": [{}]}", "HEAD")
        try repo.git("push", "-q", "origin", "refs/notes/perfjournal")
        #expect(try repo.perfjournal("record", "HEAD", "--results", Self.pytestRun, in: other).status == 0)
        let head = String(try repo.head().prefix(7))

        let fetched = try repo.perfjournal("fetch", "origin", in: other)
        #expect(fetched.status == 0, "\(fetched.stderr)")
        #expect(fetched.stderr.contains("origin's note on \(head) is not a perfjournal note: missing 'runs[0]."), "\(fetched.stderr)")
        #expect(fetched.stderr.contains("kept out"))
        #expect(!fetched.stderr.contains("0000000"))
        #expect(try Self.runs(repo, "HEAD", in: other).count == 1)
        try repo.git("push", "-q", "origin", "refs/notes/perfjournal", in: other)
        // Nothing left to merge: the remote's tip is in this clone's history now.
        #expect(try repo.perfjournal("fetch", "origin", in: other).stdout.contains("up to date"))
    }

    /// A note written by a newer perfjournal is not garbage: `fetch` stops, says to upgrade, and merges
    /// nothing (not even the readable notes, nor anything into the quarantine).
    @Test func fetchRefusesANoteOfANewerSchemaAndMergesNothing() throws {
        let (repo, other) = try Self.clones()
        #expect(try repo.perfjournal("record", "HEAD", "--results", Self.pytestRun).status == 0)
        try repo.git("notes", "--ref=perfjournal", "add", "-m", "{\"schema\": 3, \"runs\": [], \"future\": true}", "HEAD~1")
        try repo.git("push", "-q", "origin", "refs/notes/perfjournal")
        let first = String(try repo.git("rev-parse", "HEAD~1").stdout.prefix(7))
        #expect(try repo.perfjournal("record", "HEAD", "--results", Self.pytestRun, in: other).status == 0)
        let refsBefore = try repo.git("for-each-ref", "refs/notes/perfjournal", "refs/notes/perfjournal-quarantine", in: other).stdout

        let fetched = try repo.perfjournal("fetch", "origin", in: other)
        BadInputTests.expectOneLineError(
            fetched, exit: 9,
            mentioning: ["origin's note on \(first) was written by a newer perfjournal (schema 3): upgrade perfjournal to fetch it; nothing was merged"])
        #expect(try repo.git("for-each-ref", "refs/notes/perfjournal", "refs/notes/perfjournal-quarantine", in: other).stdout == refsBefore)
        #expect(!refsBefore.isEmpty)
        #expect(try Self.runs(repo, "HEAD", in: other).count == 1)
    }

    @Test func doctorListsAndFixMovesUnreadableNotesAside() throws {
        let repo = try TestRepository()
        try repo.write("a.txt", "1\n")
        try repo.commit("one")
        try repo.write("a.txt", "2\n")
        try repo.commit("two")
        try repo.write("a.txt", "3\n")
        try repo.commit("three")
        #expect(try repo.perfjournal("record", "HEAD", "--results", Self.pytestRun).status == 0)
        try repo.git("notes", "--ref=perfjournal", "add", "-m", "garbage", "HEAD~1")
        try repo.git("notes", "--ref=perfjournal", "add", "-m", "{\"schema\": 99, \"runs\": []}", "HEAD~2")
        let broken = String(try repo.git("rev-parse", "HEAD~1").stdout.prefix(7))

        let status = try repo.perfjournal("status")
        #expect(status.status == 9)
        #expect(status.stderr.contains("perfjournal doctor --fix"), "\(status.stderr)")

        let listed = try repo.perfjournal("doctor")
        #expect(listed.status == 1)
        #expect(listed.stdout.contains("note on \(broken) is not a perfjournal note: malformed JSON"), "\(listed.stdout)")
        #expect(listed.stdout.contains("has schema 99"))
        #expect(listed.stdout.contains("2 of 3 notes cannot be read"))
        let json = try JSONSerialization.jsonObject(with: Data(try repo.perfjournal("doctor", "--json").stdout.utf8)) as? [String: Any]
        #expect((json?["unreadable"] as? [Any])?.count == 2)

        let tipBefore = try repo.git("rev-parse", "refs/notes/perfjournal").stdout
        let fixed = try repo.perfjournal("doctor", "--fix")
        #expect(fixed.status == 0, "\(fixed.stderr)")
        #expect(fixed.stdout.contains("moved 2 unreadable notes to refs/notes/perfjournal-quarantine"))
        // One commit on top of the old tip.
        #expect(try repo.git("rev-parse", "refs/notes/perfjournal~1").stdout == tipBefore)
        #expect(try repo.perfjournal("status").status == 0)
        #expect(try Self.runs(repo, "HEAD").count == 1)
        #expect(try repo.git("notes", "--ref=perfjournal-quarantine", "list").stdout.split(separator: "\n").count == 2)
        #expect(try repo.git("notes", "--ref=perfjournal-quarantine", "show", "HEAD~1").stdout.contains("garbage"))
        let again = try repo.perfjournal("doctor")
        #expect(again.status == 0)
        #expect(again.stdout.contains("all 1 note in refs/notes/perfjournal are readable"), "\(again.stdout)")
        #expect(try repo.git("fsck", "--no-progress").status == 0)
    }

    /// Many writers on one commit at once: every run stored exactly once, and (as they take turns on the
    /// writers' lock) no attempt was written and thrown away.
    @Test func concurrentRecordsStoreEachRunOnce() throws {
        let repo = try TestRepository()
        try repo.write("a.txt", "1\n")
        try repo.commit("one")
        let writers = 12
        let group = DispatchGroup()
        let statuses = LockedStatuses()
        for _ in 0..<writers {
            group.enter()
            Thread {
                let status = (try? repo.perfjournal("record", "HEAD", "--results", Self.pytestRun).status) ?? -1
                statuses.append(status)
                group.leave()
            }.start()
        }
        group.wait()
        #expect(statuses.values == Array(repeating: 0, count: writers))
        let runs = try Self.runs(repo, "HEAD")
        #expect(runs.count == writers)
        #expect(Set(runs.compactMap { $0["id"] as? String }).count == writers)
        let unreachable = try repo.git("fsck", "--unreachable", "--no-reflogs", "--no-progress").stdout
        #expect(!unreachable.contains("unreachable blob"), "\(unreachable)")
        // Writers that queued together were written together: at most one note write per writer.
        let writes = try repo.git("reflog", "show", "refs/notes/perfjournal").stdout.split(separator: "\n").count
        #expect((1...writers).contains(writes), "\(writes) note writes")
        #expect(Self.spooled(repo).isEmpty)
    }

    // MARK: - Writers that queue are written together

    /// Holds the writers' lock of `repo` as a writer would, until `release`.
    final class HeldWriteLock {
        private var fd: Int32
        init(_ repo: TestRepository) throws {
            try FileManager.default.createDirectory(atPath: repo.root + "/.git/perfjournal", withIntermediateDirectories: true)
            fd = open(repo.root + "/.git/perfjournal/notes.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0, flock(fd, LOCK_EX) == 0 else { throw TestFailure("cannot take notes.lock") }
        }
        func release() {
            guard fd >= 0 else { return }
            close(fd)
            fd = -1
        }
        deinit { release() }
    }

    /// The runs waiting in the spool: file name to run id.
    static func spooled(_ repo: TestRepository) -> [String: String] {
        let directory = repo.root + "/.git/perfjournal/pending"
        var found: [String: String] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where name.hasSuffix(".run") {
            // The first line ends with the run's id, as a JSON string (after its length and checksum when the
            // writer compressed it).
            let data = FileManager.default.contents(atPath: directory + "/" + name) ?? Data()
            let firstLine = data.prefix { $0 != 10 }
            let line = Data(firstLine.drop { $0 != UInt8(ascii: "\"") })
            found[name] = (try? JSONSerialization.jsonObject(with: line, options: .fragmentsAllowed)) as? String ?? ""
        }
        return found
    }

    /// Starts `perfjournal record HEAD` writers while the lock is held, and waits until every one has
    /// spooled its run (no timing involved: a writer spools before it asks for the lock).
    static func queuedWriters(_ repo: TestRepository, _ count: Int, results: String = pytestRun) throws -> [Process] {
        let writers = try (0..<count).map { _ in try DaemonTests.launch(repo, ["record", "HEAD", "--results", results]) }
        while spooled(repo).count < count {
            if let gone = writers.first(where: { !$0.isRunning }) {
                throw TestFailure("a writer exited (\(gone.terminationStatus)) before its run was spooled")
            }
            usleep(20_000)
        }
        return writers
    }

    /// Writers waiting on one commit are written in one note write by whoever gets the lock first; the
    /// others find their runs stored. Every run once, every writer told it succeeded.
    @Test func queuedWritersAreStoredInOneNoteWrite() throws {
        let repo = try TestRepository()
        try repo.write("a.txt", "1\n")
        try repo.commit("one")
        let count = 16
        let lock = try HeldWriteLock(repo)
        let writers = try Self.queuedWriters(repo, count)
        let ids = Set(Self.spooled(repo).values)
        #expect(ids.count == count)
        lock.release()
        for writer in writers { writer.waitUntilExit() }
        #expect(writers.map(\.terminationStatus) == Array(repeating: 0, count: count))
        let runs = try Self.runs(repo, "HEAD")
        #expect(runs.count == count)
        #expect(Set(runs.compactMap { $0["id"] as? String }) == ids)
        let reflog = try repo.git("reflog", "show", "--format=%gs", "refs/notes/perfjournal").stdout
        #expect(reflog.split(separator: "\n") == ["perfjournal: record \(try repo.head().prefix(7)) (\(count) runs)"], "\(reflog)")
        #expect(Self.spooled(repo).isEmpty)
        #expect(try repo.git("fsck", "--no-progress", "--strict").status == 0)
    }

    /// A writer that gets the lock while another has announced a run of the same commit (as `record` does
    /// while it reads its file; here the test holds the announcement) waits for it, and takes in the runs
    /// that arrive meanwhile: one note write for both writers, not one each.
    @Test func theLockHolderWaitsForAnnouncedRuns() throws {
        let repo = try TestRepository()
        try repo.write("a.txt", "1\n")
        try repo.commit("one")
        let pending = repo.root + "/.git/perfjournal/pending"
        try FileManager.default.createDirectory(atPath: pending, withIntermediateDirectories: true)
        let announcement = try HeldFile(pending + "/\(try repo.head()).\(getpid())-1.coming")
        let first = try DaemonTests.launch(repo, ["record", "HEAD", "--results", Self.pytestRun])
        // It spools its run, takes the writers' lock and waits for the announced one.
        while !Self.writeLockIsHeld(repo) {
            guard first.isRunning else { throw TestFailure("the first writer exited (\(first.terminationStatus)) without waiting") }
            usleep(20_000)
        }
        let second = try DaemonTests.launch(repo, ["record", "HEAD", "--results", Self.pytestRun])
        while Self.spooled(repo).count < 2 {
            guard first.isRunning && second.isRunning else { throw TestFailure("a writer exited before both runs were spooled") }
            usleep(20_000)
        }
        announcement.release()
        first.waitUntilExit()
        second.waitUntilExit()
        #expect([first.terminationStatus, second.terminationStatus] == [0, 0])
        #expect(try Self.runs(repo, "HEAD").count == 2)
        let reflog = try repo.git("reflog", "show", "--format=%gs", "refs/notes/perfjournal").stdout
        #expect(reflog.split(separator: "\n") == ["perfjournal: record \(try repo.head().prefix(7)) (2 runs)"], "\(reflog)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: pending).isEmpty)
    }

    /// A file created and flocked by the test, as a live writer holds its spool file or announcement.
    final class HeldFile {
        private let path: String
        private var fd: Int32
        init(_ path: String) throws {
            self.path = path
            fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard fd >= 0, flock(fd, LOCK_EX) == 0 else { throw TestFailure("cannot hold \(path)") }
        }
        /// Removes the file, then drops the flock, as a writer does.
        func release() {
            guard fd >= 0 else { return }
            unlink(path)
            close(fd)
            fd = -1
        }
        deinit { release() }
    }

    /// Does some process hold the writers' lock? (Taken and dropped at once when free.)
    static func writeLockIsHeld(_ repo: TestRepository) -> Bool {
        let fd = open(repo.root + "/.git/perfjournal/notes.lock", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return true }
        flock(fd, LOCK_UN)
        return false
    }

    /// A writer killed while it waits for the lock never stored its run, and nobody stores it later: whoever
    /// runs it again (the daemon after a restart, the user) would otherwise end up with two.
    @Test func aWriterKilledWhileWaitingIsNotStored() throws {
        let repo = try TestRepository()
        try repo.write("a.txt", "1\n")
        try repo.commit("one")
        let lock = try HeldWriteLock(repo)
        let writers = try Self.queuedWriters(repo, 2)
        let killed = writers[0]
        let spool = Self.spooled(repo)
        let killedID = try #require(spool.first { $0.key.contains(".\(killed.processIdentifier)-") }?.value)
        let survivorID = try #require(spool.first { !$0.key.contains(".\(killed.processIdentifier)-") }?.value)
        kill(killed.processIdentifier, SIGKILL)
        killed.waitUntilExit()
        lock.release()
        writers[1].waitUntilExit()
        #expect(writers[1].terminationStatus == 0)
        #expect(try Self.runs(repo, "HEAD").compactMap { $0["id"] as? String } == [survivorID])
        #expect(killedID != survivorID)
        // The survivor, holding the lock, removed the dead writer's file.
        #expect(Self.spooled(repo).isEmpty)
    }

    /// The write of a batch fails (here: the note on the commit cannot be read): every queued writer
    /// reports the failure and none claims its run was stored.
    @Test func whenTheBatchWriteFailsEveryQueuedWriterFails() throws {
        let repo = try TestRepository()
        try repo.write("a.txt", "1\n")
        try repo.commit("one")
        try repo.git("notes", "--ref=perfjournal", "add", "-m", "{ not json", "HEAD")
        let count = 6
        let lock = try HeldWriteLock(repo)
        let writers = try Self.queuedWriters(repo, count)
        lock.release()
        for writer in writers { writer.waitUntilExit() }
        #expect(writers.map(\.terminationStatus) == Array(repeating: 9, count: count))
        #expect(try repo.git("notes", "--ref=perfjournal", "show", "HEAD").stdout == "{ not json\n")
        #expect(Self.spooled(repo).isEmpty)
    }

    final class LockedStatuses: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [Int32] = []
        func append(_ value: Int32) { lock.lock(); list.append(value); lock.unlock() }
        var values: [Int32] { lock.lock(); defer { lock.unlock() }; return list }
    }

    @Test func aNoteOfTheWrongShapeNamesTheJSONPath() throws {
        let repo = try TestRepository()
        try repo.write("a.txt", "1\n")
        try repo.commit("one")
        try repo.git("notes", "--ref=perfjournal", "add", "-m", "{\"schema\": 1, \"runs\": [{\"id\": \"x\"}]}", "HEAD")
        let result = try repo.perfjournal("show", "HEAD")
        BadInputTests.expectOneLineError(result, exit: 9, mentioning: ["missing 'runs[0].", "perfjournal doctor --fix"])
        #expect(!result.stderr.contains("Index"))
    }

    @Test func staleTemporaryFilesOfKilledWritersAreRemovedOnTheNextStart() throws {
        let repo = try TestRepository()
        try repo.write("a.txt", "1\n")
        try repo.commit("one")
        let git = repo.root + "/.git"
        try FileManager.default.createDirectory(atPath: git + "/perfjournal/queue", withIntermediateDirectories: true)
        let old = Date(timeIntervalSinceNow: -3600)
        try FileManager.default.createDirectory(atPath: git + "/perfjournal/pending", withIntermediateDirectories: true)
        let stale = [
            git + "/objects/tmp_object_git2_a1b2c3", git + "/perfjournal/queue/0001-abc1234.running.tmp-27931-12345",
            git + "/perfjournal/pending/abc1234.27931-1.run.tmp-27931-2",
        ]
        let fresh = [
            git + "/objects/tmp_object_git2_d4e5f6", git + "/perfjournal/queue/0002-abc1234.running.tmp-27932-67890",
            git + "/perfjournal/pending/abc1234.27932-1.run.tmp-27932-2",
        ]
        // A spooled run nobody holds (its writer was killed) goes at once, whatever its age.
        let abandoned = git + "/perfjournal/pending/abc1234.27933-1.run"
        #expect(FileManager.default.createFile(atPath: abandoned, contents: Data("{}".utf8)))
        for path in stale + fresh { #expect(FileManager.default.createFile(atPath: path, contents: Data("x".utf8))) }
        for path in stale { try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: path) }

        _ = try repo.perfjournal("status")  // any start will do, whatever it then finds
        for path in stale + [abandoned] { #expect(!FileManager.default.fileExists(atPath: path), "\(path)") }
        // A young one may belong to a writer that is still running.
        for path in fresh { #expect(FileManager.default.fileExists(atPath: path), "\(path)") }
    }

    // MARK: - A full disk

    /// Mounting a tmpfs needs root (and a kernel that lets this process mount).
    static let tmpfsReason: String? = {
        guard getuid() == 0 else { return "mounting a small tmpfs needs root" }
        guard FileManager.default.fileExists(atPath: "/bin/mount") || FileManager.default.fileExists(atPath: "/usr/bin/mount") else {
            return "no mount command"
        }
        return nil
    }()

    @Test(.enabled(if: tmpfsReason == nil, "a full disk is simulated with a small tmpfs, which needs root to mount"))
    func aFullDiskGetsAnHonestMessageAndNoFalseHistory() throws {
        let repo = try TestRepository()
        let mountPoint = repo.sibling("small-disk")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let mounted = try repo.run("/usr/bin/env", ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mountPoint], in: repo.root, check: false)
        guard mounted.status == 0 else {
            print("skipped aFullDiskGetsAnHonestMessageAndNoFalseHistory: cannot mount a tmpfs: \(mounted.stderr)")
            return
        }
        defer { _ = try? repo.run("/usr/bin/env", ["umount", "-l", mountPoint], in: repo.root, check: false) }
        let disk = mountPoint + "/repo"
        try repo.git("init", "-q", "-b", "main", disk)
        try "1\n".write(toFile: disk + "/a.txt", atomically: true, encoding: .utf8)
        try repo.git("add", "-A", in: disk)
        try repo.git("commit", "-q", "-m", "one", in: disk)
        try repo.git("commit", "-q", "--allow-empty", "-m", "two", in: disk)
        // A run of ~20,000 samples: a note of several hundred KB.
        let big = repo.sibling("big.json")
        let benchmarks = (0..<4).map { SyntheticResults.Benchmark(name: "bench.py::test_\($0)", median: 1e-4 * Double($0 + 1), n: 5000) }
        try SyntheticResults.pytestBenchmark(benchmarks, seed: 16).write(toFile: big, atomically: true, encoding: .utf8)
        // The repository has been used before: perfjournal's state directory exists.
        #expect(try repo.perfjournal("record", "HEAD~1", "--results", Self.pytestRun, in: disk).status == 0)
        let head = String(try repo.git("rev-parse", "HEAD", in: disk).stdout.prefix(7))

        var failures = 0
        for freeKB in stride(from: 0, through: 960, by: 60) {
            let filler = mountPoint + "/filler"
            unlink(filler)
            var info = statvfs()
            #expect(statvfs(mountPoint, &info) == 0)
            let free = Int(info.f_bavail) * Int(info.f_frsize)
            let fill = max(0, free - freeKB * 1024)
            _ = try repo.run("/usr/bin/env", ["sh", "-c", "head -c \(fill) /dev/zero > '\(filler)'"], in: repo.root, check: false)
            let tip = try repo.git("rev-parse", "refs/notes/perfjournal", in: disk).stdout
            let reflog = try repo.git("reflog", "show", "refs/notes/perfjournal", in: disk).stdout
            let objects = Self.objectFiles(disk)

            let result = try repo.perfjournal("record", "HEAD", "--results", big, in: disk)
            if result.status == 0 { break }  // enough room: the run is stored
            failures += 1
            BadInputTests.expectOneLineError(
                result, exit: 9,
                mentioning: [
                    "no space left on device (writing the note on \(head)): nothing was stored"
                ])
            #expect(try repo.git("rev-parse", "refs/notes/perfjournal", in: disk).stdout == tip, "free \(freeKB) KB")
            #expect(try repo.git("reflog", "show", "refs/notes/perfjournal", in: disk).stdout == reflog, "free \(freeKB) KB")
            #expect(Self.objectFiles(disk) == objects, "free \(freeKB) KB: the attempt left objects")
        }
        unlink(mountPoint + "/filler")
        #expect(failures > 0, "the disk was never full enough to fail")
        #expect(try Self.runs(repo, "HEAD", in: disk).count == 1)
        #expect(try repo.git("fsck", "--no-progress", in: disk).status == 0)
    }

    /// Every file in the object store (loose objects and temporary files alike).
    static func objectFiles(_ repository: String) -> Set<String> {
        let root = repository + "/.git/objects"
        let all = FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []
        return Set(
            all.filter { name in
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: root + "/" + name, isDirectory: &isDirectory) && !isDirectory.boolValue
            })
    }
}
