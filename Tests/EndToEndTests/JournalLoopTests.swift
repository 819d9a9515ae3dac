import Foundation
import Testing

/// The loop of issue #2 through the real binary and real git: init → baseline → commit → run → show/status,
/// and what is stored is plain git notes that survive push/fetch and amend.
@Suite struct JournalLoopTests {
    static let pytestRun = TestRepository.fixtures + "/pytest-benchmark/run.json"

    /// A repository with one commit and perfjournal initialised with a benchmark command that "measures"
    /// by copying a real pytest-benchmark result file (the plumbing is real; the numbers are recorded).
    static func initialised(test: String = "true", baseline: Bool = false) throws -> TestRepository {
        let repo = try TestRepository()
        try repo.write("src/app.py", "def f():\n    return 1\n")
        try repo.commit("Initial version")
        let result = try repo.perfjournal(
            "init", "--bench", "cp '\(pytestRun)' out.json", "--results", "out.json",
            "--format", "pytest-benchmark", "--test", test)
        try #require(result.status == 0, "\(result.stderr)")
        // These tests are about the manual loop; a daemon started by the hook would race with it.
        // (DaemonTests cover the daemon.)
        let config = try repo.read(".perfjournal.toml")
        try #require(config.contains("autostart = true"))
        try repo.write(".perfjournal.toml", config.replacingOccurrences(of: "autostart = true", with: "autostart = false"))
        try #require(try repo.perfjournal("trust").status == 0)
        try repo.commit("Add perfjournal config")
        if baseline {
            let stored = try repo.perfjournal("baseline")
            try #require(stored.status == 0, "\(stored.stderr)")
        }
        return repo
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func theWholeLoop() throws {
        let repo = try Self.initialised()
        let baseline = try repo.perfjournal("baseline")
        #expect(baseline.status == 0, "\(baseline.stderr)")
        #expect(baseline.stdout.contains("baseline stored on"))
        let baselineCommit = try repo.head()

        try repo.write("src/app.py", "def f():\n    return 2\n")
        try repo.commit("perf: return sooner")
        let run = try repo.perfjournal("run")
        #expect(run.status == 0, "\(run.stderr)")

        let show = try repo.perfjournal("show", "HEAD", "--json")
        #expect(show.status == 0)
        let shown = try Self.json(show.stdout)
        let runs = try #require(shown["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        #expect(runs[0]["baseline"] as? Bool == false)
        #expect((runs[0]["results"] as? [Any])?.count == 4)
        #expect((runs[0]["tests"] as? [String: Any])?["status"] as? String == "passed")
        #expect(runs[0]["commit"] as? String == (try repo.head()))
        // Relative to the git dir: the note travels to clones where an absolute path means nothing.
        let log = try #require(runs[0]["log"] as? String)
        #expect(FileManager.default.fileExists(atPath: repo.root + "/.git/" + log))

        let human = try repo.perfjournal("show")
        #expect(human.stdout.contains("test_sample.py::test_sort[100]"))

        let status = try Self.json(try repo.perfjournal("status", "--json").stdout)
        #expect((status["baseline"] as? [String: Any])?["commit"] as? String == baselineCommit)
        #expect(status["measured"] as? [String] == [try repo.head()])
        #expect(status["commits_since_baseline"] as? Int == 1)
        // The last run's verdicts against the baseline (same recorded numbers: whatever they are, all four
        // benchmarks are accounted for).
        let last = try #require(status["last"] as? [String: Any])
        #expect(last["compared_with"] as? String == baselineCommit)
        #expect((last["verdicts"] as? [String: Int])?.values.reduce(0, +) == 4)

        // The user's work tree and index were not touched by the run.
        #expect(try repo.git("status", "--porcelain").stdout.isEmpty)
    }

    @Test func notesArePlainGitData() throws {
        let repo = try Self.initialised()
        #expect(try repo.perfjournal("baseline").status == 0)
        let text = try repo.git("notes", "--ref=perfjournal", "show", "HEAD").stdout
        let note = try Self.json(text)
        #expect(note["schema"] as? Int == 1)
        let runs = try #require(note["runs"] as? [[String: Any]])
        #expect(runs.first?["baseline"] as? Bool == true)
        #expect((runs.first?["machine"] as? [String: Any])?["id"] is String)
        #expect(try repo.git("fsck", "--no-progress").status == 0)
    }

    @Test func notesSurvivePushAndFetch() throws {
        let repo = try Self.initialised()
        #expect(try repo.perfjournal("baseline").status == 0)
        let bare = repo.sibling("remote.git")
        try repo.git("init", "-q", "--bare", "-b", "main", bare)
        try repo.git("remote", "add", "origin", bare)
        try repo.git("push", "-q", "origin", "main", "refs/notes/perfjournal")

        let clone = repo.sibling("clone")
        try repo.git("clone", "-q", bare, clone, in: repo.sibling(""))
        try repo.git("fetch", "-q", "origin", "refs/notes/perfjournal:refs/notes/perfjournal", in: clone)
        let show = try repo.perfjournal("show", "HEAD", "--json", in: clone)
        #expect(show.status == 0, "\(show.stderr)")
        let runs = try #require(try Self.json(show.stdout)["runs"] as? [[String: Any]])
        #expect(runs.count == 1 && runs[0]["baseline"] as? Bool == true)
    }

    @Test func amendKeepsTheNote() throws {
        let repo = try Self.initialised(baseline: true)
        try repo.write("src/app.py", "def f():\n    return 3\n")
        try repo.commit("perf: something")
        #expect(try repo.perfjournal("run").status == 0)
        let measured = try repo.head()
        try repo.git("commit", "-q", "--amend", "-m", "perf: something, reworded")
        #expect(try repo.head() != measured)
        let runs = try #require(try Self.json(try repo.perfjournal("show", "--json").stdout)["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        #expect(runs[0]["commit"] as? String == measured)
    }

    @Test func rebaseCarriesNotes() throws {
        let repo = try Self.initialised(baseline: true)
        try repo.git("checkout", "-q", "-b", "topic")
        try repo.write("src/b.py", "x = 1\n")
        try repo.commit("perf: b")
        #expect(try repo.perfjournal("run").status == 0)
        try repo.git("checkout", "-q", "main")
        try repo.write("README", "hi\n")
        try repo.commit("docs: readme")
        try repo.git("checkout", "-q", "topic")
        try repo.git("rebase", "-q", "main")
        let runs = try #require(try Self.json(try repo.perfjournal("show", "--json").stdout)["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
    }

    @Test func initTwiceChangesNothing() throws {
        let repo = try Self.initialised()
        let config = try repo.read(".perfjournal.toml")
        let gitConfig = try repo.read(".git/config")
        let hook = try repo.read(".git/hooks/post-commit")
        let again = try repo.perfjournal("init")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("unchanged"))
        #expect(try repo.read(".perfjournal.toml") == config)
        #expect(try repo.read(".git/config") == gitConfig)
        #expect(try repo.read(".git/hooks/post-commit") == hook)
        #expect(try repo.git("config", "--get-all", "notes.rewriteRef").stdout == "refs/notes/perfjournal\n")
    }

