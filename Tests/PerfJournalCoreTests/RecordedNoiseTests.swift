import Foundation
import TestSupport
import Testing

@testable import Config
@testable import Results
@testable import Statistics
@testable import Store

/// Verdicts replayed on recorded real runs (Tests/Fixtures/recorded: repeated runs of one commit of real
/// suites, known-effect pairs, runs with a CPU hog), through the real comparison code. Deterministic:
/// the recordings are fixed and every shuffle is seeded. `Benchmarks/noise-calibration.sh` prints the
/// same figures as a table.
@Suite struct RecordedNoiseTests {
    static let budgetLooks = 1 + StatsConfig().maxReruns

    /// Most recorded runs were made while other work loaded the machine, and some are flagged disturbed,
    /// which only ever makes a verdict inconclusive. The rates are checked with the flags honoured and
    /// with them ignored, so the statistics alone must hold the line too.
    @Test(arguments: [true, false]) func aaOneRunASideWithLearnedNoiseStaysUnderFivePercent(honourFlags: Bool) throws {
        for suite in try Recorded.aaSuites() {
            let runs = Recorded.flags(suite.runs, honoured: honourFlags)
            let figures = Replay.aaOneRunASide(runs)
            Recorded.report("A/A \(suite.name), one run a side + learned noise\(Recorded.flagNote(runs, honourFlags)): \(figures)")
            #expect(figures.falseRate <= 0.05, "\(suite.name): \(figures)")
        }
    }

    /// Re-runs take fresh runs, so the starved runs of a loaded machine are exactly what the flags are
    /// for: with them honoured the rate must hold; ignoring them is reported, and must hold for a suite
    /// none of whose runs was flagged.
    @Test(arguments: [true, false]) func aaWithRerunsStaysUnderFivePercent(honourFlags: Bool) throws {
        for suite in try Recorded.aaSuites() {
            let runs = Recorded.flags(suite.runs, honoured: honourFlags)
            let figures = Replay.aaRerun(runs, looks: Self.budgetLooks)
            Recorded.report("A/A \(suite.name), --rerun (up to \(Self.budgetLooks) looks)\(Recorded.flagNote(runs, honourFlags)): \(figures)")
            if honourFlags || !suite.runs.contains(where: { $0.disturbed != nil }) {
                #expect(figures.falseRate <= 0.05, "\(suite.name): \(figures)")
            }
        }
    }

    @Test func runsUnderLoadGiveNoDirectionalVerdict() throws {
        let load = try Recorded.series("load-markdown-it")
        let hogs = load.filter { $0.name.hasPrefix("hog") }
        let quiet = load.filter { $0.name.hasPrefix("quiet") }
        #expect(!hogs.isEmpty && !quiet.isEmpty)
        let calibration = try Recorded.series("aa-markdown-it")
        let noise = Replay.learn(calibration)
        var directional = 0, comparisons = 0, flagged = 0
        for hog in hogs {
            if hog.disturbed != nil { flagged += 1 }
            for base in quiet + calibration.prefix(3) {
                let comparison = Comparator.compare(before: [base.measured], after: [hog.measured], noise: noise)
                comparisons += 1
                if comparison.benchmarks.contains(where: { $0.verdict == .improved || $0.verdict == .regressed }) { directional += 1 }
            }
        }
        Recorded.report("load: \(flagged) of \(hogs.count) hog runs flagged disturbed; \(directional) of \(comparisons) comparisons directional")
        #expect(directional == 0)
        #expect(flagged == hogs.count)
    }

    /// The effect series were recorded on a loaded machine, so many of their runs are flagged disturbed
    /// and give no verdict at all; the power of the statistics is measured with the flags ignored.
    @Test(arguments: [true, false]) func knownEffectsAreDetectedInTheRightDirection(honourFlags: Bool) throws {
        for effect in try Recorded.effects() {
            let a = Recorded.flags(effect.a, honoured: honourFlags), b = Recorded.flags(effect.b, honoured: honourFlags)
            let single = Replay.effectOneRunASide(a, b)
            let rerun = Replay.effectRerun(a, b, looks: Self.budgetLooks)
            Recorded.report("effect ×\(effect.factor)\(Recorded.flagNote(a + b, honourFlags)): one run a side \(single); --rerun \(rerun)")
            // A wrong direction is the one error no budget excuses.
            #expect(single.wrongDirection == 0 && rerun.wrongDirection == 0, "×\(effect.factor)")
            if effect.factor >= 2 && !honourFlags { #expect(rerun.detectedRate >= 0.9, "×\(effect.factor): \(rerun)") }
        }
    }
}

/// A recorded run: its results, and what the machine did while it ran (judged by the real `Disturbance`).
struct RecordedRun {
    var name: String
    var results: [BenchmarkResult]
    var conditions: RunConditions?
    var disturbed: String?

