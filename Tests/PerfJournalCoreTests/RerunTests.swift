import Foundation
import TestSupport
import Testing

@testable import Config
@testable import Git
@testable import Runner
@testable import Statistics
@testable import Store
@testable import Support

/// `Rerun.untilDecided` with a bench command that `cat`s a fixture: a one-sample file can never be
/// decided, so it spends its whole budget; forty samples against themselves, five runs a side and a
/// wide minimum effect, are decided (unchanged) at once.
@Suite struct RerunTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path

    func rerun(fixture: String, maxReruns: Int, minEffect: Double = 0.01, initialRuns: Int = 1) throws -> (
        comparison: Comparison, progress: String, runs: [Int]
    ) {
        let sandbox = try GitSandbox()
        let toml = """
            [bench]
            command = "cat '\(fixture)' > out.json"
            results = "out.json"

            [stats]
            max_reruns = \(maxReruns)
            min_effect = \(minEffect)

            """
        let a = ObjectID(hex: try sandbox.commit("one", [".perfjournal.toml": toml, "a.txt": "1\n"]))!
        let b = ObjectID(hex: try sandbox.commit("two", ["a.txt": "2\n"]))!
        let workspace = try Workspace.open(at: sandbox.root)
        let config = try workspace.config()
        _ = try TrustStore(workspace: workspace).approve(config)
        let progress = TextBuffer()
        for _ in 0..<initialRuns {
            for commit in [a, b] {
                try workspace.store.append(
                    try Measurement.measure(commit, in: workspace, config: config, baseline: false, progress: progress), to: commit)
            }
        }
        var options = ComparisonOptions(stats: config.stats)
        var sides = try Sides.resolve(before: a.hex, after: b.hex, workspace: workspace, allowCrossMachine: false)
        let comparison = try Rerun.untilDecided(
            a: a, b: b, workspace: workspace, config: config, options: &options, sides: &sides, noise: .none, allowCrossMachine: false,
            progress: progress)
        let runs = try [a, b].map { try workspace.store.note(at: $0)?.runs.count ?? 0 }
        return (comparison, progress.text, runs)
    }

    @Test func anUndecidableComparisonSpendsItsBudgetMeasuringBothSides() throws {
        let (comparison, progress, runs) = try rerun(fixture: Self.fixtures + "/hyperfine/single-run.json", maxReruns: 2)
        #expect(comparison.benchmarks.map(\.verdict) == [.inconclusive])
        #expect(progress.contains("look 2 of 3: 1 inconclusive"))
        #expect(progress.contains("look 3 of 3: 1 inconclusive"))
        #expect(progress.contains("budget spent (3 looks, stats.max_reruns = 2"))
        #expect(runs == [3, 3])
    }

    @Test func aDecidedComparisonMeasuresNothingMore() throws {
        let times = Fixture.samples(0.01, count: 40, seed: 7)
        let file = NSTemporaryDirectory() + "perfjournal-rerun-" + UUID().uuidString + ".json"
        defer { try? FileManager.default.removeItem(atPath: file) }
        let result: [String: Any] = [
            "command": "parse", "mean": times.reduce(0, +) / 40, "stddev": 0.0001, "median": times.sorted()[20],
            "min": times.min()!, "max": times.max()!, "user": 0.0, "system": 0.0, "times": times,
            "exit_codes": Array(repeating: 0, count: 40),
        ]
        try JSONSerialization.data(withJSONObject: ["results": [result]]).write(to: URL(fileURLWithPath: file))
        let (comparison, progress, runs) = try rerun(fixture: file, maxReruns: 2, minEffect: 0.5, initialRuns: 5)
        #expect(!comparison.benchmarks.contains { $0.verdict == .inconclusive })
        #expect(progress.contains("decided after 1 look"))
        #expect(runs == [5, 5])
    }
}