    @Test func initChainsToAnExistingHookAndHonoursHooksPath() throws {
        let repo = try TestRepository()
        try repo.write("a.txt", "a\n")
        try repo.commit("first")
        try repo.git("config", "core.hooksPath", "my-hooks")
        try repo.write("my-hooks/post-commit", "#!/bin/sh\necho ran >> \"$(git rev-parse --git-dir)/mine.log\"\n")
        try repo.run("/bin/chmod", ["+x", repo.root + "/my-hooks/post-commit"], in: repo.root, check: true)
        let result = try repo.perfjournal("init", "--bench", "true", "--results", "r.json", "--format", "hyperfine", "--test", "")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: repo.root + "/my-hooks/post-commit.perfjournal-chained"))
        #expect(!FileManager.default.fileExists(atPath: repo.root + "/.git/hooks/post-commit"))
        try repo.write("a.txt", "b\n")
        try repo.commit("second")
        #expect(try repo.read(".git/mine.log") == "ran\n")
        let queue = try FileManager.default.contentsOfDirectory(atPath: repo.root + "/.git/perfjournal/queue")
        #expect(queue.filter { $0.hasSuffix(".job") }.count == 1)
    }

    @Test func postCommitQueuesAndRunPendingMeasures() throws {
        let repo = try Self.initialised(baseline: true)
        try repo.write("src/app.py", "def f():\n    return 4\n")
        try repo.commit("perf: queued")
        let pending = try repo.perfjournal("run", "--pending")
        #expect(pending.status == 0, "\(pending.stderr)")
        #expect(pending.stdout.contains("run stored on"))
        let runs = try #require(try Self.json(try repo.perfjournal("show", "--json").stdout)["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        let again = try repo.perfjournal("run", "--pending")
        #expect(again.stdout.contains("no pending commits"))
    }

    @Test func failingTestsAreRecordedNotFatal() throws {
        let repo = try Self.initialised(test: "echo '=== 3 passed, 2 failed in 0.1s ==='; exit 1")
        #expect(try repo.perfjournal("run").status == 0)
        let runs = try #require(try Self.json(try repo.perfjournal("show", "--json").stdout)["runs"] as? [[String: Any]])
        let tests = try #require(runs[0]["tests"] as? [String: Any])
        #expect(tests["status"] as? String == "failed")
        #expect(tests["passed"] as? Int == 3)
        #expect(tests["failed"] as? Int == 2)
    }

    /// Eight processes storing runs at once, on eight commits and then all on one: nothing is lost.
    @Test func concurrentWritersLoseNothing() throws {
        let repo = try TestRepository()
        var commits: [String] = []
        for i in 0..<8 {
            try repo.write("f.txt", "\(i)\n")
            try repo.commit("c\(i)")
            commits.append(try repo.head())
        }
        func launch(_ commit: String) throws -> Process {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: TestRepository.binary)
            p.arguments = ["record", commit, "--results", Self.pytestRun]
            p.currentDirectoryURL = URL(fileURLWithPath: repo.root)
            p.environment = repo.environment
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            return p
        }
        for round in [commits, Array(repeating: commits[0], count: 8)] {
            let processes = try round.map(launch)
            for p in processes { p.waitUntilExit(); #expect(p.terminationStatus == 0) }
        }
        for (i, commit) in commits.enumerated() {
            let runs = try #require(try Self.json(try repo.git("notes", "--ref=perfjournal", "show", commit).stdout)["runs"] as? [Any])
            #expect(runs.count == (i == 0 ? 9 : 1))
        }
        #expect(try repo.git("fsck", "--no-progress").status == 0)
    }

    /// Two clones store runs at once (one commit in common); their notes diverge, so a plain push of
    /// the second is refused. `perfjournal fetch` merges them (every run once), and the push then
    /// fast-forwards; the first clone gets everything back the same way.
    @Test func divergedNotesFromTwoClonesMergeWithFetch() throws {
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

        #expect(try repo.perfjournal("record", "HEAD", "--results", Self.pytestRun).status == 0)
        #expect(try repo.perfjournal("record", "HEAD~1", "--results", Self.pytestRun).status == 0)
        #expect(try repo.perfjournal("record", "HEAD", "--results", Self.pytestRun, in: other).status == 0)
        try repo.git("push", "-q", "origin", "refs/notes/perfjournal")
        let refused = try repo.git("push", "-q", "origin", "refs/notes/perfjournal", in: other, check: false)
        #expect(refused.status != 0)

        let fetched = try repo.perfjournal("fetch", "origin", in: other)
        #expect(fetched.status == 0, "\(fetched.stderr)")
        #expect(fetched.stdout.contains("merged runs on 2 commits"), "\(fetched.stdout)")  // one shared, one new here
        try repo.git("push", "-q", "origin", "refs/notes/perfjournal", in: other)
        let back = try repo.perfjournal("fetch", in: repo.root)
        #expect(back.status == 0, "\(back.stderr)")

        for directory in [repo.root, other] {
            let head = try Self.json(try repo.git("notes", "--ref=perfjournal", "show", "HEAD", in: directory).stdout)
            #expect((head["runs"] as? [Any])?.count == 2, "\(directory)")
            let previous = try Self.json(try repo.git("notes", "--ref=perfjournal", "show", "HEAD~1", in: directory).stdout)
            #expect((previous["runs"] as? [Any])?.count == 1, "\(directory)")
            #expect(try repo.git("fsck", "--no-progress", in: directory).status == 0)
        }
        #expect(try repo.perfjournal("fetch", in: other).stdout.contains("up to date"))
    }
}
