import Foundation
import Testing

/// `perfjournal compare` through the binary: files and revisions, machines, exit codes, re-runs.
@Suite struct CompareTests {
    static func files(_ repo: TestRepository, before: Double, after: Double) throws -> (String, String) {
        let a = repo.sibling("a.json"), b = repo.sibling("b.json")
        try SyntheticResults.pytestBenchmark([.init(name: "t::fast", median: 0.010), .init(name: "t::slow", median: before)], seed: 11)
            .write(toFile: a, atomically: true, encoding: .utf8)
        try SyntheticResults.pytestBenchmark(
            [.init(name: "t::fast", median: 0.010), .init(name: "t::slow", median: after), .init(name: "t::new", median: 0.001)], seed: 12
        )
        .write(toFile: b, atomically: true, encoding: .utf8)
        return (a, b)
    }

    @Test func filesRegressionExitsOneAndJSONHasEveryField() throws {
        let repo = try TestRepository()
        // One file a side and nothing learned: only a change this large clears the conservative default noise.
        let (a, b) = try Self.files(repo, before: 0.020, after: 0.080)
        let result = try repo.perfjournal("compare", a, b, "--json")
        #expect(result.status == 1, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let benchmarks = try #require(json["benchmarks"] as? [[String: Any]])
        let slow = try #require(benchmarks.first { $0["name"] as? String == "t::slow" })
        for key in [
            "name", "before", "after", "before_value", "after_value", "ratio", "ci", "p_value", "p_adjusted", "test", "verdict",
            "runs_before", "runs_after", "noise", "noise_source",
        ] {
            #expect(slow[key] != nil, "missing \(key)")
        }
        #expect(slow["verdict"] as? String == "regressed")
        #expect(slow["test"] as? String == "run-level-t")
        #expect(slow["noise_source"] as? String == "default")
        #expect(slow["runs_before"] as? Int == 1 && slow["runs_after"] as? Int == 1)
        let fast = try #require(benchmarks.first { $0["name"] as? String == "t::fast" })
        #expect(fast["verdict"] as? String == "inconclusive")
        #expect((fast["reason"] as? String)?.contains("perfjournal calibrate") == true)
        #expect(json["only_after"] as? [String] == ["t::new"])
        #expect((json["geometric_mean"] as? [String: Any])?["count"] as? Int == 2)
    }

    @Test func improvementExitsZeroAndTableShowsVerdicts() throws {
        let repo = try TestRepository()
        let (a, b) = try Self.files(repo, before: 0.020, after: 0.005)
        let result = try repo.perfjournal("compare", a, b)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("improved"))
        #expect(result.stdout.contains("geometric mean"))
        #expect(result.stdout.contains("only in b.json: t::new"))
        #expect(result.stdout.contains("runs a side would decide it"))
    }

    @Test func differentMachinesAreRefusedUnlessAllowed() throws {
        let repo = try TestRepository()
        try repo.write("a", "1\n")
        try repo.commit("one")
        try repo.write("a", "2\n")
        try repo.commit("two")
        let (a, b) = try Self.files(repo, before: 0.020, after: 0.020)
        repo.extraEnvironment["PERFJOURNAL_MACHINE"] = "laptop"
        #expect(try repo.perfjournal("record", "HEAD~1", "--results", a).status == 0)
        repo.extraEnvironment["PERFJOURNAL_MACHINE"] = "ci-runner"
        #expect(try repo.perfjournal("record", "HEAD", "--results", b).status == 0)
        let refused = try repo.perfjournal("compare", "HEAD~1", "HEAD")
        #expect(refused.status == 8)
        #expect(refused.stderr.contains("laptop") && refused.stderr.contains("ci-runner"))
        let allowed = try repo.perfjournal("compare", "HEAD~1", "HEAD", "--allow-cross-machine")
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(allowed.stdout.contains("different machines"))
    }

    @Test func unmeasuredRevisionIsAnError() throws {
        let repo = try TestRepository()
        try repo.write("a", "1\n")
        try repo.commit("one")
        let result = try repo.perfjournal("compare", "HEAD", "HEAD")
        #expect(result.status == 11)
    }

    /// The plumbing of --rerun: one sample a run can never decide, so it must re-run both commits,
    /// interleaved, exactly until the budget (max_reruns = 2) is spent, storing every run.
    @Test func rerunMeasuresBothSidesUntilTheBudgetIsSpent() throws {
        let repo = try TestRepository()
        let single = TestRepository.fixtures + "/hyperfine/single-run.json"
        try repo.write(
            ".perfjournal.toml",
            """
            [bench]
            command = "cp '\(single)' out.json"
            results = "out.json"

            [stats]
            max_reruns = 2

            """)
        try repo.commit("one")
        try repo.write("a", "2\n")
        try repo.commit("two")
        #expect(try repo.perfjournal("compare", "HEAD~1", "HEAD", "--rerun").status == 10, "not trusted yet")
        #expect(try repo.perfjournal("trust").status == 0)
        #expect(try repo.perfjournal("run", "HEAD~1", "HEAD").status == 0)
        let result = try repo.perfjournal("compare", "HEAD~1", "HEAD", "--rerun")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("budget spent"))
        #expect(result.stdout.contains("inconclusive"))
        for rev in ["HEAD~1", "HEAD"] {
            let note = try repo.git("notes", "--ref=perfjournal", "show", rev).stdout
            let json = try #require(try JSONSerialization.jsonObject(with: Data(note.utf8)) as? [String: Any])
            #expect((json["runs"] as? [Any])?.count == 3)
        }
    }
}
