import Foundation
import Testing

/// `perfjournal init` on the fixture projects of issue 13 (Tests/Fixtures/projects): it must pick a
/// command whose collection finds exactly the fixture's benchmarks, and `baseline` must store exactly those.
@Suite struct InitTests {
    static var available: Bool { DemoTests.pytestBenchmarkAvailable }

    struct Case: Sendable, CustomTestStringConvertible {
        var fixture: String
        var command: String
        var files: [String]
        var benchmarks: [String]
        var found: String
        var testDescription: String { fixture }
    }

    static let results = "--benchmark-json=.perfjournal-results.json"
    static let cases: [Case] = [
        Case(
            fixture: "setup-py-extras", command: "pytest tests/performance -o addopts= --benchmark-only \(results)",
            files: ["tests/performance/**"],
            benchmarks: ["tests/performance/test_perf.py::test_mean_speed", "tests/performance/test_perf.py::test_triangular_speed"],
            found: "found 2 benchmarks in 1 file"),
        Case(
            fixture: "custom-name-tox", command: "pytest benchmarking/bench_core.py --benchmark-only \(results)",
            files: ["benchmarking/**"],
            benchmarks: [
                "benchmarking/bench_core.py::test_render_document", "benchmarking/bench_core.py::test_render_paragraphs[10]",
                "benchmarking/bench_core.py::test_render_paragraphs[1]",
            ],
            found: "found 3 benchmarks in 1 file"),
        Case(
            fixture: "uv-lock-missing", command: "pytest testing/benchmark.py --benchmark-only \(results)",
            files: ["testing/benchmark.py"],
            benchmarks: ["testing/benchmark.py::TestRegister::test_register_many", "testing/benchmark.py::test_call_twenty_hooks"],
            found: "found 2 benchmarks in 1 file"),
        Case(
            fixture: "conflicting-addopts", command: "pytest benchmarks --benchmark-enable --benchmark-only \(results)",
            files: ["benchmarks/**"],
            benchmarks: [
                "benchmarks/check_textstats.py::TestCounter::test_most_common", "benchmarks/check_textstats.py::test_longest_word",
                "benchmarks/check_textstats.py::test_word_counts",
            ],
            found: "found 3 benchmarks in 1 file"),
        Case(
            fixture: "two-dirs", command: "pytest benchmarks tests/perf --benchmark-only \(results)",
            files: ["benchmarks/**", "tests/perf/**"],
            benchmarks: [
                "benchmarks/test_circle.py::test_circle_area", "tests/perf/test_polygon.py::TestPolygon::test_many_sided",
                "tests/perf/test_polygon.py::TestPolygon::test_square_perimeter",
            ],
            found: "found 3 benchmarks in 2 files"),
    ]

    /// A repository holding a copy of the fixture project, committed on `branch`.
    static func project(_ fixture: String, branch: String = "main") throws -> TestRepository {
        let repo = try TestRepository(initialize: false)
        try repo.git("init", "-q", "-b", branch)
        let source = TestRepository.fixtures + "/projects/" + fixture
        let items = try FileManager.default.contentsOfDirectory(atPath: source)
        for item in items {
            try FileManager.default.copyItem(atPath: source + "/" + item, toPath: repo.root + "/" + item)
        }
        try repo.write(".gitignore", "__pycache__/\n.pytest_cache/\n.benchmarks/\n.perfjournal-results.json\n")
        // uv, poetry and pipenv stay off PATH, as on the machines the issue describes.
        repo.extraEnvironment["PATH"] = pathWithout(["uv", "poetry", "pipenv"])
        // Short timings: which benchmarks run is under test, not how long each is timed.
        repo.extraEnvironment["PYTEST_ADDOPTS"] = "--benchmark-max-time=0.005 --benchmark-min-rounds=5 -p no:cacheprovider"
        try repo.commit("Add the project")
        return repo
    }

