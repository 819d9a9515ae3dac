import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The watcher daemon through the real binary and real git: hooks, rebases, SIGKILL, trust, one daemon.
/// Every test stops its daemon; conditions are waited for with bounded polling, never fixed sleeps.
@Suite struct DaemonTests {
    static let pytestRun = TestRepository.fixtures + "/pytest-benchmark/run.json"

    /// A repository with a baseline, perfjournal initialised with a bench command that copies a real
    /// result file and counts its invocations in a file outside the repository.
    static func measuredRepository(sleep: String = "0", autostart: Bool = true) throws -> (TestRepository, counter: String) {
        let repo = try TestRepository()
        let counter = repo.sibling("bench-count")
        try repo.write("src/app.py", "def f():\n    return 1\n")
        try repo.commit("Initial version")
        let bench = "cp '\(pytestRun)' out.json; echo run >> '\(counter)'; sleep \(sleep)"
        let result = try repo.perfjournal("init", "--bench", bench, "--results", "out.json", "--format", "pytest-benchmark", "--test", "")
        try #require(result.status == 0, "\(result.stderr)")
        if !autostart {
            try repo.write(".perfjournal.toml", try repo.read(".perfjournal.toml").replacingOccurrences(of: "autostart = true", with: "autostart = false"))
            try #require(try repo.perfjournal("trust").status == 0)
        }
        try repo.commit("Add perfjournal config")
        let baseline = try repo.perfjournal("baseline", "--results", pytestRun)
        try #require(baseline.status == 0, "\(baseline.stderr)")
        return (repo, counter)
    }

    static func stopDaemon(_ repo: TestRepository) {
        _ = try? repo.perfjournal("daemon", "stop")
    }

