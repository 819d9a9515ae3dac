import Foundation
import Testing

/// Profiles in the journal (issue 10), with real pytest-benchmark: captured with every run, stored in
/// refs/notes/perfjournal-profiles, shown and compared by `perfjournal profile`, merged by `fetch`.
@Suite struct ProfileTests {
    static var available: Bool { DemoTests.pytestBenchmarkAvailable }

    static let quadratic = """
        def dedupe(items):
            out = []
            for item in items:
                if item not in out:
                    out.append(item)
            return out


        def unused(items):
            return sorted(items)


        def process(items):
            total = sum(x * x for x in items)
            return dedupe(items), total

        """

    /// A project whose one benchmark spends most of its time in a quadratic `dedupe`.
    static func project() throws -> TestRepository {
        let repo = try TestRepository()
        try repo.write("fastlib/__init__.py", "")
        try repo.write("fastlib/core.py", quadratic)
        try repo.write(
            "benchmarks/test_bench.py",
            """
            from fastlib.core import process


            def test_dedupe(benchmark):
                benchmark(process, list(range(400)) * 3)

            """)
        try repo.write(".gitignore", "bench.json\n")
        try repo.write(
            ".perfjournal.toml",
            """
            [bench]
            command = "python3 -m pytest -q -p no:cacheprovider benchmarks --benchmark-json=bench.json --benchmark-max-time=0.02 --benchmark-min-rounds=3"
            results = "bench.json"
            format = "pytest-benchmark"

            [profile]
            loops = 3

            [stats]
            # The journal's verdicts need runs this loaded machine may call disturbed; the shares do not care.
            detect_disturbance = false

            """)
        try repo.commit("initial")
        _ = try repo.perfjournal("trust")
        return repo
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func function(_ name: String, in benchmark: [String: Any]) -> [String: Any]? {
        (benchmark["functions"] as? [[String: Any]])?.first { ($0["function"] as? String) == name }
    }

    @Test(.enabled(if: available, "needs pytest-benchmark (make test installs it)"))
    func quadraticFunctionDominatesAndTheDiffShowsItsShareFalling() throws {
        let repo = try Self.project()
        let baseline = try repo.perfjournal("baseline")
        #expect(baseline.status == 0, "\(baseline.stderr)")
        #expect(!baseline.stderr.contains("warning"), "\(baseline.stderr)")
        // The profile note written is in the decoded-notes cache already: the first look reads no JSON.
        let profileBlob = try repo.git("rev-parse", "refs/notes/perfjournal-profiles:" + (try repo.head())).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let cache = FileManager.default.contents(atPath: repo.root + "/.git/perfjournal/cache/profile-notes") ?? Data()
        #expect(cache.range(of: Data(profileBlob.utf8)) != nil)

        let single = try Self.json(try repo.perfjournal("profile", "--json").stdout)
        let benchmarks = try #require(single["benchmarks"] as? [[String: Any]])
        #expect(benchmarks.count == 1)
        let bench = try #require(benchmarks.first)
        #expect(bench["name"] as? String == "benchmarks/test_bench.py::test_dedupe")
        #expect(bench["loops"] as? Int == 3)
        #expect((bench["peak_memory_bytes"] as? Int ?? 0) > 0)
        let dedupe = try #require(Self.function("fastlib/core.py:dedupe", in: bench))
        #expect((dedupe["cumulative_share"] as? Double ?? 0) > 0.5)
        #expect(dedupe["calls"] as? Double == 1)
        #expect(dedupe["file"] as? String == "fastlib/core.py" && dedupe["line"] as? Int == 1)
        let hottest = try #require((bench["functions"] as? [[String: Any]])?.first)
        #expect(hottest["function"] as? String == "fastlib/core.py:process")
        #expect(try repo.perfjournal("profile").stdout.contains("fastlib/core.py:dedupe"))
        // Three runs a side, so that the journal can call the optimization improved.
        for _ in 0..<2 { #expect(try repo.perfjournal("run", "HEAD").status == 0) }

        try repo.write(
            "fastlib/core.py",
            Self.quadratic.replacingOccurrences(
                of: """
                        out = []
                        for item in items:
                            if item not in out:
                                out.append(item)
                        return out
                    """,
                with: """
                        return list(dict.fromkeys(items))
                    """))
        try repo.commit("perf: dedupe with a dict")
        // cProfile times are wall-clock: on a loaded machine one preemption inside a short function can
        // make it look hot, so the run is repeated (at most twice more) until the shares are clear.
        var changed: [String: Any] = [:]
        var moved: [String: Any] = [:]
        var before: [String: Any] = [:], after: [String: Any] = [:]
        for _ in 0..<2 { #expect(try repo.perfjournal("run", "HEAD").status == 0) }
        for _ in 0..<3 {
            #expect(try repo.perfjournal("run", "HEAD").status == 0)
            let diff = try Self.json(try repo.perfjournal("profile", "HEAD~1", "HEAD", "--json").stdout)
            changed = try #require((diff["benchmarks"] as? [[String: Any]])?.first)
            moved = try #require(Self.function("fastlib/core.py:dedupe", in: changed))
            before = try #require(moved["before"] as? [String: Any])
            after = try #require(moved["after"] as? [String: Any])
            if (before["cumulative_share"] as? Double ?? 0) > (after["cumulative_share"] as? Double ?? 1) { break }
        }
        #expect((before["cumulative_share"] as? Double ?? 0) > (after["cumulative_share"] as? Double ?? 1))
        #expect((moved["change_seconds"] as? Double ?? 0) < 0)
        // A new function has a null "before".
        let new = (changed["functions"] as? [[String: Any]])?.first { ($0["function"] as? String)?.contains("fromkeys") == true }
        #expect(new.map { $0["before"] is NSNull } == true, "\(changed)")

        // The log says where the time went: the quadratic function's share fell.
        let log = try Self.json(try repo.perfjournal("log", "--json").stdout)
        let entry = try #require((log["entries"] as? [[String: Any]])?.first)
        let verdicts = ((entry["comparison"] as? [String: Any])?["benchmarks"] as? [[String: Any]])?.compactMap { $0["verdict"] as? String }
        #expect(verdicts == ["improved"], "\(entry)")
        let went = try #require((entry["where_time_went"] as? [String: Any])?["benchmarks"] as? [[String: Any]], "\(entry)")
        let fell = try #require((went.first?["functions"] as? [[String: Any]])?.first { $0["function"] as? String == "fastlib/core.py:dedupe" })
        #expect((fell["before_share"] as? Double ?? 0) > (fell["after_share"] as? Double ?? 1), "\(fell)")
        #expect((fell["change_seconds"] as? Double ?? 0) < 0, "\(fell)")
        let markdown = try repo.perfjournal("log").stdout
        #expect(markdown.contains("Where the time went"), "\(markdown)")
        #expect(markdown.contains(#/`fastlib/core.py:dedupe` \d+% → (\d+|<1)% of test\\_dedupe \(−[0-9.]+ [mµn]?s a call\)/#), "\(markdown)")
        #expect(try repo.perfjournal("pr-summary").stdout.contains("`fastlib/core.py:dedupe` "))

        let exports = repo.sibling("exports")
        let export = try repo.perfjournal("profile", "HEAD~1", "HEAD", "--speedscope", exports + "/s.json", "--prof", exports + "/prof")
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stderr.contains("estimated"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: exports + "/prof").filter { $0.hasSuffix(".prof") }.count == 2)
        let speedscope = try Self.json(String(contentsOfFile: exports + "/s.json", encoding: .utf8))
        #expect((speedscope["profiles"] as? [Any])?.count == 2)
        #expect(((speedscope["shared"] as? [String: Any])?["frames"] as? [Any])?.isEmpty == false)

        // Rule hot-path: the optimization changed the hot function.
        #expect(try Self.hotPath(repo, "HEAD")?["status"] as? String == "pass")
        // One that touches only a function no benchmark calls is warned about, and check still passes.
        try repo.write(
            "fastlib/core.py", try repo.read("fastlib/core.py").replacingOccurrences(of: "return sorted(items)", with: "return sorted(items, reverse=False)"))
        try repo.commit("perf: sort faster in unused")
        let cold = try #require(try Self.hotPath(repo, "HEAD"))
        #expect(cold["status"] as? String == "warn")
        #expect((cold["reason"] as? String)?.contains("`fastlib/core.py:unused` (0.0%)") == true, "\(cold)")
        #expect((cold["reason"] as? String)?.contains("the hottest are `fastlib/core.py:process`") == true, "\(cold)")

        // Read-only: profile of an unprofiled commit is an error, not a run.
        try repo.write("README.md", "x\n")
        try repo.commit("docs")
        let none = try repo.perfjournal("profile")
        #expect(none.status != 0 && none.stderr.contains("no profile stored"))
    }

    /// HEAD's hot-path outcome in `check --json`.
    static func hotPath(_ repo: TestRepository, _ revision: String) throws -> [String: Any]? {
        let out = try repo.perfjournal("check", "--json", "\(revision)~1..\(revision)").stdout
        let parsed = try JSONSerialization.jsonObject(with: Data(out.utf8))
        let checks = (parsed as? [[String: Any]]) ?? ((parsed as? [String: Any])?["commits"] as? [[String: Any]]) ?? []
        return (checks.last?["rules"] as? [String: Any])?["hot-path"] as? [String: Any]
    }

    @Test(.enabled(if: available, "needs pytest-benchmark (make test installs it)"))
    func malformedOrMissingDumpsCostTheProfileNotTheRun() throws {
        let repo = try Self.project()
        // After pytest-benchmark wrote the dumps, one is corrupted and the other deleted.
        try repo.write(
            "benchmarks/conftest.py",
            """
            import glob, os


            def pytest_sessionfinish(session):
                manifest = os.environ.get("PERFJOURNAL_PROFILE_MANIFEST")
                if not manifest:
                    return
                dumps = sorted(glob.glob(os.path.join(os.path.dirname(manifest), "dump-*.prof")))
                for i, path in enumerate(dumps):
                    if i % 2 == 0:
                        with open(path, "wb") as f:
                            f.write(b"not a dump")
                    else:
                        os.remove(path)

            """)
        try repo.write(
            "benchmarks/test_more.py",
            """
            def test_other(benchmark):
                benchmark(sorted, list(range(100)))

            """)
        try repo.commit("broken dumps")
        let run = try repo.perfjournal("run")
        #expect(run.status == 0, "\(run.stderr)")
        let warnings = run.stderr.split(separator: "\n").filter { $0.contains("warning") }
        #expect(warnings.count == 1, "\(run.stderr)")
        #expect(warnings.first?.contains("unreadable") == true, "\(run.stderr)")
        // The run is stored; the profile holds only what could be read (the memory figures).
        #expect(try repo.git("notes", "--ref=perfjournal", "list", "HEAD").status == 0)
        let profile = try Self.json(try repo.perfjournal("profile", "--json").stdout)
        for bench in try #require(profile["benchmarks"] as? [[String: Any]]) {
            #expect((bench["functions"] as? [Any])?.isEmpty == true)
        }
    }

    static var memrayAvailable: Bool {
        guard available else { return false }
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import memray"]
        check.standardOutput = FileHandle.nullDevice
        check.standardError = FileHandle.nullDevice
        guard (try? check.run()) != nil else { return false }
        check.waitUntilExit()
        return check.terminationStatus == 0
    }

    /// A project whose benchmark maps 8 MiB anonymously: memray sees the mapping, tracemalloc (which traces
    /// Python's allocators only) does not, so the figure says which tool measured it.
    static func mappingProject() throws -> TestRepository {
        let repo = try TestRepository()
        try repo.write(
            "benchmarks/test_map.py",
            """
            import mmap


            def grab():
                m = mmap.mmap(-1, 8 << 20)
                m.write(b"x" * 10)
                m.close()


            def test_map(benchmark):
                benchmark(grab)

            """)
        try repo.write(".gitignore", "bench.json\n")
        try repo.write(
            ".perfjournal.toml",
            """
            [bench]
            command = "python3 -m pytest -q -p no:cacheprovider benchmarks --benchmark-json=bench.json --benchmark-max-time=0.02 --benchmark-min-rounds=3"
            results = "bench.json"
            format = "pytest-benchmark"

            [profile]
            memory = "memray"

            """)
        try repo.commit("initial")
        _ = try repo.perfjournal("trust")
        return repo
    }

    @Test(.enabled(if: memrayAvailable, "needs memray importable by python3 (pip install memray)"))
    func memrayMeasuresThePeakWhenAskedFor() throws {
        let repo = try Self.mappingProject()
        let run = try repo.perfjournal("run")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stderr.contains("warning"), "\(run.stderr)")
        let bench = try #require((try Self.json(try repo.perfjournal("profile", "--json").stdout)["benchmarks"] as? [[String: Any]])?.first)
        #expect(bench["peak_memory_tool"] as? String == "memray", "\(bench)")
        #expect((bench["peak_memory_bytes"] as? Int ?? 0) >= 8 << 20, "\(bench)")
        #expect(try repo.perfjournal("profile").stdout.contains("(memray)"))
        // memray's capture files are removed; the raw cProfile dump stays.
        let runs = repo.root + "/.git/perfjournal/profiles"
        for run in try FileManager.default.contentsOfDirectory(atPath: runs) {
            #expect(try FileManager.default.contentsOfDirectory(atPath: runs + "/" + run).allSatisfy { !$0.hasPrefix("memray-") })
        }
    }

