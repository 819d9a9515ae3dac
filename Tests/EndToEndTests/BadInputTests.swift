import Foundation
import Testing

/// Bad input gets one line on stderr naming the file and the problem, the documented exit code, and
/// nothing written to the notes.
@Suite struct BadInputTests {
    static func expectOneLineError(
        _ result: TestRepository.Result, exit: Int32, mentioning needles: [String], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(result.status == exit, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n").filter { !$0.isEmpty && !$0.hasPrefix("measuring") && !$0.hasPrefix("  ") }
        #expect(lines.count == 1, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(lines.first?.hasPrefix("perfjournal: ") == true, sourceLocation: sourceLocation)
        for needle in needles {
            #expect(result.stderr.contains(needle), "stderr lacks \(needle): \(result.stderr)", sourceLocation: sourceLocation)
        }
    }

    static func expectNoNotes(_ repo: TestRepository, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let notes = try repo.git("notes", "--ref=perfjournal", "list", check: false)
        #expect(notes.stdout.isEmpty, "notes were written: \(notes.stdout)", sourceLocation: sourceLocation)
    }

    /// A benchmark that fails is a result (issue 15): one failed run, no results, never a baseline.
    static func expectOnlyAFailedRun(_ repo: TestRepository, exitStatus: Int?, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let shown = try repo.git("notes", "--ref=perfjournal", "show", "HEAD")
        let note = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        let runs = try #require(note["runs"] as? [[String: Any]])
        #expect(runs.count == 1, sourceLocation: sourceLocation)
        #expect((runs.first?["results"] as? [Any])?.isEmpty == true, sourceLocation: sourceLocation)
        #expect(runs.first?["baseline"] as? Bool == false, sourceLocation: sourceLocation)
        let bench = runs.first?["bench"] as? [String: Any]
        if let exitStatus {
            #expect(bench?["exit_status"] as? Int == exitStatus, sourceLocation: sourceLocation)
        } else {
            #expect(bench?["timed_out"] as? Bool == true, sourceLocation: sourceLocation)
        }
    }

    @Test func notARepository() throws {
        let repo = try TestRepository(initialize: false)
        Self.expectOneLineError(try repo.perfjournal("status"), exit: 3, mentioning: ["not a git repository"])
    }

    @Test func unbornHead() throws {
        let repo = try TestRepository()
        Self.expectOneLineError(try repo.perfjournal("status"), exit: 3, mentioning: ["no commits yet"])
    }

    @Test func noConfig() throws {
        let repo = try TestRepository()
        try repo.write("a", "a\n")
        try repo.commit("first")
        Self.expectOneLineError(try repo.perfjournal("run"), exit: 4, mentioning: ["perfjournal init", repo.root])
        try Self.expectNoNotes(repo)
    }

    @Test func badConfigNamesFileLineAndKey() throws {
        let repo = try TestRepository()
        try repo.write(".perfjournal.toml", "[bench]\ncommand = \"true\"\ncomand = \"x\"\n")
        try repo.commit("first")
        Self.expectOneLineError(try repo.perfjournal("run"), exit: 4, mentioning: [".perfjournal.toml", "line 3", "bench.comand"])
    }

    static func repo(bench: String, timeout: Int = 600) throws -> TestRepository {
        let repo = try TestRepository()
        try repo.write(
            ".perfjournal.toml",
            """
            [bench]
            command = "\(bench)"
            results = "out.json"
            timeout = \(timeout)

            """)
        try repo.commit("first")
        // A config written by hand runs nothing until it is trusted.
        try #require(try repo.perfjournal("trust").status == 0)
        return repo
    }

    @Test func failingBenchmarkCommand() throws {
        let repo = try Self.repo(bench: "echo boom >&2; exit 3")
        let result = try repo.perfjournal("baseline")
        Self.expectOneLineError(result, exit: 6, mentioning: ["status 3", ".log"])
        try Self.expectOnlyAFailedRun(repo, exitStatus: 3)
    }

    @Test func hangingBenchmarkCommandTimesOut() throws {
        let repo = try Self.repo(bench: "sleep 60", timeout: 1)
        let started = Date()
        let result = try repo.perfjournal("baseline")
        #expect(Date().timeIntervalSince(started) < 30)
        Self.expectOneLineError(result, exit: 7, mentioning: ["timed out"])
        try Self.expectOnlyAFailedRun(repo, exitStatus: nil)
    }

    @Test func malformedJSONFromTheBenchmark() throws {
        let repo = try Self.repo(bench: "printf '{\\\"benchmarks\\\": [' > out.json")
        Self.expectOneLineError(try repo.perfjournal("baseline"), exit: 5, mentioning: ["out.json"])
        try Self.expectNoNotes(repo)
    }

    @Test func benchmarkThatWritesNoResults() throws {
        let repo = try Self.repo(bench: "true")
        Self.expectOneLineError(try repo.perfjournal("baseline"), exit: 5, mentioning: ["out.json", "no results file"])
        try Self.expectNoNotes(repo)
    }

    @Test(arguments: ["truncated.json", "empty.json", "pytest-zero-benchmarks.json", "pytest-nan.json", "pytest-negative.json", "wrong-shape.json"])
    func badResultFiles(name: String) throws {
        let repo = try TestRepository()
        try repo.write("a", "a\n")
        try repo.commit("first")
        let file = TestRepository.fixtures + "/malformed/" + name
        Self.expectOneLineError(try repo.perfjournal("record", "HEAD", "--results", file), exit: 5, mentioning: [name])
        try Self.expectNoNotes(repo)
    }

    @Test func unknownFormatIsAUsageError() throws {
        let repo = try TestRepository()
        try repo.write("a", "a\n")
        try repo.commit("first")
        let result = try repo.perfjournal("record", "HEAD", "--results", JournalLoopTests.pytestRun, "--format", "nope")
        #expect(result.status == 64)
        #expect(result.stderr.contains("nope"))
        try Self.expectNoNotes(repo)
    }

    @Test func unknownRevision() throws {
        let repo = try TestRepository()
        try repo.write("a", "a\n")
        try repo.commit("first")
        Self.expectOneLineError(try repo.perfjournal("show", "no-such-rev"), exit: 3, mentioning: ["no-such-rev"])
    }
}
