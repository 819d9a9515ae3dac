// swift-format-ignore-file
import Foundation
import Testing
import TestSupport
@testable import Results
@testable import Statistics


func timing(_ name: String, _ samples: [Double], unit: String = "s") -> BenchmarkResult {
    BenchmarkResult(name: name, unit: unit, samples: samples, stats: SummaryStats(samples: samples)!)
}

/// Simulated error rates of the verdicts. Sizes are the brief's; PERFJOURNAL_FULL_CALIBRATION=1
/// multiplies the number of simulated commits by 10 for tighter estimates.
@Suite struct CalibrationTests {
    static let scale = ProcessInfo.processInfo.environment["PERFJOURNAL_FULL_CALIBRATION"] == "1" ? 10 : 1
    /// Different noise levels per benchmark, as a real suite has.
    static let cvs = [0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.03]

    /// No true change: any improved/regressed in a commit is a false verdict. Holm keeps the
    /// family-wise rate at or under alpha.
    @Test func aaFamilyWiseFalseVerdictRate() {
        var generator = SeededGenerator(seed: 1)
        let commits = 1000 * Self.scale
        var falseCommits = 0
        var unchanged = 0
        for _ in 0..<commits {
            var before: [BenchmarkResult] = [], after: [BenchmarkResult] = []
            for (index, cv) in Self.cvs.enumerated() {
                before.append(timing("b\(index)", generator.lognormal(mean: 1e-3, cv: cv, count: 20)))
                after.append(timing("b\(index)", generator.lognormal(mean: 1e-3, cv: cv, count: 20)))
            }
            let comparison = Comparator.compare(before: before, after: after)
            if comparison.benchmarks.contains(where: { $0.verdict == .improved || $0.verdict == .regressed }) {
                falseCommits += 1
            }
            unchanged += comparison.benchmarks.filter { $0.verdict == .unchanged }.count
        }
        let rate = Double(falseCommits) / Double(commits)
        print("calibration: A/A family-wise false-verdict rate \(rate) over \(commits) commits × 8 benchmarks; "
            + "unchanged \(Double(unchanged) / Double(commits * 8))")
        #expect(rate <= 0.05)
    }

    /// The same when only summary statistics are kept (Welch's t on the means).
    @Test func aaFamilyWiseRateFromSummariesOnly() {
        var generator = SeededGenerator(seed: 5)
        let commits = 1000 * Self.scale
        var falseCommits = 0
        func summary(_ name: String, _ samples: [Double]) -> BenchmarkResult {
            BenchmarkResult(name: name, unit: "s", samples: nil, stats: SummaryStats(samples: samples)!)
        }
        for _ in 0..<commits {
            var before: [BenchmarkResult] = [], after: [BenchmarkResult] = []
            for (index, cv) in Self.cvs.enumerated() {
                before.append(summary("b\(index)", generator.lognormal(mean: 1e-3, cv: cv, count: 20)))
                after.append(summary("b\(index)", generator.lognormal(mean: 1e-3, cv: cv, count: 20)))
            }
            let comparison = Comparator.compare(before: before, after: after)
            if comparison.benchmarks.contains(where: { $0.verdict == .improved || $0.verdict == .regressed }) {
                falseCommits += 1
            }
        }
        let rate = Double(falseCommits) / Double(commits)
        print("calibration: A/A family-wise false-verdict rate from summaries (Welch) \(rate)")
        #expect(rate <= 0.05)
    }