    var measured: MeasuredRun { MeasuredRun(results: results, disturbed: disturbed) }
}

enum Recorded {
    static let root = FormatFixtures.path("recorded")
    /// Seeded shuffles per A/A suite in the re-run replay; PERFJOURNAL_FULL_CALIBRATION=1 (the calibration
    /// script, on a release build) makes it 1,000 for a tighter estimate.
    static let shuffles = ProcessInfo.processInfo.environment["PERFJOURNAL_FULL_CALIBRATION"] == "1" ? 300 : 60

    /// The runs with their disturbance flags kept, or cleared.
    static func flags(_ runs: [RecordedRun], honoured: Bool) -> [RecordedRun] {
        honoured
            ? runs
            : runs.map {
                var run = $0; run.disturbed = nil; return run
            }
    }

    static func flagNote(_ runs: [RecordedRun], _ honoured: Bool) -> String {
        honoured ? " (\(runs.filter { $0.disturbed != nil }.count) of \(runs.count) runs flagged disturbed)" : " (flags ignored)"
    }

    static func report(_ line: String) {
        print("recorded: " + line)
    }

    static func series(_ directory: String) throws -> [RecordedRun] {
        let path = root + "/" + directory
        let names = try FileManager.default.contentsOfDirectory(atPath: path)
            .filter { $0.hasSuffix(".json") && !$0.hasSuffix(".conditions.json") }.sorted()
        return try names.map { name in
            let results = try ResultFileReader.read(path: path + "/" + name).benchmarks
            let stem = String(name.dropLast(5))
            let conditions = try self.conditions(path + "/" + stem + ".conditions.json")
            return RecordedRun(
                name: stem, results: results, conditions: conditions, disturbed: conditions.flatMap { Disturbance.judge($0)?.reason })
        }
    }

    /// The recorder's file: wall and CPU seconds, cpu count, `/proc/stat` deltas, load averages.
    static func conditions(_ path: String) throws -> RunConditions? {
        guard let data = FileManager.default.contents(atPath: path),
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let wall = object["wall_seconds"] as? Double, let cpu = object["cpu_seconds"] as? Double,
            let cores = object["cpu_count"] as? Int, let stat = object["proc_stat_delta"] as? [String: Any],
            let ticks = object["clock_ticks_per_second"] as? Double ?? (object["clock_ticks_per_second"] as? Int).map(Double.init)
        else { return nil }
        let delta = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"].map {
            UInt64((stat[$0] as? Int) ?? Int((stat[$0] as? Double) ?? 0))
        }
        let shares = RunConditions.shares(statDelta: delta, ticksPerSecond: ticks, wallSeconds: wall, cpuSeconds: cpu, cpuCount: cores)
        let loads = (object["load_average_start"] as? [Double], object["load_average_end"] as? [Double])
        return RunConditions(
            wallSeconds: wall, cpuSeconds: cpu, cpuCount: cores, othersShare: shares?.others, stealShare: shares?.steal,
            loadStart: loads.0?.first, loadEnd: loads.1?.first)
    }

    static func aaSuites() throws -> [(name: String, runs: [RecordedRun])] {
        try FileManager.default.contentsOfDirectory(atPath: root).filter { $0.hasPrefix("aa-") }.sorted()
            .map { ($0, try series($0)) }
    }

    static func effects() throws -> [(factor: Double, a: [RecordedRun], b: [RecordedRun])] {
        try FileManager.default.contentsOfDirectory(atPath: root).filter { $0.hasPrefix("effect-") }.sorted().compactMap { dir in
            guard let factor = Double(dir.dropFirst("effect-".count)) else { return nil }
            let runs = try series(dir)
            return (factor, runs.filter { $0.name.hasPrefix("a-") }, runs.filter { $0.name.hasPrefix("b-") })
        }
    }
}

/// The replays: each builds what perfjournal would have at that point (learned noise, runs a side) and
/// asks the real `Comparator`.
enum Replay {
    struct Rates: CustomStringConvertible {
        var comparisons = 0
        var falseCommits = 0
        var detected = 0
        var wrongDirection = 0
        var looks: [Int] = []
        var falseRate: Double { comparisons == 0 ? 0 : Double(falseCommits) / Double(comparisons) }
        var detectedRate: Double { comparisons == 0 ? 0 : Double(detected) / Double(comparisons) }
        var description: String {
            var text = "\(comparisons) comparisons"
            if falseCommits > 0 || detected == 0 { text += ", family-wise false verdicts \(falseCommits) (\(percent(falseRate)))" }
            if detected > 0 || wrongDirection > 0 { text += ", detected \(detected) (\(percent(detectedRate))), wrong direction \(wrongDirection)" }
            if !looks.isEmpty { text += ", median looks \(looks.sorted()[looks.count / 2])" }
            return text
        }
        func percent(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }
    }

