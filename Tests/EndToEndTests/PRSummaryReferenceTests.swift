import Foundation
import Testing

/// pr-summary's reference when the base has no run: the base's nearest measured ancestor, else the
/// baseline, else the first measured commit in the range; the machine is the range's majority.
@Suite struct PRSummaryReferenceTests {
    static func record(_ repo: TestRepository, machine: String, median: Double, seed: UInt64) throws {
        let file = repo.sibling("results-\(seed).json")
        try SyntheticResults.pytestBenchmark(medians: ["t.py::test_f": median], seed: seed).write(toFile: file, atomically: true, encoding: .utf8)
        let result = try repo.run(
            "/usr/bin/env", ["PERFJOURNAL_MACHINE=\(machine)", TestRepository.binary, "record", "HEAD", "--results", file, "--tests", "passed"],
            in: repo.root, check: false)
        try #require(result.status == 0, "\(result.stderr)")
    }

    @Test func withoutBaselineTheFirstMeasuredCommitInTheRangeStandsIn() throws {
        let repo = try TestRepository()
        try repo.write("src/f.py", "def f():\n    return 0\n")
        try repo.commit("Initial version")
        let base = try repo.head()
        try #require(
            try repo.perfjournal("init", "--no-hooks", "--bench", "true", "--results", "out.json", "--format", "pytest-benchmark", "--test", "").status == 0)
        try repo.commit("Add perfjournal config")
        try Self.record(repo, machine: "box-a", median: 0.010, seed: 1)
        try repo.write("src/f.py", "def f():\n    return 1\n")
        try repo.commit("perf: return one")
        // Measured only on another machine: the one commit that may be flagged as such.
        try Self.record(repo, machine: "box-b", median: 0.009, seed: 2)
        try repo.write("src/f.py", "def f():\n    return 2\n")
        try repo.commit("perf: return two")
        try Self.record(repo, machine: "box-a", median: 0.008, seed: 3)

        let pr = try repo.perfjournal("pr-summary", "--base", base, "--format", "json")
        #expect(pr.status == 0, "\(pr.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(pr.stdout.utf8)) as? [String: Any])
        let notes = (json["notes"] as? [String]) ?? []
        #expect(notes.contains { $0.contains("first measured commit in the range") }, "\(notes)")
        let overall = try #require(json["overall"] as? [String: Any], "\(pr.stdout)")
        #expect((overall["from"] as? String)?.hasPrefix(try repo.git("rev-parse", "HEAD~2").stdout.prefix(7)) == true)
        let warnings = (json["warnings"] as? [[String: Any]]) ?? []
        let otherMachine = warnings.filter { $0["kind"] as? String == "other-machine" }
        #expect(otherMachine.count == 1, "\(warnings)")
        #expect((otherMachine.first?["text"] as? String)?.contains("box-b") == true)
    }
}
