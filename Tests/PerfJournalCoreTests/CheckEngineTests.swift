import Foundation
import TestSupport
import Testing

@testable import Git
@testable import Rules
@testable import Store
@testable import Support

/// `CheckEngine.evaluate` on real repositories whose runs are appended in code: each rule's outcome
/// for support and optimization commits, with and without a baseline, an improvement or a regression.
@Suite struct CheckEngineTests {
    let sandbox: GitSandbox
    let workspace: Workspace
    let root: ObjectID

    init() throws {
        sandbox = try GitSandbox()
        let toml = "[bench]\ncommand = \"true\"\nresults = \"out.json\"\nfiles = [\"bench/**\"]\n"
        root = ObjectID(hex: try sandbox.commit("initial layout", [".perfjournal.toml": toml, "lib.py": "def parse(s):\n    return s\n"]))!
        workspace = try Workspace.open(at: sandbox.root)
    }

    func commit(_ message: String, _ files: [String: String]) throws -> ObjectID {
        ObjectID(hex: try sandbox.commit(message, files))!
    }

    /// Five runs of `commit` (verdicts are made on run-level values), the first one the baseline when asked.
    func record(_ commit: ObjectID, center: Double, seed: UInt64, baseline: Bool = false) throws {
        for n in 0..<5 {
            let run = try Fixture.run(of: commit, in: workspace, center: center, seed: seed * 100 + UInt64(n), baseline: baseline && n == 0)
            try workspace.store.append(run, to: commit)
        }
    }

    func check(_ commits: [ObjectID]) throws -> [CommitCheck] {
        try CheckEngine.evaluate(workspace: workspace, commits: commits)
    }

    @Test func anImprovementAfterABaselinePassesEveryRule() throws {
        try record(root, center: 1.0, seed: 1, baseline: true)
        let perf = try commit("perf: parse without copying", ["lib.py": "def parse(s):\n    return s[:]\n"])
        try record(perf, center: 0.5, seed: 2)
        let checks = try check([root, perf])
        #expect(checks.map(\.kind) == [.support, .optimization])

        let support = checks[0]
        #expect(support.rule(.oneChange) == RuleOutcome(.unknown, "not an optimization commit"))
        #expect(support.rule(.tests) == RuleOutcome(.unknown, "the run recorded no test outcome"))
        #expect(support.measured && support.reference == nil)

        let optimization = checks[1]
        #expect(optimization.title == "parse without copying")
        #expect(optimization.rule(.baseline) == RuleOutcome(.pass, "baseline at \(root.short)"))
        #expect(optimization.rule(.oneChange) == RuleOutcome(.pass, "one change: {parse}"))
        #expect(optimization.rule(.improvement)?.status == .pass)
        #expect(optimization.rule(.improvement)?.reason.hasPrefix("improved: bench.py::test_parse -50") == true)
        #expect(optimization.rule(.api)?.status != .fail)
        #expect(optimization.reference == root.hex)
        #expect(optimization.comparison?.benchmarks.map(\.verdict) == [.improved])
        #expect(optimization.changedPaths == ["lib.py"])
        #expect(Set(optimization.rules.keys) == Set(RuleName.allCases))
    }

    @Test func aRegressionFailsTheImprovementRule() throws {
        try record(root, center: 1.0, seed: 1, baseline: true)
        let perf = try commit("perf: cache the parser", ["lib.py": "def parse(s):\n    return str(s)\n"])
        try record(perf, center: 1.5, seed: 2)
        let outcome = try #require(try check([perf]).first?.rule(.improvement))
        #expect(outcome.status == .fail && outcome.reason.hasPrefix("regression: bench.py::test_parse +"))
    }

    @Test func withoutABaselineOrRunsTheRulesSaySo() throws {
        let perf = try commit("perf: parse faster", ["lib.py": "def parse(s):\n    return s or ''\n"])
        let check = try #require(try check([perf]).first)
        #expect(check.rule(.baseline) == RuleOutcome(.fail, "no baseline before this change; run `perfjournal baseline` before changing anything"))
        #expect(check.rule(.improvement) == RuleOutcome(.unknown, "no run yet"))
        #expect(check.rule(.tests) == RuleOutcome(.unknown, "no run yet"))
        #expect(!check.measured && check.comparison == nil)
    }

    @Test func changingTheBenchmarksSinceTheBaselineFailsIt() throws {
        try record(root, center: 1.0, seed: 1, baseline: true)
        _ = try commit("bench: one more case", ["bench/test_parse.py": "def test_parse(benchmark):\n    pass\n"])
        let perf = try commit("perf: parse faster", ["lib.py": "def parse(s):\n    return s or ''\n"])
        let outcome = try #require(try check([perf]).first?.rule(.baseline))
        #expect(outcome.status == .fail)
        #expect(outcome.reason.contains("benchmark definitions changed since the baseline at \(root.short) (bench/test_parse.py)"))
    }

    @Test func noBetterThanNoiseIsNotAnImprovement() throws {
        try record(root, center: 1.0, seed: 1, baseline: true)
        let perf = try commit("perf: tidy", ["lib.py": "def parse(s):\n    return (s)\n"])
        try record(perf, center: 1.0, seed: 1)
        let outcome = try #require(try check([perf]).first?.rule(.improvement))
        #expect(outcome == RuleOutcome(.fail, "not beyond noise: no benchmark improved against \(root.short)"))
    }

    @Test func theDefaultRangeStartsAtTheBaseline() throws {
        _ = try commit("docs", ["README": "x\n"])
        let baseline = try commit("more docs", ["README": "y\n"])
        try record(baseline, center: 1.0, seed: 1, baseline: true)
        let perf = try commit("perf: parse faster", ["lib.py": "def parse(s):\n    return s or ''\n"])
        #expect(try CheckEngine.defaultRange(workspace: workspace) == [perf])
        #expect(try CheckEngine.range("HEAD~2..HEAD", workspace: workspace) == [baseline, perf])
        #expect(try CheckEngine.range("HEAD", workspace: workspace) == [perf])
    }
}
