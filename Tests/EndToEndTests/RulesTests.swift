import Foundation
import Testing

/// The rules of issue #4, through real `git commit` with the installed hooks and `perfjournal check`.
@Suite struct RulesTests {
    static let headers = """
        def parse_header(line):
            name, _, value = line.partition(":")
            return name.strip().lower(), value.strip()


        def load(lines):
            return dict(parse_header(line) for line in lines)

        """
    static let checksum = """
        def checksum(data):
            total = 0
            for byte in data:
                total = (total + byte) % 65521
            return total

        """

    /// A small Python package with perfjournal set up and a recorded baseline. The bench command is never
    /// run here: runs are recorded from synthetic result files, so verdicts are deterministic.
    static func project(baseline: Bool = true, fixedDates: Bool = false) throws -> TestRepository {
        let repo = try TestRepository(fixedDates: fixedDates)
        repo.extraEnvironment["PERFJOURNAL_MACHINE"] = "test-machine"
        try repo.write("pkg/__init__.py", "")
        try repo.write("pkg/headers.py", headers)
        try repo.write("pkg/checksum.py", checksum)
        try repo.write("tests/test_pkg.py", "from pkg.headers import load\n\n\ndef test_load():\n    assert load(['A: b']) == {'a': 'b'}\n")
        try repo.commit("Initial version")
        let initialised = try repo.perfjournal(
            "init", "--bench", "true", "--results", "out.json", "--format", "pytest-benchmark", "--test", "true")
        try #require(initialised.status == 0, "\(initialised.stderr)")
        try repo.commit("Add perfjournal config")
        if baseline { try calibratedBaseline(repo) }
        return repo
    }

    /// A baseline and three more runs of its commit, as `baseline --runs 4` makes them: the runs of one
    /// tree teach the machine's run-to-run spread, so one run a side can decide later.
    static func calibratedBaseline(_ repo: TestRepository) throws {
        try record(repo, "HEAD", median: 0.010, seed: 1, baseline: true)
        for seed: UInt64 in 101...103 { try record(repo, "HEAD", median: 0.010, seed: seed) }
    }

    static func record(_ repo: TestRepository, _ rev: String, median: Double, seed: UInt64, baseline: Bool = false, tests: String = "passed") throws {
        let file = repo.sibling("results-\(seed).json")
        try SyntheticResults.pytestBenchmark(
            [.init(name: "bench/test_h.py::test_load", median: median), .init(name: "bench/test_c.py::test_checksum", median: 0.020)],
            seed: seed
        ).write(toFile: file, atomically: true, encoding: .utf8)
        var args = ["record", rev, "--results", file, "--tests", tests]
        if baseline { args.append("--baseline") }
        let result = try repo.run(TestRepository.binary, args, in: repo.root, check: false)
        try #require(result.status == 0, "\(result.stderr)")
    }