    static func pathWithout(_ tools: [String]) -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map(String.init).filter { dir in
            !tools.contains { FileManager.default.isExecutableFile(atPath: dir + "/" + $0) }
        }.joined(separator: ":")
    }

    static func config(_ repo: TestRepository) throws -> String { try repo.read(".perfjournal.toml") }

    static func storedBenchmarks(_ repo: TestRepository) throws -> [String] {
        let shown = try repo.perfjournal("show", "--json", "HEAD")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any], "\(shown.stderr)")
        let run = try #require((json["runs"] as? [[String: Any]])?.last)
        return ((run["results"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }.sorted()
    }

    @Test(.enabled(if: available, "needs pytest-benchmark (make test installs it)"), arguments: cases)
    func initFindsExactlyTheFixturesBenchmarksAndBaselineStoresThem(_ c: Case) throws {
        let repo = try Self.project(c.fixture)
        let initialised = try repo.perfjournal("init", "--no-hooks")
        #expect(initialised.status == 0, "\(initialised.stderr)\n\(initialised.stdout)")
        #expect(initialised.stdout.contains(c.found), "\(initialised.stdout)")
        let config = try Self.config(repo)
        #expect(config.contains("command = \"\(c.command)\""), "\(config)")
        let globs = c.files.map { "\"\($0)\"" }.joined(separator: ", ")
        #expect(config.contains("files = [\(globs)]"), "\(config)")
        #expect(config.contains("branches = [\"main\"]"))
        #expect(initialised.stdout.contains("files:    \(c.files.joined(separator: ", "))"))
        #expect(initialised.stdout.contains("branches: main (current)"))

        try repo.commit("Add perfjournal config")
        let baseline = try repo.perfjournal("baseline")
        #expect(baseline.status == 0, "\(baseline.stderr)\n\(baseline.stdout)")
        #expect(try Self.storedBenchmarks(repo) == c.benchmarks.sorted())
        // Exactly one results file: nothing autosaved, no second JSON.
        let worktree = repo.root + "/.git/perfjournal/worktrees/a"
        #expect(!FileManager.default.fileExists(atPath: worktree + "/benchmark.json"))
        let saved = (FileManager.default.enumerator(atPath: worktree + "/.benchmarks")?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".json") }
        #expect(saved.isEmpty, "\(saved)")
    }

    @Test(.enabled(if: available, "needs pytest-benchmark (make test installs it)"))
    func whatWasOverriddenAndTheMissingToolAreSaid() throws {
        let extras = try Self.project("setup-py-extras")
        let a = try extras.perfjournal("init", "--no-hooks", "--dry-run")
        #expect(a.stdout.contains("pytest-benchmark is declared in setup.py extras_require['dev']"))
        #expect(a.stdout.contains("overridden: --benchmark-autosave"))
        #expect(a.stdout.contains("overridden: --benchmark-json=benchmark.json"))
        let uv = try Self.project("uv-lock-missing")
        let b = try uv.perfjournal("init", "--no-hooks", "--dry-run")
        #expect(b.stdout.contains("uv.lock found but uv is not installed: using the current environment (install uv to use it)"))
        #expect(b.stdout.contains("benchmark command from tox env benchmark (tox.ini)"))
    }

    @Test(.enabled(if: available, "needs pytest-benchmark (make test installs it)"))
    func noBenchmarksIsAnErrorThatSaysWhereItLookedAndWhatToPass() throws {
        let repo = try Self.project("no-benchmarks")
        let result = try repo.perfjournal("init", "--no-hooks")
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.stderr.contains("no benchmarks found: looked for tests taking pytest-benchmark's `benchmark` fixture in every .py file under"))
        #expect(result.stderr.contains("--scaffold"))
        #expect(result.stderr.contains("--bench CMD"))
        #expect(!FileManager.default.fileExists(atPath: repo.root + "/.perfjournal.toml"))
    }

    @Test(.enabled(if: available, "needs pytest-benchmark (make test installs it)"))
    func dryRunWritesNothing() throws {
        let repo = try Self.project("two-dirs")
        let result = try repo.perfjournal("init", "--dry-run")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("found 3 benchmarks in 2 files"))
        #expect(result.stdout.contains("dry run: nothing written"))
        #expect(result.stdout.contains("command = \"pytest benchmarks tests/perf --benchmark-only"))
        #expect(!FileManager.default.fileExists(atPath: repo.root + "/.perfjournal.toml"))
        #expect(!FileManager.default.fileExists(atPath: repo.root + "/.git/hooks/post-commit"))
        #expect(try repo.git("config", "--get-all", "notes.rewriteRef", check: false).stdout.isEmpty)
        #expect(try repo.git("status", "--porcelain").stdout.isEmpty)
    }

    @Test(.enabled(if: available, "needs pytest-benchmark (make test installs it)"))
    func theCurrentBranchAndTheRemotesDefaultAreWatched() throws {
        let repo = try Self.project("custom-name-tox", branch: "master")
        try repo.git("update-ref", "refs/remotes/origin/trunk", "HEAD")
        try repo.git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk")
        let result = try repo.perfjournal("init", "--no-hooks")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Self.config(repo).contains("branches = [\"master\", \"trunk\"]"))
        #expect(result.stdout.contains("branches: master (current), trunk (origin's default)"))
        #expect(result.stdout.contains("files:    benchmarking/**"))
    }

    @Test(.enabled(if: available, "needs pytest-benchmark (make test installs it)"))
    func scaffoldWritesAStarterThatInitThenFinds() throws {
        let repo = try Self.project("no-benchmarks")
        let result = try repo.perfjournal("init", "--no-hooks", "--scaffold", "greet:hello")
        #expect(result.status == 0, "\(result.stderr)\n\(result.stdout)")
        let starter = try repo.read("benchmarks/test_benchmarks.py")
        #expect(starter.hasPrefix("# A starting point written by `perfjournal init --scaffold`: edit it"))
        #expect(starter.contains("from greet import hello"))
        #expect(starter.contains("benchmark.pedantic(hello, args=args, kwargs=kwargs, rounds=ROUNDS, iterations=ITERATIONS"))
        #expect(result.stdout.contains("found 1 benchmark in 1 file"))
        #expect(try Self.config(repo).contains("files = [\"benchmarks/**\"]"))
        // Never overwritten.
        let again = try repo.perfjournal("init", "--no-hooks", "--scaffold", "greet:hello")
        #expect(again.status == 64)
    }

    @Test func scaffoldTemplateIsOverridable() throws {
        let repo = try TestRepository()
        try repo.write("x.py", "def f():\n    pass\n")
        try repo.write(".perfjournal/templates/benchmark.py.mustache", "# ours\n{{#targets}}# {{{module}}}:{{{call}}}\n{{/targets}}")
        try repo.commit("init")
        let result = try repo.perfjournal(
            "init", "--no-hooks", "--dry-run", "--scaffold", "x:f", "--bench", "true", "--results", "r.json", "--format", "hyperfine", "--test", "")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("# ours\n# x:f\n"))
        #expect(!FileManager.default.fileExists(atPath: repo.root + "/benchmarks/test_benchmarks.py"))
        let bad = try repo.perfjournal("init", "--no-hooks", "--dry-run", "--scaffold", "not a target", "--bench", "true")
        #expect(bad.status == 64)
    }
}