    @Test(.enabled(if: available, "needs pytest-benchmark (make test installs it)"))
    func aMemrayThatCannotBeImportedFallsBackToTracemallocWithOneWarning() throws {
        let repo = try Self.mappingProject()
        // Shadows any installed memray for the benchmark's python3 (pytest puts the test directory first).
        try repo.write("benchmarks/memray.py", "raise ImportError('no memray here')\n")
        try repo.commit("no memray")
        let run = try repo.perfjournal("run")
        #expect(run.status == 0, "\(run.stderr)")
        let warnings = run.stderr.split(separator: "\n").filter { $0.contains("warning") }
        #expect(warnings.count == 1 && warnings.first?.contains("could not use memray") == true, "\(run.stderr)")
        let bench = try #require((try Self.json(try repo.perfjournal("profile", "--json").stdout)["benchmarks"] as? [[String: Any]])?.first)
        #expect(bench["peak_memory_tool"] as? String == "tracemalloc", "\(bench)")
        // tracemalloc traces Python's allocators only: the mapping is not in its figure.
        #expect((bench["peak_memory_bytes"] as? Int ?? .max) < 1 << 20, "\(bench)")
    }

    @Test func fetchMergesProfileNotesFromTwoClones() throws {
        let a = try TestRepository(name: "a")
        try a.write("README.md", "hi\n")
        try a.commit("initial")
        let remote = a.sibling("remote.git")
        try a.git("init", "-q", "--bare", remote)
        try a.git("remote", "add", "origin", remote)
        let fixture = TestRepository.fixtures + "/pytest-benchmark/run.json"
        #expect(try a.perfjournal("record", "HEAD", "--results", fixture).status == 0)
        func profileNote(_ run: String) -> String {
            #"{"runs":{"\#(run)":{"benchmarks":[{"edges":[],"functions":[["m.py","f",1,1,1,0.5,1.0]],"loops":1,"name":"t","total_seconds":1.0}]}},"schema":1}"#
        }
        try a.git("notes", "--ref=perfjournal-profiles", "add", "-m", profileNote("run-a"), "HEAD")
        try a.git("push", "-q", "origin", "main", "refs/notes/perfjournal", "refs/notes/perfjournal-profiles")

        let b = a.sibling("b")
        try a.git("clone", "-q", "-b", "main", remote, b)
        #expect(try a.perfjournal("record", "HEAD", "--results", fixture, in: b).status == 0)
        try a.git("notes", "--ref=perfjournal-profiles", "add", "-m", profileNote("run-b"), "HEAD", in: b)
        let fetched = try a.perfjournal("fetch", "origin", in: b)
        #expect(fetched.status == 0, "\(fetched.stderr)")
        #expect(fetched.stdout.contains("merged profiles on 1 commit"))
        #expect(fetched.stdout.contains("refs/notes/perfjournal-profiles"))
        let merged = try Self.json(try a.git("notes", "--ref=perfjournal-profiles", "show", "HEAD", in: b).stdout)
        #expect(Set(((merged["runs"] as? [String: Any]) ?? [:]).keys) == ["run-a", "run-b"])
        // Again: nothing new.
        #expect(!(try a.perfjournal("fetch", "origin", in: b).stdout.contains("merged profiles")))
    }

