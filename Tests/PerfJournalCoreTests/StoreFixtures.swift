import Foundation
import TestSupport

@testable import Git
@testable import Results
@testable import Store
@testable import Support

extension TextBuffer: Support.OutputStream {}

/// Runs and results built in code, for the store, queue and rules unit tests.
enum Fixture {
    static let machine = MachineFingerprint.current()

    /// `count` timings around `center` seconds (±2%, seeded).
    static func samples(_ center: Double, count: Int = 30, seed: UInt64) -> [Double] {
        var random = SeededGenerator(seed: seed)
        return (0..<count).map { _ in center * (1 + 0.02 * (Double.random(in: 0..<1, using: &random) - 0.5)) }
    }

    static func result(_ name: String, _ samples: [Double]) -> BenchmarkResult {
        BenchmarkResult(name: name, unit: "s", samples: samples, stats: SummaryStats(samples: samples)!)
    }

    static func run(
        commit: String, tree: String = String(repeating: "0", count: 40), id: String = UUID().uuidString.lowercased(),
        baseline: Bool = false, results: [BenchmarkResult], tests: TestOutcome? = nil
    ) -> Run {
        Run(
            id: id, source: .record, baseline: baseline, commit: commit, tree: tree, time: "2026-01-01T12:00:00Z",
            machine: machine, bench: nil, format: .pytestBenchmark, results: results, problems: [], tests: tests, log: nil)
    }

    /// A run of `commit` in `workspace` (with its real tree), one benchmark around `center` seconds.
    static func run(
        of commit: ObjectID, in workspace: Workspace, center: Double, seed: UInt64, baseline: Bool = false, id: String? = nil
    ) throws -> Run {
        let tree = try workspace.commit(commit).tree.hex
        return run(
            commit: commit.hex, tree: tree, id: id ?? UUID().uuidString.lowercased(), baseline: baseline,
            results: [result("bench.py::test_parse", samples(center, seed: seed))])
    }
}