    /// Polls `condition` every 50 ms for up to `seconds`; fails the test with `what` if it never holds.
    static func waitUntil(_ what: String, seconds: Double = 60, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return }
            usleep(50_000)
        }
        throw TestFailure("timed out waiting until \(what)")
    }

    static func runs(_ repo: TestRepository, _ commit: String) throws -> [[String: Any]] {
        let shown = try repo.git("notes", "--ref=perfjournal", "show", commit, check: false)
        guard shown.status == 0 else { return [] }
        let note = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        return try #require(note["runs"] as? [[String: Any]])
    }

    static func tree(_ repo: TestRepository, _ commit: String) throws -> String {
        try repo.git("rev-parse", commit + "^{tree}").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs made on the commit's own tree (not copies of another tree's run that git carried over).
    static func ownRuns(_ repo: TestRepository, _ commit: String) throws -> [[String: Any]] {
        let tree = try tree(repo, commit)
        return try runs(repo, commit).filter { $0["tree"] as? String == tree }
    }

    static func benchCount(_ counter: String) -> Int {
        ((try? String(contentsOfFile: counter, encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    static func status(_ repo: TestRepository) throws -> [String: Any] {
        let result = try repo.perfjournal("status", "--json")
        try #require(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    static func queueDrained(_ repo: TestRepository) throws -> Bool {
        let queue = try #require(try status(repo)["queue"] as? [String: Any])
        return (queue["pending"] as? [Any])?.isEmpty == true && queue["running"] == nil
    }

    static func revList(_ repo: TestRepository, _ range: String) throws -> [String] {
        try repo.git("rev-list", "--reverse", range).stdout.split(separator: "\n").map(String.init)
    }

    static func queueFiles(_ repo: TestRepository, suffix: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: repo.root + "/.git/perfjournal/queue")) ?? []).filter { $0.hasSuffix(suffix) }
    }

    /// Real commits, a daemon the hook autostarts (a dead socket file left by an earlier daemon does not
    /// stop it): every commit gets exactly one run, and status shows the daemon.
    @Test func realCommitsGetTheirNotes() throws {
        let (repo, _) = try Self.measuredRepository()
        defer { Self.stopDaemon(repo) }
        let socketPath = try #require((try Self.status(repo)["daemon"] as? [String: Any])?["socket"] as? String)
        try Self.leaveDeadSocket(at: socketPath, repo: repo)
        var commits: [String] = []
        for i in 2...4 {
            try repo.write("src/app.py", "def f():\n    return \(i)\n")
            try repo.commit("perf: step \(i)")
            commits.append(try repo.head())
        }
        try Self.waitUntil("every commit has its run") { try commits.allSatisfy { try Self.runs(repo, $0).count == 1 } }
        try Self.waitUntil("the queue drains") { try Self.queueDrained(repo) }
        for commit in commits { #expect(try Self.runs(repo, commit).count == 1) }
        let daemon = try #require(try Self.status(repo)["daemon"] as? [String: Any])
        #expect(daemon["running"] as? Bool == true)
        #expect(try repo.git("fsck", "--no-progress").status == 0)
        let human = try repo.perfjournal("status").stdout
        #expect(human.contains("daemon    running"))
    }

    /// A socket file nobody listens on, as a SIGKILLed daemon leaves it.
    static func leaveDeadSocket(at path: String, repo: TestRepository) throws {
        try repo.run(
            "/usr/bin/env",
            [
                "python3", "-c",
                "import os,socket,sys; os.makedirs(os.path.dirname(sys.argv[1]), mode=0o700, exist_ok=True); s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])",
                path,
            ], in: repo.root, check: true)
    }

    /// No daemon (autostart off), a dead socket file and a stale pid file left behind: the hook still
    /// returns, the job is on disk, and `run --pending` measures it.
    @Test func hookWithoutDaemonLosesNothing() throws {
        let (repo, _) = try Self.measuredRepository(autostart: false)
        defer { Self.stopDaemon(repo) }
        let socketPath = try #require((try Self.status(repo)["daemon"] as? [String: Any])?["socket"] as? String)
        try Self.leaveDeadSocket(at: socketPath, repo: repo)
        try "999999\n".write(toFile: repo.root + "/.git/perfjournal/daemon.pid", atomically: true, encoding: .utf8)
        try repo.write("src/app.py", "def f():\n    return 5\n")
        let commit = try repo.commit("perf: queued without a daemon")
        #expect(commit.status == 0)
        let head = try repo.head()
        // The hook's job is the bare commit hash (the config commit's job from before the baseline waits too).
        let bodies = try Self.queueFiles(repo, suffix: ".job").map {
            try String(contentsOfFile: repo.root + "/.git/perfjournal/queue/" + $0, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(bodies.filter { $0 == head }.count == 1)
        #expect(try Self.status(repo)["daemon"].flatMap { ($0 as? [String: Any])?["running"] as? Bool } == false)
        let pending = try repo.perfjournal("run", "--pending")
        #expect(pending.status == 0, "\(pending.stderr)")
        #expect(try Self.runs(repo, head).count == 1)
        #expect(Self.queueFiles(repo, suffix: ".job").isEmpty)
    }

    /// Three measured commits reworded by an interactive rebase: no bench runs, each new commit carries
    /// exactly one run of its (unchanged) tree. Then a rebase onto changed code: new runs.
    @Test func rebaseReusesRunsOnlyWhenTheCodeIsTheSame() throws {
        let (repo, counter) = try Self.measuredRepository()
        defer { Self.stopDaemon(repo) }
        for i in 1...3 {
            try repo.write("src/m\(i).py", "x = \(i)\n")
            try repo.commit("perf: m\(i)")
        }
        let measured = try Self.revList(repo, "HEAD~3..HEAD")
        try Self.waitUntil("the three commits are measured") { try measured.allSatisfy { try Self.runs(repo, $0).count == 1 } }
        try Self.waitUntil("the queue drains") { try Self.queueDrained(repo) }
        let benchRuns = Self.benchCount(counter)

        try repo.git(
            "-c", "sequence.editor=sed -i -e s/^pick/reword/", "-c", "core.editor=sed -i -e 1s/^/Reworded:\\ /",
            "rebase", "-q", "-i", "HEAD~3")
        let reworded = try Self.revList(repo, "HEAD~3..HEAD")
        #expect(Set(reworded).isDisjoint(with: measured))
        #expect(try repo.git("log", "-1", "--format=%s").stdout.hasPrefix("Reworded:"))
        try Self.waitUntil("the reworded commits carry their runs") { try reworded.allSatisfy { try Self.ownRuns(repo, $0).count == 1 } }
        try Self.waitUntil("the queue drains") { try Self.queueDrained(repo) }
        for commit in reworded { #expect(try Self.runs(repo, commit).count == 1) }
        #expect(Self.benchCount(counter) == benchRuns)

        // Now the same three commits on top of a change to other code: their trees change.
        try repo.git("checkout", "-q", "-b", "side", "HEAD~3")
        try repo.write("src/other.py", "y = 1\n")
        try repo.commit("Other change")
        try repo.git("checkout", "-q", "main")
        try repo.git("rebase", "-q", "side")
        let rebased = try Self.revList(repo, "HEAD~3..HEAD")
        try Self.waitUntil("the rebased commits are measured again") { try rebased.allSatisfy { try Self.ownRuns(repo, $0).count == 1 } }
        try Self.waitUntil("the queue drains") { try Self.queueDrained(repo) }
        for commit in rebased {
            let own = try Self.ownRuns(repo, commit)
            #expect(own.count == 1)
            #expect(own.first?["commit"] as? String == commit)  // measured here, not copied
        }
        #expect(Self.benchCount(counter) >= benchRuns + 3)
        #expect(try repo.git("fsck", "--no-progress").status == 0)
    }

    /// SIGKILL at random (seeded) moments over many jobs; after a final clean run every queued commit has
    /// exactly one complete run, nothing is left in the queue, and git fsck is clean.
    @Test func sigkillAtAnyMomentLosesAndDuplicatesNothing() throws {
        let (repo, _) = try Self.measuredRepository(sleep: "0.05", autostart: false)
        var commits: [String] = []
        for i in 1...12 {
            try repo.write("src/k.py", "k = \(i)\n")
            try repo.commit("perf: k\(i)")
            commits.append(try repo.head())
        }
        // 12 jobs, and the config commit's from before the baseline (it has its run: dropped when reached).
        #expect(Self.queueFiles(repo, suffix: ".job").count == 13)
        var generator = SeededGenerator(seed: 20261129)
        for _ in 0..<15 {
            let daemon = try Self.launchForegroundDaemon(repo)
            usleep(UInt32.random(in: 20_000...600_000, using: &generator))
            kill(daemon.processIdentifier, SIGKILL)
            daemon.waitUntilExit()
            if try commits.allSatisfy({ try !Self.runs(repo, $0).isEmpty }) { break }
        }
        let final = try Self.launchForegroundDaemon(repo)
        defer { if final.isRunning { kill(final.processIdentifier, SIGTERM); final.waitUntilExit() } }
        try Self.waitUntil("every queued commit has a run") { try commits.allSatisfy { try !Self.runs(repo, $0).isEmpty } }
        try Self.waitUntil("the queue is empty") { Self.queueFiles(repo, suffix: ".job").isEmpty && Self.queueFiles(repo, suffix: ".running").isEmpty }
        kill(final.processIdentifier, SIGTERM)
        final.waitUntilExit()
        #expect(final.terminationStatus == 0)
        for commit in commits {
            let runs = try Self.runs(repo, commit)
            #expect(runs.count == 1, "\(commit) has \(runs.count) runs")
            #expect((runs.first?["results"] as? [Any])?.count == 4)
        }
        #expect(try repo.git("fsck", "--no-progress", "--strict").status == 0)
        #expect(Self.queueFiles(repo, suffix: ".job").isEmpty)
    }

    /// SIGTERM while a job runs: the benchmark is killed, the job goes back to the queue, exit 0.
    @Test func sigtermRequeuesTheRunningJob() throws {
        let (repo, _) = try Self.measuredRepository(sleep: "60", autostart: false)
        try repo.write("src/app.py", "def f():\n    return 9\n")
        try repo.commit("perf: slow")
        let daemon = try Self.launchForegroundDaemon(repo)
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL); daemon.waitUntilExit() } }
        try Self.waitUntil("the job runs") { !Self.queueFiles(repo, suffix: ".running").isEmpty }
        let running = try #require(try Self.status(repo)["queue"] as? [String: Any])["running"] as? [String: Any]
        #expect(running?["commit"] as? String == (try repo.head()))
        kill(daemon.processIdentifier, SIGTERM)
        try Self.waitUntil("the daemon exits") { !daemon.isRunning }
        #expect(daemon.terminationStatus == 0)
        #expect(Self.queueFiles(repo, suffix: ".job").count == 1)
        #expect(Self.queueFiles(repo, suffix: ".running").isEmpty)
        #expect(try Self.runs(repo, try repo.head()).isEmpty)
    }

    /// A config changed after it was approved (as by a pull) pauses the queue; status says why and how
    /// to approve; `perfjournal trust` resumes it.
    @Test func untrustedConfigChangePausesTheQueue() throws {
        let (repo, _) = try Self.measuredRepository()
        defer { Self.stopDaemon(repo) }
        #expect(try repo.perfjournal("daemon", "start").status == 0)
        try repo.write(".perfjournal.toml", try repo.read(".perfjournal.toml").replacingOccurrences(of: "timeout = 1800", with: "timeout = 1700"))
        try repo.write("src/app.py", "def f():\n    return 7\n")
        try repo.commit("perf: with a changed config")
        let head = try repo.head()
        try Self.waitUntil("the daemon reports the pause") {
            let daemon = try Self.status(repo)["daemon"] as? [String: Any]
            return daemon?["state"] as? String == "paused"
        }
        let queue = try #require(try Self.status(repo)["queue"] as? [String: Any])
        #expect((queue["paused"] as? String)?.contains("perfjournal trust") == true)
        #expect((queue["pending"] as? [[String: Any]])?.contains { $0["commit"] as? String == head } == true)
        #expect(try Self.runs(repo, head).isEmpty)
        #expect(try repo.perfjournal("status").stdout.contains("paused"))
        #expect(try repo.perfjournal("run", "--pending").status == 10)

        #expect(try repo.perfjournal("trust").status == 0)
        try Self.waitUntil("the commit is measured") { try Self.runs(repo, head).count == 1 }
    }

    /// Two `daemon start`s at once: one daemon.
    @Test func twoStartsGiveOneDaemon() throws {
        let (repo, _) = try Self.measuredRepository(autostart: false)
        defer { Self.stopDaemon(repo) }
        // Both launched before either waits, so they race.
        let starts = try [Self.launch(repo, ["daemon", "start"]), Self.launch(repo, ["daemon", "start"])]
        for p in starts { p.waitUntilExit(); #expect(p.terminationStatus == 0) }
        try Self.waitUntil("exactly one daemon runs") { Self.daemonProcesses(repo).count == 1 }
        let again = try repo.perfjournal("daemon", "start")
        #expect(again.stdout.contains("already running"))
        let status = try repo.perfjournal("daemon", "status", "--json")
        let pid = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])["pid"] as? Int
        #expect(Self.daemonProcesses(repo) == [Int32(pid ?? -1)])
        #expect(try repo.perfjournal("daemon", "stop").status == 0)
        #expect(Self.daemonProcesses(repo).isEmpty)
    }

    /// Processes running `perfjournal daemon run -C <this repo>`.
    static func daemonProcesses(_ repo: TestRepository) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            let args = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return args.count >= 5 && args[1] == "daemon" && args[2] == "run" && (args.last ?? "").contains((repo.root as NSString).lastPathComponent)
                && (args.last ?? "").contains(repo.sibling(""))
        }
    }

    /// A watched branch deleted under the daemon: it says so and carries on, measuring the next commit.
    @Test func deletedBranchIsLoggedAndTheDaemonCarriesOn() throws {
        let (repo, _) = try Self.measuredRepository(autostart: false)
        try repo.write(
            ".perfjournal.toml", try repo.read(".perfjournal.toml").replacingOccurrences(of: "branches = [\"main\"]", with: "branches = [\"main\", \"topic\"]"))
        #expect(try repo.read(".perfjournal.toml").contains("\"topic\""))
        #expect(try repo.perfjournal("trust").status == 0)
        try repo.commit("Watch topic too")
        try repo.git("branch", "topic")
        // In the foreground the daemon logs to stderr: keep it in a file to read.
        let logPath = repo.sibling("daemon-stderr.log")
        let daemon = try Self.launchForegroundDaemon(repo, logPath: logPath)
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGTERM); daemon.waitUntilExit() } }
        try Self.waitUntil("the daemon is up") { (try Self.status(repo)["daemon"] as? [String: Any])?["running"] as? Bool == true }
        try repo.git("branch", "-D", "topic")
        try repo.write("src/app.py", "def f():\n    return 11\n")
        try repo.commit("perf: after the branch is gone")
        let head = try repo.head()
        try Self.waitUntil("the new commit is measured") { try Self.runs(repo, head).count == 1 }
        #expect(daemon.isRunning)
        try Self.waitUntil("the daemon logs the deleted branch") {
            ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").contains("topic")
        }
    }

    /// With log.auto_write the daemon regenerates the progress log in the work tree after a run; it
    /// never commits it.
    @Test func daemonKeepsTheLogCurrentWhenAsked() throws {
        let (repo, _) = try Self.measuredRepository(autostart: false)
        try repo.write(".perfjournal.toml", try repo.read(".perfjournal.toml").replacingOccurrences(of: "auto_write = false", with: "auto_write = true"))
        #expect(try repo.read(".perfjournal.toml").contains("auto_write = true"))
        #expect(try repo.perfjournal("trust").status == 0)
        try repo.commit("Keep the log current")
        let daemon = try Self.launchForegroundDaemon(repo)
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGTERM); daemon.waitUntilExit() } }
        try repo.write("src/app.py", "def f():\n    return 12\n")
        try repo.commit("perf: return twelve")
        let head = try repo.head()
        try Self.waitUntil("the commit is measured") { try Self.runs(repo, head).count == 1 }
        // The log may first be written after the config commit's run, naming this one unmeasured; the
        // rewrite after this commit's run is the one to wait for.
        try Self.waitUntil("the log shows the new optimization measured") {
            let log = (try? repo.read("PERFORMANCE.md")) ?? ""
            return log.contains("return twelve") && !log.contains("no run yet")
        }
        #expect(try repo.head() == head)  // nothing committed on the user's behalf
        #expect(try repo.git("status", "--porcelain").stdout.contains("PERFORMANCE.md"))
    }

    /// The repository deleted under a running daemon: it notices and exits cleanly.
    @Test func repositoryDeletedUnderTheDaemonEndsIt() throws {
        let (repo, _) = try Self.measuredRepository(autostart: false)
        let daemon = try Self.launchForegroundDaemon(repo)
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL); daemon.waitUntilExit() } }
        try Self.waitUntil("the daemon is up") { (try Self.status(repo)["daemon"] as? [String: Any])?["running"] as? Bool == true }
        try FileManager.default.removeItem(atPath: repo.root)
        try Self.waitUntil("the daemon exits") { !daemon.isRunning }
        #expect(daemon.terminationStatus == 0)
    }

    /// `daemon run` in the foreground; its log (stderr) goes to `logPath` when given.
    static func launchForegroundDaemon(_ repo: TestRepository, logPath: String? = nil) throws -> Process {
        try launch(repo, ["daemon", "run"], logPath: logPath)
    }

    /// Starts the binary with `arguments` in the repository without waiting for it; stderr goes to
    /// `logPath` when given.
    static func launch(_ repo: TestRepository, _ arguments: [String], logPath: String? = nil) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: TestRepository.binary)
        p.arguments = arguments
        p.currentDirectoryURL = URL(fileURLWithPath: repo.root)
        p.environment = repo.environment
        p.standardOutput = FileHandle.nullDevice
        if let logPath {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
            p.standardError = FileHandle(forWritingAtPath: logPath)
        } else {
            p.standardError = FileHandle.nullDevice
        }
        try p.run()
        return p
    }
}