    static func check(_ repo: TestRepository, _ range: String) throws -> (status: Int32, json: [String: Any]) {
        let result = try repo.perfjournal("check", range, "--json")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr)")
        return (result.status, json)
    }

    static func rules(_ json: [String: Any], commit index: Int = 0) -> [String: String] {
        let commits = json["commits"] as? [[String: Any]] ?? []
        guard index < commits.count, let rules = commits[index]["rules"] as? [String: [String: String]] else { return [:] }
        return rules.mapValues { $0["status"] ?? "" }
    }

    @Test func focusedOptimizationPassesEveryRule() throws {
        let repo = try Self.project()
        try repo.write(
            "pkg/headers.py",
            Self.headers.replacingOccurrences(
                of: "    name, _, value = line.partition(\":\")", with: "    name, sep, value = line.partition(\":\")\n    del sep"))
        let commit = try repo.git("add", "-A")
        _ = commit
        let result = try repo.run("/usr/bin/env", ["git", "commit", "-q", "-m", "perf: parse headers without a throwaway tuple"], in: repo.root, check: false)
        #expect(result.status == 0, "\(result.stderr)")
        try Self.record(repo, "HEAD", median: 0.008, seed: 2)
        let (status, json) = try Self.check(repo, "HEAD")
        #expect(status == 0, "\(json)")
        #expect(Self.rules(json) == ["baseline": "pass", "one-change": "pass", "improvement": "pass", "tests": "pass", "api": "pass", "hot-path": "unknown"])
        #expect(json["ok"] as? Bool == true)
    }

    @Test func bundledOptimizationIsRefusedAndFlagged() throws {
        let repo = try Self.project()
        try repo.write(
            "pkg/headers.py",
            Self.headers.replacingOccurrences(of: "return name.strip().lower(), value.strip()", with: "return name.strip().casefold(), value.strip()"))
        try repo.write("pkg/checksum.py", Self.checksum.replacingOccurrences(of: "total = (total + byte) % 65521", with: "total += byte\n    total %= 65521"))
        try repo.git("add", "-A")
        let message = "perf: cache headers and vectorize checksum"
        let refused = try repo.run("/usr/bin/env", ["git", "commit", "-q", "-m", message], in: repo.root, check: false)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("bundled: 2 independent changes: {checksum} and {parse_header}"), "\(refused.stderr)")
        #expect(refused.stderr.contains("pkg/checksum.py:checksum") && refused.stderr.contains("pkg/headers.py:parse_header"))
        #expect(refused.stderr.contains("git add -p") && refused.stderr.contains("git restore --staged"))
        // Nothing lost: the message is kept and the changes are still staged.
        #expect(try repo.read(".git/perfjournal/refused-message").contains(message))
        #expect(try repo.git("diff", "--cached", "--name-only").stdout == "pkg/checksum.py\npkg/headers.py\n")

        try repo.git("commit", "-q", "--no-verify", "-m", message)
        let (status, json) = try Self.check(repo, "HEAD")
        #expect(status == 1)
        #expect(Self.rules(json)["one-change"] == "fail")
    }

    @Test func optimizationWithoutBaselineIsRefused() throws {
        let repo = try Self.project(baseline: false)
        try repo.write("pkg/checksum.py", Self.checksum.replacingOccurrences(of: "% 65521", with: "% 65521  # Adler prime"))
        try repo.git("add", "-A")
        let refused = try repo.run("/usr/bin/env", ["git", "commit", "-q", "-m", "perf: tweak checksum"], in: repo.root, check: false)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("no baseline"), "\(refused.stderr)")
        // A non-optimization commit is not held to the rule.
        let support = try repo.run("/usr/bin/env", ["git", "commit", "-q", "-m", "docs: explain the checksum"], in: repo.root, check: false)
        #expect(support.status == 0, "\(support.stderr)")
    }

    @Test func failingTestSuiteFailsTheTestsRule() throws {
        let repo = try Self.project()
        try repo.write("pkg/checksum.py", Self.checksum.replacingOccurrences(of: "total = 0", with: "total = 1"))
        try repo.commit("perf: start the checksum at one")
        try Self.record(repo, "HEAD", median: 0.008, seed: 3, tests: "failed")
        let (status, json) = try Self.check(repo, "HEAD")
        #expect(status == 1)
        #expect(Self.rules(json)["tests"] == "fail")
    }

    @Test func withinNoiseAndRegressionFailTheImprovementRule() throws {
        let repo = try Self.project()
        try repo.write("pkg/checksum.py", Self.checksum + "\n# one\n")
        try repo.commit("perf: first try")
        try Self.record(repo, "HEAD", median: 0.010, seed: 4)
        try repo.write("pkg/checksum.py", Self.checksum + "\n# two\n")
        try repo.commit("perf: second try")
        try Self.record(repo, "HEAD", median: 0.013, seed: 5)
        let (status, json) = try Self.check(repo, "HEAD~2..HEAD")
        #expect(status == 1)
        let commits = try #require(json["commits"] as? [[String: Any]])
        let reasons = commits.map { (($0["rules"] as? [String: [String: String]])?["improvement"]?["reason"]) ?? "" }
        #expect(reasons[0].hasPrefix("not beyond noise"), "\(reasons)")
        #expect(reasons[1].hasPrefix("regression"), "\(reasons)")
    }

    @Test func renamingAPublicFunctionFailsTheAPIRuleUnlessDocumented() throws {
        let repo = try Self.project()
        try repo.write("pkg/headers.py", Self.headers.replacingOccurrences(of: "def load(lines):", with: "def load_headers(lines):"))
        // The API rule holds optimizations (mode "perf"); a refactor is not held to it.
        try repo.commit("perf: rename load")
        #expect(Self.rules(try Self.check(repo, "HEAD").json)["api"] == "fail")
        try repo.git("commit", "-q", "--amend", "-m", "perf: rename load\n\nAPI-Change: load is now load_headers")
        #expect(Self.rules(try Self.check(repo, "HEAD").json)["api"] == "pass")
        // A private helper may change freely.
        try repo.write("pkg/headers.py", try repo.read("pkg/headers.py") + "\n\ndef _helper(x):\n    return x\n")
        try repo.commit("perf: add a private helper")
        #expect(Self.rules(try Self.check(repo, "HEAD").json)["api"] == "pass")
    }

    @Test func mergeRootAndBinaryOnlyCommitsAreHandled() throws {
        let repo = try Self.project()
        // Binary-only optimization: passes the hook (one file, no symbols).
        try FileManager.default.createDirectory(atPath: repo.root + "/pkg/data", withIntermediateDirectories: true)
        try Data([0, 1, 2, 0, 255, 0]).write(to: URL(fileURLWithPath: repo.root + "/pkg/data/table.bin"))
        try repo.git("add", "-A")
        let binary = try repo.run("/usr/bin/env", ["git", "commit", "-q", "-m", "perf: ship a precomputed table"], in: repo.root, check: false)
        #expect(binary.status == 0, "\(binary.stderr)")
        // A merge.
        try repo.git("checkout", "-q", "-b", "side", "HEAD~1")
        try repo.write("docs.txt", "docs\n")
        try repo.commit("docs: add docs")
        try repo.git("checkout", "-q", "main")
        try repo.git("merge", "-q", "--no-ff", "-m", "Merge branch side", "side")
        let root = try repo.git("rev-list", "--max-parents=0", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let (status, json) = try Self.check(repo, "\(root)~0")
        #expect(status == 0, "\(json)")
        let all = try Self.check(repo, "HEAD~3..HEAD").json
        let kinds = (all["commits"] as? [[String: Any]] ?? []).map { $0["kind"] as? String ?? "" }
        #expect(kinds.contains("merge") && kinds.contains("optimization") && kinds.contains("support"), "\(kinds)")
        let rootOnly = try repo.perfjournal("check", root)
        #expect(rootOnly.status == 0, "\(rootOnly.stderr)")
    }

    /// `check --json` on a scripted history, byte for byte (fixed dates and machine make hashes stable).
    @Test func checkJSONIsGolden() throws {
        let repo = try Self.project(fixedDates: true)
        try repo.write("pkg/headers.py", Self.headers.replacingOccurrences(of: ".lower()", with: ".casefold()"))
        try repo.commit("perf: casefold header names")
        try Self.record(repo, "HEAD", median: 0.007, seed: 6)
        try repo.write("pkg/headers.py", try repo.read("pkg/headers.py").replacingOccurrences(of: "def load(lines):", with: "def load_all(lines):"))
        try repo.write("pkg/checksum.py", Self.checksum.replacingOccurrences(of: "% 65521", with: "& 0xFFFF"))
        try repo.git("add", "-A")
        try repo.git("commit", "-q", "--no-verify", "-m", "perf: rename load and tweak checksum")
        try repo.write("README.md", "# pkg\n")
        try repo.commit("docs: readme")
        let result = try repo.perfjournal("check", "HEAD~3..HEAD", "--json")
        #expect(result.status == 1)
        try Snapshot.expect(result.stdout, matches: "check.json")
    }

    /// Any other language names an api_command; its output at parent and commit, recorded by a trusted
    /// run, is diffed. Judging never runs it: before the run the rule is unknown and says how to get it.
    @Test func apiCommandSurfaceIsDiffed() throws {
        let repo = try TestRepository()
        let results = repo.sibling("results.json")
        try SyntheticResults.pytestBenchmark(medians: ["bench/test_lib.py::test_add": 0.010], seed: 1)
            .write(toFile: results, atomically: true, encoding: .utf8)
        try repo.write(
            ".perfjournal.toml",
            "[bench]\ncommand = \"cp '\(results)' out.json\"\nresults = \"out.json\"\n\n[rules]\napi_command = \"grep '^int ' include/lib.h\"\n")
        try repo.write("include/lib.h", "int add(int a, int b);\nint sub(int a, int b);\n")
        try repo.commit("Initial")
        try repo.write("include/lib.h", "int add(int a, int b);\n")
        // The API rule holds optimizations (mode "perf").
        try repo.commit("perf: drop sub")
        func apiRule() throws -> [String: String]? {
            let json = try Self.check(repo, "HEAD").json
            return ((json["commits"] as? [[String: Any]])?.first?["rules"] as? [String: [String: String]])?["api"]
        }
        let unknown = try apiRule()
        #expect(unknown?["status"] == "unknown", "\(String(describing: unknown))")
        #expect(unknown?["reason"]?.contains("perfjournal run") == true)

        #expect(try repo.perfjournal("run").status == 10, "a hand-written config is not trusted")
        #expect(try repo.perfjournal("trust").status == 0)
        let run = try repo.perfjournal("run")
        #expect(run.status == 0, "\(run.stderr)")
        let api = try apiRule()
        #expect(api?["status"] == "fail", "\(String(describing: api))")
        #expect(api?["reason"]?.contains("int sub(int a, int b);") == true)
    }

    /// With rules.mode = "all" every commit is an optimization, so the hook must look at a plain subject too.
    @Test func modeAllHoldsEveryCommitToTheRules() throws {
        let repo = try Self.project(baseline: false)
        try repo.write(".perfjournal.toml", try repo.read(".perfjournal.toml").replacingOccurrences(of: "mode = \"perf\"", with: "mode = \"all\""))
        #expect(try repo.read(".perfjournal.toml").contains("mode = \"all\""))
        try repo.git("add", "-A")
        let refused = try repo.run("/usr/bin/env", ["git", "commit", "-q", "-m", "Tidy the config"], in: repo.root, check: false)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("no baseline"), "\(refused.stderr)")
    }
}