/// Failures of `run` and `baseline` that say what happened (issue 13, item 6).
@Suite struct MeasureFailureTests {
    static var available: Bool { DemoTests.pytestBenchmarkAvailable }

    @Test(.enabled(if: available, "needs pytest-benchmark (make test installs it)"))
    func aCommandThatCollectsNoBenchmarkSaysSo() throws {
        let repo = try InitTests.project("custom-name-tox")
        // What the old init wrote: from the root, no file named like a test holds a benchmark.
        _ = try repo.perfjournal(
            "init", "--no-hooks", "--bench", "pytest --benchmark-only --benchmark-json=out.json", "--results", "out.json", "--format", "pytest-benchmark",
            "--test", "")
        try repo.commit("config")
        let result = try repo.perfjournal("baseline")
        #expect(result.status == 5, "\(result.stderr)")
        #expect(result.stderr.contains("the benchmark command collected no benchmarks"), "\(result.stderr)")
        #expect(!result.stderr.contains("wrote no results file"))
    }

    @Test func aMissingExecutableIsNamed() throws {
        let repo = try TestRepository()
        try repo.write("a.txt", "a\n")
        try repo.commit("a")
        _ = try repo.perfjournal("init", "--no-hooks", "--bench", "no-such-tool-xyz run --fast", "--results", "out.json", "--format", "hyperfine", "--test", "")
        try repo.commit("config")
        let result = try repo.perfjournal("baseline")
        #expect(result.status == 6)
        #expect(result.stderr.contains("command not found: no-such-tool-xyz"), "\(result.stderr)")
    }

    @Test func aBaselineWhoseTestsFailIsStoredButSaysSoLoudly() throws {
        let repo = try TestRepository()
        try repo.write("a.txt", "a\n")
        try repo.commit("a")
        let results = TestRepository.fixtures + "/hyperfine/"
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: results).first { $0.hasSuffix(".json") })
        _ = try repo.perfjournal(
            "init", "--no-hooks", "--bench", "cp '\(results + file)' out.json", "--results", "out.json", "--format", "hyperfine", "--test", "exit 1")
        try repo.commit("config")
        let result = try repo.perfjournal("baseline")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("tests FAILED"))
        #expect(result.stderr.contains("the baseline's tests FAILED"), "\(result.stderr)")
        let status = try repo.perfjournal("status")
        #expect(status.stdout.contains("tests FAILED"), "\(status.stdout)")
        let checklist = try repo.perfjournal("checklist")
        #expect(checklist.stdout.contains("baseline's tests FAILED"), "\(checklist.stdout)")
    }
}
