import Config
import Foundation
import Git
import Runner
import Statistics
import Store
import Support

import protocol Support.OutputStream

/// `perfjournal calibrate`: measures one commit several times to learn how much each benchmark's run value
/// moves between runs of identical code on this machine. The runs are stored (marked as calibration) like
/// any other, so what is learned travels with the notes and is forgotten when the machine changes.
public enum CalibrateCommand {
    public struct Report: Encodable {
        public var commit: String
        public var machine: String
        public var runs: Int
        public var disturbed: Int
        public var benchmarks: [Benchmark]

        public struct Benchmark: Encodable {
            public var name: String
            /// Standard deviation of a run's log value (0.05 ≈ 5%).
            public var spread: Double
            public var df: Int
            /// The smallest change one run a side can call improved or regressed (0.2 = 20%).
            public var decidableOneRun: Double

            enum CodingKeys: String, CodingKey {
                case name, spread, df
                case decidableOneRun = "decidable_one_run"
            }
        }
    }

    @discardableResult
    public static func run(
        at path: String, revision: String?, runs requested: Int?, json: Bool, output: OutputStream, progress: OutputStream
    ) throws -> Report {
        let workspace = try Workspace.open(at: path)
        let config = try workspace.config()
        try TrustGate.require(workspace, config, for: "calibrate")
        let commit: ObjectID
        if let revision {
            commit = try workspace.resolve(revision)
        } else if let baseline = try History(workspace: workspace).baseline(at: try workspace.head()) {
            commit = baseline.commit
        } else {
            throw PerfJournalError(.notMeasured, file: workspace.root, "no baseline to calibrate on: name a revision, or run `perfjournal baseline --runs N`")
        }
        let count = requested ?? config.stats.calibrationRuns
        guard count >= 1 else { throw PerfJournalError(.usage, "--runs must be at least 1") }
        try measure(commit, runs: count, workspace: workspace, config: config, progress: progress)

        let report = try self.report(commit: commit, workspace: workspace, config: config)
        if json {
            output.write(try JSONText.encode(report))
        } else {
            output.write(render(report, stats: config.stats))
        }
        return report
    }

    /// `count` more runs of `commit`, stored as calibration runs, one at a time under the run lock.
    package static func measure(_ commit: ObjectID, runs count: Int, workspace: Workspace, config: Config, progress: OutputStream) throws {
        try workspace.ensureDirectory(workspace.stateDirectory)
        let lock = try FileLock(path: workspace.stateDirectory + "/run.lock") {
            progress.line("waiting for another perfjournal run in this repository to finish…")
        }
        defer { withExtendedLifetime(lock) {} }
        let session = UUID().uuidString.lowercased()
        for index in 1...count {
            progress.line("calibration run \(index) of \(count)")
            var run = try Measurement.measure(commit, in: workspace, config: config, baseline: false, runTests: false, progress: progress)
            run.purpose = .calibration
            run.session = session
            run.order = index
            try workspace.store.append(run, to: commit)
        }
    }

    static func report(commit: ObjectID, workspace: Workspace, config: Config) throws -> Report {
        let machine = MachineFingerprint.current().id
        let tree = try workspace.commit(commit).tree
        let runs = try workspace.store.note(at: commit)?.runs(on: machine, tree: tree) ?? []
        let noise = try History(workspace: workspace).noise(machine: machine)
        let names = runs.last?.results.map(\.name) ?? []
        let options = ComparisonOptions(stats: config.stats)
        let benchmarks = names.compactMap { name -> Report.Benchmark? in
            guard let learned = noise.byBenchmark[name] else { return nil }
            return Report.Benchmark(
                name: name, spread: learned.spread, df: learned.degreesOfFreedom,
                decidableOneRun: RunLevelTest.decidableChange(learned, benchmarks: names.count, options: options))
        }
        return Report(
            commit: commit.hex, machine: machine, runs: runs.count, disturbed: runs.filter { $0.disturbed != nil }.count,
            benchmarks: benchmarks)
    }

    static func render(_ report: Report, stats: StatsConfig) -> String {
        var text = "\(report.runs) runs of \(String(report.commit.prefix(7))) on machine \(report.machine)"
        text += report.disturbed > 0 ? " (\(report.disturbed) disturbed, not learned from)\n" : "\n"
        var rows = [["benchmark", "run-to-run spread", "df", "one run a side decides"]]
        for b in report.benchmarks {
            rows.append([b.name, "±" + Display.percentMagnitude(exp(b.spread) - 1), "\(b.df)", "≥ " + Display.percentMagnitude(b.decidableOneRun)])
        }
        text += Display.table(rows, rightAligned: [1, 2, 3])
        if report.benchmarks.isEmpty {
            text += "nothing learned yet: at least 3 undisturbed runs of one tree are needed\n"
        }
        text += "changes smaller than that need more runs: `perfjournal compare --rerun A B` adds them, interleaved\n"
        return text
    }
}