    /// `profile A B` keeps the notes it read, decoded, by blob: a second look reads the cache (what it shows
    /// is what the cache holds), a note that changed is a new blob and is read again, a fanned-out notes tree
    /// is followed as git follows it, and a broken note is named rather than taken for a missing one.
    @Test func profileViewsKeepDecodedNotesByBlobAndReadAChangedNoteAgain() throws {
        let repo = try TestRepository(name: "profile-cache")
        try repo.write("README.md", "hi\n")
        _ = try repo.commit("initial")
        _ = try repo.commit("second", allowEmpty: true)
        let fixture = TestRepository.fixtures + "/pytest-benchmark/run.json"
        var runs: [String: String] = [:]
        for rev in ["HEAD~1", "HEAD"] {
            #expect(try repo.perfjournal("record", rev, "--results", fixture).status == 0)
            let note = try Self.json(try repo.git("notes", "--ref=perfjournal", "show", rev).stdout)
            runs[rev] = try #require(((note["runs"] as? [[String: Any]])?.last?["id"]) as? String)
        }
        func profileNote(_ rev: String, seconds: Double) throws {
            let benchmark = #"{"edges":[],"functions":[["pkg/hot.py","f",1,1,1,0.5,\#(seconds)]],"loops":1,"name":"t","total_seconds":1.0}"#
            let note = #"{"runs":{"\#(runs[rev]!)":{"benchmarks":[\#(benchmark)]}},"schema":1}"#
            try repo.git("notes", "--ref=perfjournal-profiles", "add", "-f", "-m", note, rev)
        }
        func afterSeconds() throws -> Double? {
            let result = try repo.perfjournal("profile", "HEAD~1", "HEAD", "--json")
            #expect(result.status == 0, "\(result.stderr)")
            let functions = ((try Self.json(result.stdout)["benchmarks"] as? [[String: Any]])?.first?["functions"] as? [[String: Any]]) ?? []
            return (functions.first?["after"] as? [String: Any])?["cumulative_seconds"] as? Double
        }
        try profileNote("HEAD~1", seconds: 0.5)
        try profileNote("HEAD", seconds: 0.25)
        #expect(try afterSeconds() == 0.25)
        let cache = repo.root + "/.git/perfjournal/cache/profile-notes"
        let blob = try repo.git("rev-parse", "refs/notes/perfjournal-profiles:" + (try repo.head())).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let original = try #require(FileManager.default.contents(atPath: cache))
        #expect(original.range(of: Data(blob.utf8)) != nil, "the note's blob is the key")
        var cached = original

        // What the second look shows comes from the cache: a file name changed there (same length) shows.
        let hot = try #require(cached.range(of: Data("pkg/hot.py".utf8)))
        cached.replaceSubrange(hot, with: Data("pkg/hit.py".utf8))
        try cached.write(to: URL(fileURLWithPath: cache))
        let second = try repo.perfjournal("profile", "HEAD~1", "HEAD", "--json")
        #expect(second.status == 0 && second.stdout.contains(#""file" : "pkg/hit.py""#), "\(second.stdout)\(second.stderr)")
        try original.write(to: URL(fileURLWithPath: cache))

        // A changed note is another blob: read again, not served stale.
        try profileNote("HEAD", seconds: 0.125)
        #expect(try afterSeconds() == 0.125)

        // A fanned-out notes tree (git's `ab/cdef…` layout for big notes refs) is followed.
        var entries: [String] = []
        for rev in ["HEAD~1", "HEAD"] {
            let commit = try repo.git("rev-parse", rev).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let id = try repo.git("rev-parse", "refs/notes/perfjournal-profiles:" + commit).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let sub = try repo.run(
                "/usr/bin/env", ["git", "mktree"], in: repo.root, check: true,
                stdin: "100644 blob \(id)\t\(commit.dropFirst(2))\n"
            ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            entries.append("040000 tree \(sub)\t\(commit.prefix(2))\n")
        }
        let top = try repo.run("/usr/bin/env", ["git", "mktree"], in: repo.root, check: true, stdin: entries.joined())
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let fanned = try repo.git("commit-tree", top, "-p", "refs/notes/perfjournal-profiles", "-m", "fan out").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try repo.git("update-ref", "refs/notes/perfjournal-profiles", fanned)
        #expect(try repo.git("notes", "--ref=perfjournal-profiles", "show", "HEAD").stdout.contains("0.125"))
        #expect(try afterSeconds() == 0.125)

        // A broken note is an error that names it, not "no profile stored".
        try repo.git("notes", "--ref=perfjournal-profiles", "add", "-f", "-m", "{", "HEAD")
        let broken = try repo.perfjournal("profile", "HEAD~1", "HEAD")
        #expect(broken.status != 0)
        #expect(broken.stderr.contains("is not a perfjournal profile note"), "\(broken.stderr)")
        #expect(!broken.stderr.contains("no profile stored"), "\(broken.stderr)")
    }

}