    /// What `NoiseLearner` would learn from these runs as one tree's group.
    static func learn(_ runs: [RecordedRun]) -> NoiseModel {
        NoiseModel.learned(fromTrees: [runs.filter { $0.disturbed == nil }.map { NoiseModel.runValues($0.results) }])
    }

    static func directional(_ comparison: Comparison) -> Bool {
        comparison.benchmarks.contains { $0.verdict == .improved || $0.verdict == .regressed }
    }

    /// Every pair of runs, each compared with one run a side and the noise learned from all the others.
    static func aaOneRunASide(_ runs: [RecordedRun]) -> Rates {
        var rates = Rates()
        for i in runs.indices {
            for j in runs.indices where j > i {
                let others = runs.indices.filter { $0 != i && $0 != j }.map { runs[$0] }
                let comparison = Comparator.compare(before: [runs[i].measured], after: [runs[j].measured], noise: learn(others))
                rates.comparisons += 1
                if directional(comparison) { rates.falseCommits += 1 }
            }
        }
        return rates
    }

    /// Seeded shuffles of the runs, dealt alternately to A and B as `--rerun` measures them (ABBA), with
    /// the sequential looks of `Rerun` at alpha / looks each. The first look has one run a side and no
    /// learned noise beyond the runs themselves: the hardest case.
    static func aaRerun(_ runs: [RecordedRun], looks: Int, shuffles: Int = Recorded.shuffles) -> Rates {
        var generator = SeededGenerator(seed: 7)
        var rates = Rates()
        for _ in 0..<shuffles {
            let order = runs.shuffled(using: &generator)
            let a = stride(from: 0, to: order.count, by: 2).map { order[$0] }
            let b = stride(from: 1, to: order.count, by: 2).map { order[$0] }
            let outcome = sequential(a, b, looks: looks, noise: .none)
            rates.comparisons += 1
            rates.looks.append(outcome.looks)
            if directional(outcome.comparison) { rates.falseCommits += 1 }
        }
        return rates
    }

    static func sequential(_ a: [RecordedRun], _ b: [RecordedRun], looks: Int, noise: NoiseModel) -> (comparison: Comparison, looks: Int) {
        let options = ComparisonOptions(maxLooks: looks)
        var look = 1
        while true {
            let k = min(look, a.count, b.count)
            let before = a.prefix(k).enumerated().map { index, run in
                MeasuredRun(results: run.results, disturbed: run.disturbed, session: "replay", order: 2 * index)
            }
            let after = b.prefix(k).enumerated().map { index, run in
                MeasuredRun(results: run.results, disturbed: run.disturbed, session: "replay", order: 2 * index + 1)
            }
            let comparison = Comparator.compare(before: before, after: after, noise: noise, options: options)
            let decided = !comparison.benchmarks.contains { $0.verdict == .inconclusive }
            if decided || look >= looks || k >= min(a.count, b.count) { return (comparison, look) }
            look += 1
        }
    }

    static func effectOneRunASide(_ a: [RecordedRun], _ b: [RecordedRun]) -> Rates {
        var rates = Rates()
        for (index, pair) in zip(a, b).enumerated() {
            let others = a.indices.filter { $0 != index }.map { a[$0] }
            count(Comparator.compare(before: [pair.0.measured], after: [pair.1.measured], noise: learn(others)), into: &rates)
        }
        return rates
    }

    static func effectRerun(_ a: [RecordedRun], _ b: [RecordedRun], looks: Int) -> Rates {
        var rates = Rates()
        // Start the sequence at each pair in turn, so every recorded pair opens one replay.
        for start in a.indices {
            let rotatedA = Array(a[start...] + a[..<start]), rotatedB = Array(b[start...] + b[..<start])
            let outcome = sequential(rotatedA, rotatedB, looks: looks, noise: .none)
            rates.looks.append(outcome.looks)
            count(outcome.comparison, into: &rates)
        }
        return rates
    }

    /// b does more work than a: every benchmark's right call is regressed (all are times here).
    static func count(_ comparison: Comparison, into rates: inout Rates) {
        rates.comparisons += 1
        if comparison.benchmarks.contains(where: { $0.verdict == .improved }) { rates.wrongDirection += 1 }
        if comparison.benchmarks.contains(where: { $0.verdict == .regressed }) { rates.detected += 1 }
    }
}