    /// The same under the sequential design: up to 3 looks of 10 samples each, pooling, re-running only
    /// undecided benchmarks. A false call at any look counts.
    @Test func aaFamilyWiseRateAcrossSequentialLooks() {
        var generator = SeededGenerator(seed: 2)
        let commits = 1000 * Self.scale
        let maxLooks = 3
        var falseCommits = 0
        for _ in 0..<commits {
            var before = Self.cvs.map { _ in [Double]() }, after = before
            var decided = Set<Int>()
            var falseCall = false
            for look in 1...maxLooks {
                for (index, cv) in Self.cvs.enumerated() where !decided.contains(index) {
                    before[index] += generator.lognormal(mean: 1, cv: cv, count: 10)
                    after[index] += generator.lognormal(mean: 1, cv: cv, count: 10)
                }
                let comparison = Comparator.compare(
                    before: before.enumerated().map { timing("b\($0.offset)", $0.element) },
                    after: after.enumerated().map { timing("b\($0.offset)", $0.element) },
                    options: ComparisonOptions(look: look, maxLooks: maxLooks))
                for (index, result) in comparison.benchmarks.enumerated() where !decided.contains(index) {
                    if result.verdict == .improved || result.verdict == .regressed { falseCall = true }
                    if result.verdict != .inconclusive { decided.insert(index) }
                }
                if decided.count == Self.cvs.count { break }
            }
            if falseCall { falseCommits += 1 }
        }
        let rate = Double(falseCommits) / Double(commits)
        print("calibration: A/A family-wise false-verdict rate over \(maxLooks) looks \(rate)")
        #expect(rate <= 0.05)
    }

    /// A true 5% change at 3% CV with 20 samples a side is called, in the right direction.
    @Test(arguments: [0.95, 1.05]) func powerForFivePercentAtThreePercentCV(trueRatio: Double) {
        var generator = SeededGenerator(seed: trueRatio < 1 ? 3 : 4)
        let trials = 1000 * Self.scale
        var right = 0, wrong = 0
        for _ in 0..<trials {
            let before = timing("b", generator.lognormal(mean: 1e-3, cv: 0.03, count: 20))
            let after = timing("b", generator.lognormal(mean: 1e-3 * trueRatio, cv: 0.03, count: 20))
            let verdict = Comparator.compare(before: [before], after: [after]).benchmarks[0].verdict
            let expected: Verdict = trueRatio < 1 ? .improved : .regressed
            if verdict == expected { right += 1 } else if verdict == .improved || verdict == .regressed { wrong += 1 }
        }
        let power = Double(right) / Double(trials)
        print("calibration: power for true ratio \(trueRatio) at 3% CV, n=20: \(power) (wrong direction: \(wrong))")
        #expect(power >= 0.95)
        #expect(wrong == 0)
    }

    /// The seed: means 5% apart with 20% standard deviation, 10 rounds a side, is noise.
    @Test func fivePercentGainWithTwentyPercentSpreadIsNotImproved() throws {
        // Raw samples, shaped to exactly those means and deviations, over many draws.
        for seed in UInt64(0)..<200 {
            var generator = SeededGenerator(seed: 100 + seed)
            let before = Self.exactly(mean: 1.0, sd: 0.2, (0..<10).map { _ in generator.normal() })
            let after = Self.exactly(mean: 0.95, sd: 0.19, (0..<10).map { _ in generator.normal() })
            let result = Comparator.compare(before: [timing("b", before)], after: [timing("b", after)]).benchmarks[0]
            #expect(result.verdict != .improved, "seed \(seed): \(result)")
        }
        // Summary stats only.
        let before = BenchmarkResult(name: "b", unit: "s", samples: nil,
            stats: SummaryStats(n: 10, mean: 1.0, stddev: 0.2, median: 1.0, min: 0.7, max: 1.3, q1: 0.85, q3: 1.15))
        let after = BenchmarkResult(name: "b", unit: "s", samples: nil,
            stats: SummaryStats(n: 10, mean: 0.95, stddev: 0.19, median: 0.95, min: 0.66, max: 1.24, q1: 0.8, q3: 1.1))
        let result = try #require(Comparator.compare(before: [before], after: [after]).benchmarks.first)
        #expect(result.test == "welch-t")
        #expect(result.verdict == .inconclusive)
        #expect(result.reason?.hasPrefix("spread too large") == true)
        #expect(abs(result.pValue - 0.5736446825818716) < 1e-6)
    }

    /// Rescales draws to the exact sample mean and (n−1) standard deviation asked for.
    static func exactly(mean: Double, sd: Double, _ draws: [Double]) -> [Double] {
        let stats = SummaryStats(samples: draws)!
        return draws.map { mean + sd * ($0 - stats.mean) / stats.stddev }
    }
}
