import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 14, sections 4, 6 and 7: a config error is never swallowed, init leaves git nothing to warn
/// about, and every path the config names stays inside the repository.
@Suite struct ConfigErrorTests {
    /// A repository set up by `init` (hooks installed, no autostart) with a config commit.
    static func initialised(bench: String = "true") throws -> TestRepository {
        let repo = try TestRepository()
        try repo.write("src/app.py", "def f():\n    return 1\n")
        try repo.commit("Initial version")
        let result = try repo.perfjournal("init", "--bench", bench, "--results", "out.json", "--format", "pytest-benchmark", "--test", "")
        try #require(result.status == 0, "\(result.stderr)")
        try repo.write(".perfjournal.toml", try repo.read(".perfjournal.toml").replacingOccurrences(of: "autostart = true", with: "autostart = false"))
        try #require(try repo.perfjournal("trust").status == 0)
        try repo.commit("Add perfjournal config")
        return repo
    }

    static func breakConfig(_ repo: TestRepository) throws {
        // A typo in a key: line 5 of the file init wrote is inside [bench].
        try repo.write(".perfjournal.toml", try repo.read(".perfjournal.toml").replacingOccurrences(of: "timeout = 1800\n", with: "timeuot = 1800\n"))
    }

    static func line(of needle: String, in repo: TestRepository) throws -> Int {
        let lines = try repo.read(".perfjournal.toml").split(separator: "\n", omittingEmptySubsequences: false)
        return try #require(lines.firstIndex { $0.contains(needle) }) + 1
    }

    @Test func compareRefusesABrokenConfigInsteadOfUsingDefaults() throws {
        let repo = try Self.initialised()
        let a = repo.sibling("a.json"), b = repo.sibling("b.json")
        try SyntheticResults.pytestBenchmark(medians: ["t::x": 0.010], seed: 1).write(toFile: a, atomically: true, encoding: .utf8)
        try SyntheticResults.pytestBenchmark(medians: ["t::x": 0.010], seed: 2).write(toFile: b, atomically: true, encoding: .utf8)
        #expect(try repo.perfjournal("compare", a, b).status == 0)
        try Self.breakConfig(repo)
        let broken = try repo.perfjournal("compare", a, b)
        #expect(broken.status == 4, "\(broken.stdout)\(broken.stderr)")
        #expect(broken.stderr.contains("timeuot"), "\(broken.stderr)")
        // Outside any repository two files still compare with the defaults.
        let outside = try repo.run(TestRepository.binary, ["compare", a, b], in: repo.sibling(""), check: false)
        #expect(outside.status == 0, "\(outside.stderr)")
    }

    /// With a typo in the config the hook cannot judge an optimization: it refuses it with the config's
    /// error and keeps the message; a plain commit passes with one line of warning.
    @Test func commitMsgHookRefusesAnOptimizationWhenTheConfigIsBroken() throws {
        let repo = try Self.initialised()
        try Self.breakConfig(repo)
        let line = try Self.line(of: "timeuot", in: repo)
        try repo.write("src/app.py", "def f():\n    return 2\n")
        try repo.git("add", "-A")
        let refused = try repo.git("commit", "-q", "-m", "perf: return two", check: false)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("perfjournal: \(repo.root)/.perfjournal.toml: line \(line): unknown key 'bench.timeuot'"), "\(refused.stderr)")
        #expect(try String(contentsOfFile: repo.root + "/.git/perfjournal/refused-message", encoding: .utf8).contains("perf: return two"))

        // A Perf-Change trailer is an optimization too.
        let trailer = try repo.git("commit", "-q", "-m", "Return two\n\nPerf-Change: return two", check: false)
        #expect(trailer.status != 0, "\(trailer.stderr)")

        let plain = try repo.git("commit", "-q", "-m", "Return two", check: false)
        #expect(plain.status == 0, "\(plain.stderr)")
        let warnings = plain.stderr.split(separator: "\n").filter { $0.contains("warning") }
        #expect(warnings.count == 1 && warnings[0].contains("line \(line)"), "\(plain.stderr)")

