import Foundation
import Testing

@testable import Config
@testable import Support

@Suite struct ConfigTests {
    static let fullConfig = """
        [bench]
        command = "pytest benchmarks --benchmark-only --benchmark-json=.perfjournal-results.json"
        format = "pytest-benchmark"        # pytest-benchmark | hyperfine | google-benchmark
        results = ".perfjournal-results.json"
        timeout = 600.5
        files = ["benchmarks/**", "bench_*.py"]

        [test]
        command = "pytest -q --benchmark-disable"
        timeout = 120

        [watch]
        branches = ["main", "release"]

        [stats]
        alpha = 0.01
        min_effect = 0.02
        max_reruns = 3
        max_seconds = 300
        [stats.min_effect_by_benchmark]
        "tests/test_x.py::test_parse" = 0.03

        [rules]
        mode = "all"
        ignore = ["tests/**", "*.md"]
        max_files = 2
        max_symbols = 3
        max_modules = 2
        api_command = "python tools/api.py"
        changelog = "CHANGES.rst"

        [log]
        path = "docs/PERF.md"
        auto_write = true

        [daemon]
        autostart = false
        """

    private func parse(_ text: String, pyproject: Bool = false) throws -> Config {
        try Config.parse(text: text, path: pyproject ? "pyproject.toml" : ".perfjournal.toml", isPyproject: pyproject)
    }

    private func message(_ text: String, pyproject: Bool = false) -> String? {
        do {
            _ = try parse(text, pyproject: pyproject)
            return nil
        } catch let e as PerfJournalError {
            return e.kind == .config ? e.description : "wrong kind: \(e)"
        } catch {
            return "\(error)"
        }
    }

