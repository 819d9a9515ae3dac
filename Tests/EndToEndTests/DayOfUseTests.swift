import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 15, "a day of real use": each test reproduces what was observed, through the real binary and
/// real `git commit` (hooks installed) in a temporary repository.
@Suite struct DayOfUseTests {
    /// RulesTests' package with a recorded baseline, and no daemon racing with the test.
    static func project() throws -> TestRepository {
        let repo = try RulesTests.project()
        let config = try repo.read(".perfjournal.toml")
        try repo.write(".perfjournal.toml", config.replacingOccurrences(of: "autostart = true", with: "autostart = false"))
        try #require(try repo.perfjournal("trust").status == 0)
        try repo.commit("chore: no daemon")
        return repo
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text)")
    }

    static func rule(_ json: [String: Any], _ name: String, commit index: Int = 0) -> (status: String, reason: String) {
        let commits = json["commits"] as? [[String: Any]] ?? []
        let rule = (commits[index]["rules"] as? [String: [String: String]])?[name] ?? [:]
        return (rule["status"] ?? "", rule["reason"] ?? "")
    }

    /// A perf commit that changes the checksum module (one focused change).
    static func optimize(_ repo: TestRepository, _ step: Int) throws {
        try repo.write("pkg/checksum.py", RulesTests.checksum + "\n# step \(step)\n")
        try repo.commit("perf: checksum step \(step)")
    }

    // MARK: 1. An amend that changes code must not pool the old tree's run

    @Test func amendedCodeDoesNotInheritTheOldRun() throws {
        let repo = try Self.project()
        try Self.optimize(repo, 1)
        try RulesTests.record(repo, "HEAD", median: 0.008, seed: 2, tests: "failed")
        let old = try repo.head()
        #expect(Self.rule(try RulesTests.check(repo, "HEAD").json, "tests").status == "fail")

        // `git commit -a --amend` with a code change: git copies the note (notes.rewriteRef).
        try repo.write("pkg/checksum.py", RulesTests.checksum + "\n# step 1, fixed\n")
        try repo.git("commit", "-q", "-a", "--amend", "--no-edit")
        let copied = try repo.git("notes", "--ref=perfjournal", "show", "HEAD")
        #expect(copied.stdout.contains(old), "git copied the old run: the situation of the issue")

        // The copied run is history: no verdict, no failed tests, "no run yet".
        let (_, json) = try RulesTests.check(repo, "HEAD")
        #expect(Self.rule(json, "tests") == ("unknown", "no run yet"))
        #expect(Self.rule(json, "improvement") == ("unknown", "no run yet"))
        let show = try repo.perfjournal("show", "HEAD")
        #expect(show.status == 11, "\(show.stdout)")
        #expect(show.stdout.contains("copied from \(old.prefix(7)), an earlier version of this code; not counted"), "\(show.stdout)")
        let status = try Self.json(try repo.perfjournal("status", "--json").stdout)
        #expect((status["unmeasured"] as? [String])?.contains(try repo.head()) == true)

        // Its own run counts, alone: tests pass although the copied run's failed.
        try RulesTests.record(repo, "HEAD", median: 0.008, seed: 3, tests: "passed")
        let (status2, json2) = try RulesTests.check(repo, "HEAD")
        #expect(status2 == 0, "\(json2)")
        #expect(Self.rule(json2, "tests").status == "pass")
        #expect(try repo.perfjournal("show", "HEAD").status == 0)
    }

    // MARK: 2. A crashing benchmark must not pass CI

    @Test func crashingBenchmarkFailsCheck() throws {
        let repo = try Self.project()
        var config = try repo.read(".perfjournal.toml")
        config = config.replacingOccurrences(
            of: "command = \"true\"", with: "command = \"echo AttributeError: no attribute >&2; exit 1\"", options: [],
            range: config.range(of: "command = \"true\""))
        try repo.write(".perfjournal.toml", config)
        try #require(try repo.perfjournal("trust").status == 0)
        try repo.commit("chore: the real bench command")
        try RulesTests.record(repo, "HEAD", median: 0.010, seed: 1, baseline: true)
        try Self.optimize(repo, 1)

        let run = try repo.perfjournal("run")
        #expect(run.status == 6, "\(run.stderr)")
        let (status, json) = try RulesTests.check(repo, "HEAD")
        #expect(status == 1, "\(json)")
        let tests = Self.rule(json, "tests"), improvement = Self.rule(json, "improvement")
        #expect(tests.status == "fail" && improvement.status == "fail", "\(json)")
        #expect(tests.reason.contains("exited with status 1") && tests.reason.contains("/perfjournal/logs/"), "\(tests.reason)")
        let logPath = try #require(tests.reason.components(separatedBy: "log: ").last)
        #expect(try String(contentsOfFile: logPath, encoding: .utf8).contains("AttributeError"))
        let human = try repo.perfjournal("check", "HEAD")
        #expect(!human.stdout.contains("all rules pass"), "\(human.stdout)")

        // No run at all: unknown by default, a failure with --require-runs (or rules.require_runs).
        try Self.optimize(repo, 2)
        #expect(try repo.perfjournal("check", "HEAD").status == 0)
        let required = try repo.perfjournal("check", "HEAD", "--require-runs", "--json")
        #expect(required.status == 1)
        #expect(Self.rule(try Self.json(required.stdout), "tests").reason.hasPrefix("no run yet"))
        let withKey = try repo.read(".perfjournal.toml").replacingOccurrences(of: "require_runs = false", with: "require_runs = true")
        try #require(withKey.contains("require_runs = true"))
        try repo.write(".perfjournal.toml", withKey)
        let keyed = try repo.perfjournal("check", "HEAD")
        #expect(keyed.status == 1, "\(keyed.stderr)")
    }

    // MARK: 3. A second baseline must not silently restart the journal

    @Test func secondBaselineSaysWhatItReplacesAndCanBeUndone() throws {
        let repo = try Self.project()
        let medians = [0.009, 0.008, 0.007]
        for (i, median) in medians.enumerated() {
            try Self.optimize(repo, i + 1)
            try RulesTests.record(repo, "HEAD", median: median, seed: UInt64(10 + i))
        }
        #expect(try Self.json(try repo.perfjournal("log", "--json").stdout)["entries"].map { ($0 as? [Any])?.count } == 3)

        let file = repo.sibling("new-baseline.json")
        try SyntheticResults.pytestBenchmark(medians: ["bench/test_h.py::test_load": 0.008], seed: 20).write(toFile: file, atomically: true, encoding: .utf8)
        let refused = try repo.perfjournal("baseline", "HEAD~1", "--results", file)
        #expect(refused.status == 64, "\(refused.stderr)")
        #expect(refused.stderr.contains("2 optimizations") && refused.stderr.contains("--force"), "\(refused.stderr)")

        let forced = try repo.perfjournal("baseline", "HEAD~1", "--results", file, "--force")
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(forced.stderr.contains("replaces the baseline at"), "\(forced.stderr)")
        let log = try repo.perfjournal("log").stdout
        #expect(log.contains("## Before the new baseline"), "\(log)")
        #expect(log.contains("perf: checksum step 1") || log.contains("checksum step 1"))
        let model = try Self.json(try repo.perfjournal("log", "--json").stdout)
        #expect((model["entries"] as? [Any])?.count == 1)
        #expect((model["earlier"] as? [Any])?.count == 2)

        let dropped = try repo.perfjournal("baseline", "--drop", "HEAD~1")
        #expect(dropped.status == 0, "\(dropped.stderr)")
        let again = try Self.json(try repo.perfjournal("log", "--json").stdout)
        #expect((again["entries"] as? [Any])?.count == 3)
        #expect(again["earlier"] == nil)
    }

    // MARK: 4. The log's shares add up

    @Test func logSharesAddUp() throws {
        let repo = try Self.project()
        for (i, median) in [0.0088, 0.0077, 0.0080].enumerated() {
            try Self.optimize(repo, i + 1)
            try RulesTests.record(repo, "HEAD", median: median, seed: UInt64(30 + i))
        }
        let model = try Self.json(try repo.perfjournal("log", "--json").stdout)
        let summary = try #require(model["summary"] as? [String: Any])
        let shares = try #require(summary["entry_shares"] as? [[String: Any]]).compactMap { $0["share"] as? Double }
        #expect(shares.count == 3)
        #expect(abs(shares.reduce(0, +) - 1) < 1e-9, "\(shares)")
        #expect(shares[2] < 0, "the regression worked against the total: \(shares)")
        #expect(try repo.perfjournal("log").stdout.contains("the shares add up to 100%"))
    }

    // MARK: 5. pr-summary's checklist honours the range

    @Test func prSummaryChecklistHonoursTheRange() throws {
        let repo = try Self.project()
        for i in 1...3 {
            try Self.optimize(repo, i)
            // Not beyond noise: each fails the improvement rule.
            try RulesTests.record(repo, "HEAD", median: 0.010, seed: UInt64(40 + i))
        }
        let summary = try Self.json(try repo.perfjournal("pr-summary", "--base", "HEAD~1", "--head", "HEAD", "--format", "json").stdout)
        #expect((summary["entries"] as? [Any])?.count == 1)
        let items = try #require((summary["checklist"] as? [String: Any])?["items"] as? [[String: Any]])
        let improvement = try #require(items.first { $0["key"] as? String == "improvement" })
        #expect(improvement["summary"] as? String == "1 of 1 optimization fail", "\(improvement)")
        let head = try repo.head()
        for evidence in improvement["evidence"] as? [[String: Any]] ?? [] { #expect(evidence["commit"] as? String == head) }

        let reversed = try repo.perfjournal("pr-summary", "--base", "HEAD", "--head", "HEAD~3")
        #expect(reversed.status == 64, "\(reversed.stdout)")
        #expect(reversed.stderr.contains("not an ancestor"), "\(reversed.stderr)")
    }

    // MARK: 6. The api rule holds optimizations only in mode "perf"

    @Test func apiRuleLeavesSupportCommitsAlone() throws {
        let repo = try Self.project()
        try repo.write("pkg/headers.py", RulesTests.headers.replacingOccurrences(of: "def load(", with: "def load_all("))
        try repo.commit("refactor: rename load")
        let (status, json) = try RulesTests.check(repo, "HEAD")
        #expect(status == 0, "\(json)")
        #expect(Self.rule(json, "api").status == "unknown")
        #expect(Self.rule(json, "api").reason == "not an optimization commit")
    }

    // MARK: 8. Ctrl-C kills the benchmark's process group

    @Test func interruptKillsTheBenchmarkAndStoresNothing() throws {
        let repo = try JournalLoopTests.initialised()
        let pidFile = repo.sibling("bench.pid")
        var config = try repo.read(".perfjournal.toml")
        let bench = try #require(config.split(separator: "\n").first { $0.hasPrefix("command = \"cp ") })
        config = config.replacingOccurrences(of: String(bench), with: "command = \"sleep 300 & echo $! > '\(pidFile)'; wait\"")
        try repo.write(".perfjournal.toml", config)
        try #require(try repo.perfjournal("trust").status == 0)
        try repo.commit("chore: a slow benchmark")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestRepository.binary)
        process.arguments = ["run", "HEAD"]
        process.currentDirectoryURL = URL(fileURLWithPath: repo.root)
        process.environment = repo.environment
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        try DaemonTests.waitUntil("the benchmark started") {
            ((try? String(contentsOfFile: pidFile, encoding: .utf8)) ?? "").hasSuffix("\n")
        }
        let sleeper = try #require(Int32((try String(contentsOfFile: pidFile, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)))
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 130)
        #expect(stderr.contains("interrupted: nothing stored"), "\(stderr)")
        try DaemonTests.waitUntil("the benchmark's child is gone", seconds: 10) { !Self.alive(sleeper) }
        #expect(try repo.git("notes", "--ref=perfjournal", "show", "HEAD", check: false).status != 0)
    }

    /// Running (a zombie waiting for a reaper does not count).
    static func alive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        guard let close = stat.lastIndex(of: ")") else { return true }
        return !stat[close...].dropFirst(2).hasPrefix("Z")
    }

    // MARK: 10. Notes store the log path relative to the git dir

    @Test func notesStoreARelativeLogPath() throws {
        let repo = try JournalLoopTests.initialised(baseline: true)
        let runs = try DaemonTests.runs(repo, "HEAD")
        let log = try #require(runs.first?["log"] as? String)
        #expect(log.hasPrefix("perfjournal/logs/"), "\(log)")
        #expect(FileManager.default.fileExists(atPath: repo.root + "/.git/" + log))
        let show = try repo.perfjournal("show", "HEAD")
        #expect(show.stdout.contains("log:     " + repo.root + "/.git/" + log), "\(show.stdout)")
        // In a clone without the file, no log line.
        let clone = repo.sibling("clone")
        try repo.git("clone", "-q", repo.root, clone)
        try repo.git("fetch", "-q", "origin", "refs/notes/perfjournal:refs/notes/perfjournal", in: clone)
        let elsewhere = try repo.perfjournal("show", "HEAD", in: clone)
        #expect(!elsewhere.stdout.contains("log:"), "\(elsewhere.stdout)")
    }
}