        // Once fixed, plain commits are quiet again.
        try repo.write(".perfjournal.toml", try repo.read(".perfjournal.toml").replacingOccurrences(of: "timeuot", with: "timeout"))
        try repo.git("add", "-A")
        let fixed = try repo.git("commit", "-q", "-m", "Fix the config", check: false)
        #expect(fixed.status == 0)
        #expect(!fixed.stderr.contains("warning"), "\(fixed.stderr)")
    }

    @Test func statusShowsTheErrorAndExits4() throws {
        let repo = try Self.initialised()
        try #require(try repo.perfjournal("baseline", "--results", TestRepository.fixtures + "/pytest-benchmark/run.json").status == 0)
        try Self.breakConfig(repo)
        let status = try repo.perfjournal("status")
        #expect(status.status == 4, "\(status.stdout)\(status.stderr)")
        #expect(status.stdout.contains("baseline  "), "what it can still show: \(status.stdout)")
        #expect(status.stdout.contains("config    ERROR") && status.stdout.contains("timeuot"), "\(status.stdout)")
        #expect(status.stderr.contains("timeuot"))
        let json = try repo.perfjournal("status", "--json")
        #expect(json.status == 4)
        #expect(json.stdout.contains("\"config_error\""), "\(json.stdout)")
    }

    /// init creates refs/notes/perfjournal, so git never warns that notes.rewriteRef is invalid.
    @Test func amendAndRebaseRightAfterInitDoNotWarn() throws {
        let repo = try TestRepository()
        try repo.write("a.txt", "a\n")
        try repo.commit("Initial version")
        try #require(
            try repo.perfjournal("init", "--no-hooks", "--bench", "true", "--results", "out.json", "--format", "pytest-benchmark", "--test", "").status == 0)
        #expect(try repo.git("rev-parse", "--verify", "-q", "refs/notes/perfjournal").status == 0)
        try repo.commit("Add perfjournal config")
        try repo.write("a.txt", "b\n")
        try repo.git("add", "-A")
        let amend = try repo.git("commit", "-q", "--amend", "-m", "Add perfjournal config and b")
        #expect(!amend.stderr.contains("notes ref"), "\(amend.stderr)")
        #expect(!amend.stderr.contains("invalid"), "\(amend.stderr)")
        try repo.commit("Another", allowEmpty: true)
        let rebase = try repo.git("rebase", "-q", "--force-rebase", "HEAD~1")
        #expect(!rebase.stderr.contains("notes ref"), "\(rebase.stderr)")
        // init twice leaves the ref alone, and the empty notes commit holds no notes.
        #expect(try repo.perfjournal("init").status == 0)
        #expect(try repo.git("notes", "--ref=perfjournal", "list").stdout.isEmpty)
        #expect(try repo.perfjournal("status").status == 0)
    }
}

/// Every path the config names resolves inside the work tree (the run's worktree for bench.results).
@Suite struct ConfigPathTests {
    static func withConfig(_ edit: (String) -> String) throws -> TestRepository {
        let repo = try ConfigErrorTests.initialised()
        try repo.write(".perfjournal.toml", edit(try repo.read(".perfjournal.toml")))
        return repo
    }