    @Test func readsEveryKey() throws {
        let c = try parse(Self.fullConfig)
        #expect(
            c.bench
                == BenchConfig(
                    command: "pytest benchmarks --benchmark-only --benchmark-json=.perfjournal-results.json",
                    format: .pytestBenchmark, results: ".perfjournal-results.json", timeout: 600.5,
                    files: ["benchmarks/**", "bench_*.py"]))
        #expect(c.test == TestConfig(command: "pytest -q --benchmark-disable", timeout: 120))
        #expect(c.watch.branches == ["main", "release"])
        #expect(
            c.stats
                == StatsConfig(
                    alpha: 0.01, minEffect: 0.02, maxReruns: 3, maxSeconds: 300,
                    minEffectByBenchmark: ["tests/test_x.py::test_parse": 0.03]))
        #expect(c.stats.minEffect(for: "tests/test_x.py::test_parse") == 0.03)
        #expect(c.stats.minEffect(for: "other") == 0.02)
        #expect(
            c.rules
                == RulesConfig(
                    mode: .all, ignore: ["tests/**", "*.md"], maxFiles: 2, maxSymbols: 3, maxModules: 2,
                    apiCommand: "python tools/api.py", changelog: "CHANGES.rst"))
        #expect(c.log == LogConfig(path: "docs/PERF.md", autoWrite: true))
        #expect(c.daemon.autostart == false)
        #expect(c.source == ConfigSource(path: ".perfjournal.toml", isPyproject: false))
        #expect(c.contentHash.count == 64)
    }

    @Test func onlyBenchCommandIsRequired() throws {
        let c = try parse("[bench]\ncommand = \"make bench\"\n")
        #expect(c == Config(bench: BenchConfig(command: "make bench"), source: c.source, contentHash: c.contentHash))
        #expect(c.bench.timeout == 1800 && c.bench.format == nil && c.bench.results == ".perfjournal-results.json")
        #expect(c.test == nil)
        #expect(c.stats.alpha == 0.05 && c.stats.minEffect == 0.01 && c.stats.maxReruns == 5 && c.stats.maxSeconds == 900)
        #expect(c.rules.mode == .perf && c.rules.maxFiles == 4 && c.rules.maxSymbols == 6 && c.rules.maxModules == 1)
        #expect(c.watch.branches == ["main"] && c.log.path == "PERFORMANCE.md" && c.daemon.autostart)
    }

    @Test func readsToolPerfjournalFromPyprojectAndIgnoresOtherTables() throws {
        let c = try parse(
            """
            [project]
            name = "x"
            unknown_for_us = 1
            [tool.black]
            line-length = 100
            [tool.perfjournal.bench]
            command = "uv run pytest --benchmark-only"
            timeout = 60
            [tool.perfjournal.stats]
            alpha = 0.1
            """, pyproject: true)
        #expect(c.bench.command == "uv run pytest --benchmark-only" && c.bench.timeout == 60 && c.stats.alpha == 0.1)
        #expect(c.source == ConfigSource(path: "pyproject.toml", isPyproject: true))
    }

    @Test func unknownKeysAreNamedWithTheirLineAndANearMatch() {
        #expect(
            message("[bench]\ncommand = \"x\"\ncomand = \"y\"")
                == ".perfjournal.toml: line 3: unknown key 'bench.comand' (did you mean 'bench.command'?)")
        #expect(
            message("[bench]\ncommand = \"x\"\n[stat]\nalpha = 0.1")
                == ".perfjournal.toml: line 3: unknown key 'stat' (did you mean 'stats'?)")
        #expect(
            message("[bench]\ncommand = \"x\"\nalpha = 0.1")
                == ".perfjournal.toml: line 3: unknown key 'bench.alpha' (did you mean 'stats.alpha'?)")
        #expect(
            message("[bench]\ncommand = \"x\"\n[bench.extra]\nk = 1")
                == ".perfjournal.toml: line 3: unknown key 'bench.extra'")
        #expect(
            message("[bench]\ncommand = \"x\"\n[nothing_like_it]")
                == ".perfjournal.toml: line 3: unknown key 'nothing_like_it'")
        #expect(
            message("[tool.perfjournal.bench]\ncommand = \"x\"\ntimout = 5", pyproject: true)
                == "pyproject.toml: line 3: unknown key 'tool.perfjournal.bench.timout' (did you mean 'tool.perfjournal.bench.timeout'?)")
    }

    @Test(arguments: [
        ("[stats]\nalpha = 2", "line 2: 'stats.alpha' must be a number between 0 and 0.5, got 2"),
        ("[stats]\nalpha = 0.5", "line 2: 'stats.alpha' must be a number between 0 and 0.5, got 0.5"),
        ("[stats]\nalpha = nan", "line 2: 'stats.alpha' must be a number between 0 and 0.5, got nan"),
        ("[stats]\nmin_effect = \"1%\"", "line 2: 'stats.min_effect' must be a number between 0 and 1, got \"1%\""),
        ("[stats]\nmax_reruns = -1", "line 2: 'stats.max_reruns' must be an integer >= 0, got -1"),
        ("[stats]\nmax_reruns = 2.0", "line 2: 'stats.max_reruns' must be an integer >= 0, got 2.0"),
        ("[stats]\nmax_seconds = 0", "line 2: 'stats.max_seconds' must be a number of seconds greater than 0, got 0"),
        (
            "[stats.min_effect_by_benchmark]\n\"a\" = 0.1\n\"b::c\" = 1.5",
            "line 3: 'stats.min_effect_by_benchmark.\"b::c\"' must be a number between 0 and 1, got 1.5"
        ),
        ("[stats]\nmin_effect_by_benchmark = 3", "line 2: 'stats.min_effect_by_benchmark' must be a table of benchmark names to numbers, got 3"),
        ("[rules]\nmax_files = 0", "line 2: 'rules.max_files' must be an integer >= 1, got 0"),
        ("[rules]\nmode = \"some\"", "line 2: 'rules.mode' must be one of 'perf', 'all', got \"some\""),
        ("[rules]\nignore = \"docs/**\"", "line 2: 'rules.ignore' must be an array of strings, got \"docs/**\""),
        ("[rules]\nignore = [\"docs/**\", 3]", "line 2: 'rules.ignore' must be an array of strings, got [\"docs/**\", 3]"),
        ("[log]\nauto_write = \"yes\"", "line 2: 'log.auto_write' must be true or false, got \"yes\""),
        ("[watch]\nbranches = []\n[daemon]\nautostart = 1", "line 4: 'daemon.autostart' must be true or false, got 1"),
        ("watch = 1", "line 1: 'watch' must be a table, got 1"),
        ("[[watch]]", "line 1: 'watch' must be a table, got [{}]"),
    ])
    func wrongValuesNameKeyLineAndValue(tail: String, expected: String) {
        let text = tail + "\n\n[bench]\ncommand = \"x\""
        #expect(message(text) == ".perfjournal.toml: " + expected)
    }

    @Test func badFormatListsTheValidOnes() {
        #expect(
            message("[bench]\ncommand = \"x\"\nformat = \"junit\"")
                == ".perfjournal.toml: line 3: 'bench.format' must be one of 'pytest-benchmark', 'hyperfine', 'google-benchmark', got \"junit\"")
    }

    @Test func missingCommandsNameTheFile() {
        #expect(
            message("[bench]\ntimeout = 5")
                == ".perfjournal.toml: missing required key 'bench.command' (in [bench])")
        #expect(
            message("[bench]\ncommand = \"   \"")
                == ".perfjournal.toml: line 2: 'bench.command' must be a command (a non-empty string), got \"   \"")
        #expect(
            message("[bench]\ncommand = \"x\"\n[test]\ntimeout = 5")
                == ".perfjournal.toml: missing required key 'test.command' (in [test])")
        #expect(
            message("[tool.perfjournal]\nwatch.branches = [\"main\"]", pyproject: true)
                == "pyproject.toml: missing required key 'tool.perfjournal.bench.command' (in [tool.perfjournal.bench])")
        #expect(message("[project]\nname = \"x\"", pyproject: true) == "pyproject.toml: no [tool.perfjournal] table")
        #expect(
            message("[tool]\nperfjournal = 3", pyproject: true)
                == "pyproject.toml: line 2: 'tool.perfjournal' must be a table, got 3")
    }

    @Test func tomlSyntaxErrorsComeThrough() {
        #expect(
            message("[bench]\ncommand = \"x\"\ncommand = \"y\"")
                == ".perfjournal.toml: line 3: duplicate key 'command' (first defined on line 2)")
    }

    @Test func writtenTextRoundTripsAndExplainsEveryKey() throws {
        let full = try parse(Self.fullConfig)
        let minimal = Config(bench: BenchConfig(command: "uv run pytest benchmarks --benchmark-only --benchmark-json=.perfjournal-results.json"))
        for config in [full, minimal] {
            let text = config.tomlText()
            let back = try parse(text)
            var expected = config
            expected.source = back.source
            expected.contentHash = back.contentHash
            #expect(back == expected, "\(text)")
            #expect(text.tomlText() == text)
            for key in ConfigSchema.keys {
                let name = key.path.split(separator: ".").last.map(String.init) ?? ""
                #expect(text.contains(name) && text.contains(key.doc), "\(key.path) missing from the written config")
            }
        }
        // The optional parts are shown commented-out so the user can see them.
        let text = minimal.tomlText()
        #expect(text.contains("# [test]\n# Shell command that runs the tests.\n# command = \"pytest -q\"\n"))
        #expect(text.contains("# format = \"pytest-benchmark\"\n"))
        #expect(text.contains("# [stats.min_effect_by_benchmark]\n"))
        #expect(text.contains("timeout = 1800\n"))
    }

    @Test func writtenTextEscapesAwkwardStrings() throws {
        var config = Config(bench: BenchConfig(command: "sh -c \"echo \\\"hi\\\"\"\t# not a comment \u{7F} é", files: ["a b/**", "c'd"]))
        config.stats.minEffectByBenchmark = ["tests/t.py::test[\"x\"]": 0.25, "plain": 0.5]
        config.test = TestConfig(command: "pytest -q 'a b'", timeout: 0.5)
        let back = try parse(config.tomlText())
        #expect(back.bench == config.bench && back.stats == config.stats && back.test == config.test)
    }

    @Test func contentHashIgnoresLayoutButNotValues() throws {
        let a = try parse("[bench]\ncommand = \"make bench\"\ntimeout = 60\n")
        let b = try parse("# a comment\n[bench]\n  timeout = 60 # seconds\n  command = 'make bench'\n")
        let c = try parse("bench = { command = \"make bench\", timeout = 60 }")
        let d = try parse("[bench]\ncommand = \"make bench; curl evil\"\ntimeout = 60\n")
        let e = try parse("[bench]\ncommand = \"make bench\"\ntimeout = 60.0\n")
        #expect(a.contentHash == b.contentHash && a.contentHash == c.contentHash)
        #expect(a.contentHash != d.contentHash)
        #expect(a.contentHash != e.contentHash)
        let p1 = try parse("[project]\nversion = \"1\"\n[tool.perfjournal.bench]\ncommand = \"make bench\"\ntimeout = 60", pyproject: true)
        let p2 = try parse("[project]\nversion = \"2\"\n[tool.perfjournal.bench]\ncommand = \"make bench\"\ntimeout = 60", pyproject: true)
        #expect(p1.contentHash == p2.contentHash && p1.contentHash == a.contentHash)
    }

    @Test func loadPrefersPerfjournalTomlOverPyproject() throws {
        let root = try ConfigTestDirectory()
        #expect(
            throws: PerfJournalError(
                .config, file: root.path,
                "no perfjournal config: no .perfjournal.toml and no [tool.perfjournal] in pyproject.toml (run `perfjournal init`)")
        ) {
            try Config.load(repositoryRoot: root.path)
        }
        try root.write("pyproject.toml", "[project]\nname = \"x\"\n")
        #expect(throws: PerfJournalError.self) { try Config.load(repositoryRoot: root.path) }

        try root.write("pyproject.toml", "[project]\nname = \"x\"\n[tool.perfjournal.bench]\ncommand = \"from pyproject\"\n")
        let fromPyproject = try Config.load(repositoryRoot: root.path)
        #expect(fromPyproject.bench.command == "from pyproject")
        #expect(fromPyproject.source == ConfigSource(path: root.path + "/pyproject.toml", isPyproject: true))

        try root.write(".perfjournal.toml", "[bench]\ncommand = \"from own file\"\n")
        let own = try Config.load(repositoryRoot: root.path + "/")
        #expect(own.bench.command == "from own file")
        #expect(own.source == ConfigSource(path: root.path + "/.perfjournal.toml", isPyproject: false))

        try root.write(".perfjournal.toml", "[bench]\ncomand = \"typo\"\n")
        #expect(
            throws: PerfJournalError(
                .config, file: root.path + "/.perfjournal.toml",
                "line 2: unknown key 'bench.comand' (did you mean 'bench.command'?)")
        ) {
            try Config.load(repositoryRoot: root.path)
        }
    }
}

private extension String {
    /// Parsing and writing again gives the same text: the writer is stable.
    func tomlText() -> String {
        (try? Config.parse(text: self, path: "x", isPyproject: false).tomlText()) ?? ""
    }
}

/// A fresh directory under the system temporary directory, removed when the value is released.
final class ConfigTestDirectory {
    let path: String

    init() throws {
        let base = URL(fileURLWithPath: NSTemporaryDirectory(), isDirectory: true)
        let url = base.appendingPathComponent("perfjournal-test-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    func write(_ relativePath: String, _ text: String) throws {
        let url = URL(fileURLWithPath: path).appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func makeDirectory(_ relativePath: String) throws {
        try FileManager.default.createDirectory(atPath: path + "/" + relativePath, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}
