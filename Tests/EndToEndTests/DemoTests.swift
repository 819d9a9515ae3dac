import Foundation
import Testing

/// The real plumbing with the real tool: `perfjournal demo` runs pytest-benchmark for real (baseline and
/// two optimizations) and must store, show, compare and regenerate the log. Its verdicts depend on this
/// machine's noise, so they are not asserted; what was stored is.
@Suite struct DemoTests {
    /// `make test` sets PERFJOURNAL_REQUIRE_PYTEST=1 after installing pytest-benchmark into its venv, so
    /// there a missing tool fails the test instead of skipping it.
    static var pytestBenchmarkAvailable: Bool {
        if ProcessInfo.processInfo.environment["PERFJOURNAL_REQUIRE_PYTEST"] == "1" { return true }
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import pytest_benchmark"]
        check.standardOutput = FileHandle.nullDevice
        check.standardError = FileHandle.nullDevice
        guard (try? check.run()) != nil else { return false }
        check.waitUntilExit()
        return check.terminationStatus == 0
    }

    @Test(.enabled(if: pytestBenchmarkAvailable, "needs pytest-benchmark (make test installs it)"))
    func demoPlaysAWholeSessionWithRealPytestBenchmark() throws {
        let scratch = try TestRepository(initialize: false)
        let directory = scratch.sibling("demo")
        let result = try scratch.perfjournal("demo", directory, in: scratch.sibling(""))
        #expect(result.status == 0, "\(result.stderr)\n\(result.stdout.suffix(2000))")
        #expect(result.stdout.contains("baseline stored on"))
        #expect(result.stdout.components(separatedBy: "run stored on").count - 1 == 2)

        // Three measured commits, each with a real run: two benchmarks with raw samples, tests passed.
        #expect(result.stdout.contains("runs of") && result.stdout.contains("one run a side decides"))
        let listed = try scratch.git("notes", "--ref=perfjournal", "list", in: directory).stdout
        #expect(listed.split(separator: "\n").count == 3)
        for rev in ["HEAD", "HEAD~1", "HEAD~2"] {
            let note = try scratch.git("notes", "--ref=perfjournal", "show", rev, in: directory).stdout
            let json = try #require(try JSONSerialization.jsonObject(with: Data(note.utf8)) as? [String: Any])
            let runs = try #require(json["runs"] as? [[String: Any]])
            // The baseline commit also holds the two calibration runs of `baseline --runs 3`, which time only.
            #expect(runs.count == (rev == "HEAD~2" ? 3 : 1))
            #expect(runs.dropFirst().allSatisfy { $0["purpose"] as? String == "calibration" })
            let run = try #require(runs.first)
            let results = try #require(run["results"] as? [[String: Any]])
            #expect(results.count == 2)
            #expect(results.allSatisfy { (($0["samples"] as? [Double])?.count ?? 0) >= 5 })
            #expect((run["tests"] as? [String: Any])?["status"] as? String == "passed", "\(rev): \(note.prefix(3000))")
            #expect((run["bench"] as? [String: Any])?["exit_status"] as? Int == 0)
        }
        let log = try String(contentsOfFile: directory + "/PERFORMANCE.md", encoding: .utf8)
        #expect(log.components(separatedBy: "### Optimization").count - 1 == 2)
        #expect(log.contains("| Benchmark | Before | After | Delta |"))
        // The user's work tree holds only the regenerated log.
        #expect(try scratch.git("status", "--porcelain", in: directory).stdout == "?? PERFORMANCE.md\n")
    }
}