    static func expectPathError(_ result: TestRepository.Result, key: String, line: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 4, "\(result.stdout)\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains("line \(line): '\(key)'"), "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains("inside the repository"), "\(result.stderr)", sourceLocation: sourceLocation)
    }

    @Test func logPathThatClimbsOutIsAConfigError() throws {
        let repo = try Self.withConfig { $0.replacingOccurrences(of: "path = \"PERFORMANCE.md\"", with: "path = \"../outside-log.md\"") }
        let line = try ConfigErrorTests.line(of: "outside-log", in: repo)
        Self.expectPathError(try repo.perfjournal("log", "--write"), key: "log.path", line: line)
        #expect(!FileManager.default.fileExists(atPath: repo.sibling("outside-log.md")))
        Self.expectPathError(try repo.perfjournal("status"), key: "log.path", line: line)
    }

    @Test func absoluteLogPathIsAConfigError() throws {
        let target = NSTemporaryDirectory() + "perfjournal-abs-\(UUID().uuidString).md"
        let repo = try Self.withConfig { $0.replacingOccurrences(of: "path = \"PERFORMANCE.md\"", with: "path = \"\(target)\"") }
        let line = try ConfigErrorTests.line(of: target, in: repo)
        Self.expectPathError(try repo.perfjournal("log", "--write"), key: "log.path", line: line)
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    @Test func logPathThroughASymlinkedDirectoryIsAConfigError() throws {
        let repo = try Self.withConfig { $0.replacingOccurrences(of: "path = \"PERFORMANCE.md\"", with: "path = \"docs/PERFORMANCE.md\"") }
        let outside = repo.sibling("outside-dir")
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: repo.root + "/docs", withDestinationPath: outside)
        let line = try ConfigErrorTests.line(of: "docs/PERFORMANCE.md", in: repo)
        let result = try repo.perfjournal("log", "--write")
        Self.expectPathError(result, key: "log.path", line: line)
        #expect(result.stderr.contains("symlink"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: outside + "/PERFORMANCE.md"))
        // A symlinked directory that stays inside is fine.
        try FileManager.default.removeItem(atPath: repo.root + "/docs")
        try FileManager.default.createDirectory(atPath: repo.root + "/real-docs", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: repo.root + "/docs", withDestinationPath: "real-docs")
        let inside = try repo.perfjournal("log", "--write")
        #expect(inside.status == 0, "\(inside.stderr)")
        #expect(FileManager.default.fileExists(atPath: repo.root + "/real-docs/PERFORMANCE.md"))
    }

    @Test func benchResultsOutsideTheRunsWorktreeIsAConfigError() throws {
        let repo = try Self.withConfig { $0.replacingOccurrences(of: "results = \"out.json\"", with: "results = \"../../out.json\"") }
        let line = try ConfigErrorTests.line(of: "../../out.json", in: repo)
        try #require(try repo.perfjournal("trust").status == 4)
        Self.expectPathError(try repo.perfjournal("run"), key: "bench.results", line: line)
    }

    /// bench.results through a directory that is a symlink in the measured commit's tree: caught in the
    /// run's worktree, before the command runs.
    @Test func benchResultsThroughASymlinkInTheCheckoutIsAConfigError() throws {
        let outside = NSTemporaryDirectory() + "perfjournal-out-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: outside) }
        let counter = outside + "/ran"
        let repo = try Self.withConfig {
            $0.replacingOccurrences(of: "results = \"out.json\"", with: "results = \"build/out.json\"")
                .replacingOccurrences(of: "command = \"true\"", with: "command = \"echo ran >> '\(counter)'\"")
        }
        try FileManager.default.createSymbolicLink(atPath: repo.root + "/build", withDestinationPath: outside)
        try repo.git("add", "-A")
        try repo.git("commit", "-q", "-m", "Build output goes to build/")
        try #require(try repo.perfjournal("trust").status == 0)
        let line = try ConfigErrorTests.line(of: "build/out.json", in: repo)
        let result = try repo.perfjournal("run")
        Self.expectPathError(result, key: "bench.results", line: line)
        #expect(!FileManager.default.fileExists(atPath: counter), "refused before the command ran")
    }

    @Test func benchFilesGlobThatClimbsOutIsAConfigError() throws {
        let repo = try Self.withConfig { $0.replacingOccurrences(of: "files = [\"benchmarks/**\"]", with: "files = [\"benchmarks/**\", \"../**\"]") }
        let line = try ConfigErrorTests.line(of: "../**", in: repo)
        Self.expectPathError(try repo.perfjournal("check"), key: "bench.files", line: line)
        let absolute = try Self.withConfig { $0.replacingOccurrences(of: "files = [\"benchmarks/**\"]", with: "files = [\"/etc/**\"]") }
        Self.expectPathError(try absolute.perfjournal("check"), key: "bench.files", line: try ConfigErrorTests.line(of: "/etc/**", in: absolute))
    }

    @Test func templateOverrideThroughASymlinkIsAConfigError() throws {
        let repo = try ConfigErrorTests.initialised()
        let outside = repo.sibling("templates")
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try "secret {{#entries}}{{/entries}}".write(toFile: outside + "/log.mustache", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: repo.root + "/.perfjournal", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: repo.root + "/.perfjournal/templates", withDestinationPath: outside)
        let result = try repo.perfjournal("log")
        #expect(result.status == 4, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains(".perfjournal/templates/log.mustache") && result.stderr.contains("symlink"), "\(result.stderr)")
        #expect(!result.stdout.contains("secret"))
    }

    /// The daemon's log.auto_write: a log.path leading out makes the config unusable, so the daemon
    /// pauses with the error and writes nothing outside.
    @Test func daemonAutoWriteNeverWritesOutside() throws {
        let (repo, counter) = try DaemonTests.measuredRepository(autostart: false)
        try repo.write(
            ".perfjournal.toml",
            try repo.read(".perfjournal.toml")
                .replacingOccurrences(of: "auto_write = false", with: "auto_write = true")
                .replacingOccurrences(of: "path = \"PERFORMANCE.md\"", with: "path = \"../outside-log.md\""))
        let line = try ConfigErrorTests.line(of: "outside-log", in: repo)
        Self.expectPathError(try repo.perfjournal("trust"), key: "log.path", line: line)
        let logPath = repo.sibling("daemon.log")
        let daemon = try DaemonTests.launchForegroundDaemon(repo, logPath: logPath)
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGTERM); daemon.waitUntilExit() } }
        try repo.write("src/app.py", "def f():\n    return 12\n")
        // The hook refuses an optimization while the config does not read; the commit goes in without it.
        try repo.commit("perf: return twelve", extra: ["--no-verify"])
        try DaemonTests.waitUntil("the daemon reports the config error") {
            ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").contains("log.path")
        }
        #expect(!FileManager.default.fileExists(atPath: repo.sibling("outside-log.md")))
        #expect(!FileManager.default.fileExists(atPath: counter), "the daemon ran nothing")
    }
}
