import Foundation
import Testing

@testable import Results
@testable import Statistics

/// The run-level test and the learned spread against scipy/numpy (Tests/Reference/make_run_level_reference.py),
/// and the comparator's rules on constructed runs. These check the math only; whether the verdicts hold on
/// real machines is `RecordedNoiseTests`' job, on recorded runs.
@Suite struct StatisticsRunLevelTests {
    struct Reference: Decodable {
        struct Case: Decodable {
            var before: [Double], after: [Double], prior: [Double]?, confidence: Double, pairs: [[Double]]?
            var shift: Double, se: Double, df: Double, p: Double, lower: Double, upper: Double, noise: Double
            var source: String, paired: Bool
        }
        struct Spread: Decodable { var groups: [[Double]]; var spread: Double?; var df: Int? }
        var cases: [Case]
        var spreads: [Spread]
    }

    static let reference: Reference? = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Reference/run_level_reference.json")
        return (try? Data(contentsOf: url)).flatMap { try? JSONDecoder().decode(Reference.self, from: $0) }
    }()

    static func close(_ value: Double, _ expected: Double, relative: Double = 1e-9) -> Bool {
        value == expected || abs(value - expected) <= relative * max(abs(expected), 1e-12)
    }

    @Test func runLevelTestMatchesScipy() throws {
        let reference = try #require(Self.reference, "Tests/Reference/run_level_reference.json is missing or unreadable")
        #expect(reference.cases.count > 40)
        for c in reference.cases {
            let values = { (logs: [Double]) in logs.map { RunLevel.Value(log: $0, withinError: 0, rounds: 10) } }
            let prior = c.prior.map { LearnedSpread(spread: $0[0], degreesOfFreedom: Int($0[1])) }
            let estimate = try #require(
                RunLevelTest.estimate(
                    before: values(c.before), after: values(c.after), learned: prior,
                    pairs: (c.pairs ?? []).map { (before: $0[0], after: $0[1]) }, confidence: c.confidence))
            let label = "\(c.before.count)/\(c.after.count) prior \(c.prior ?? []) conf \(c.confidence)"
            #expect(Self.close(estimate.shift, c.shift), "\(label): shift")
            #expect(Self.close(estimate.standardError, c.se), "\(label): se")
            #expect(estimate.degreesOfFreedom == c.df, "\(label): df")
            #expect(Self.close(estimate.p, c.p, relative: 1e-6), "\(label): p \(estimate.p) vs \(c.p)")
            #expect(Self.close(estimate.lower, c.lower, relative: 1e-8) && Self.close(estimate.upper, c.upper, relative: 1e-8), "\(label): interval")
            #expect(estimate.source.rawValue == c.source && estimate.paired == c.paired, "\(label): source")
        }
    }

    @Test func learnedSpreadMatchesNumpy() throws {
        let reference = try #require(Self.reference)
        for c in reference.spreads {
            let learned = LearnedSpread.estimate(groups: c.groups)
            if let expected = c.spread {
                #expect(learned.map { Self.close($0.spread, expected) } == true, "\(c.groups.map(\.count))")
            } else {
                #expect(learned == nil)
            }
            #expect(learned?.degreesOfFreedom == c.df)
        }
    }

    static func run(_ values: [String: Double], disturbed: String? = nil) -> MeasuredRun {
        MeasuredRun(
            results: values.keys.sorted().map { name in
                let samples = (0..<10).map { values[name]! * (1 + 0.001 * Double($0)) }
                return BenchmarkResult(name: name, unit: "s", samples: samples, stats: SummaryStats(samples: samples)!)
            },
            disturbed: disturbed)
    }

    static let calibrated = NoiseModel(byBenchmark: [
        "a": LearnedSpread(spread: 0.02, degreesOfFreedom: 9), "b": LearnedSpread(spread: 0.02, degreesOfFreedom: 9),
    ])

    @Test func aDisturbedSideNeverGivesADirectionalVerdict() {
        let quiet = Comparator.compare(before: [Self.run(["a": 1])], after: [Self.run(["a": 2])], noise: Self.calibrated)
        #expect(quiet.benchmarks[0].verdict == .regressed)
        let disturbed = Comparator.compare(
            before: [Self.run(["a": 1])], after: [Self.run(["a": 2], disturbed: "the benchmark got 40% of a CPU")], noise: Self.calibrated)
        #expect(disturbed.benchmarks[0].verdict == .inconclusive)
        #expect(disturbed.benchmarks[0].reason?.contains("disturbed") == true)
        // A quiet run on the same side is used instead of the disturbed one.
        let mixed = Comparator.compare(
            before: [Self.run(["a": 1])], after: [Self.run(["a": 5], disturbed: "hog"), Self.run(["a": 2])], noise: Self.calibrated)
        #expect(mixed.benchmarks[0].verdict == .regressed && mixed.benchmarks[0].runsAfter == 1)
    }

    @Test func oneRunASideSaysWhereItsNoiseCameFrom() {
        let learned = Comparator.compare(before: [Self.run(["a": 1])], after: [Self.run(["a": 1.001])], noise: Self.calibrated).benchmarks[0]
        #expect(learned.noiseSource == .calibration && learned.verdict != .regressed)
        let guessed = Comparator.compare(before: [Self.run(["a": 1])], after: [Self.run(["a": 1.3])]).benchmarks[0]
        #expect(guessed.noiseSource == .default && guessed.verdict == .inconclusive)
        #expect(guessed.reason?.contains("perfjournal calibrate") == true)
        #expect((guessed.runsNeeded ?? 0) > 1)
    }

    @Test func theChangeIsTheRatioOfTheCentresShown() throws {
        let before = [Self.run(["a": 1.0]), Self.run(["a": 1.1])], after = [Self.run(["a": 0.5]), Self.run(["a": 0.6])]
        let b = Comparator.compare(before: before, after: after, noise: Self.calibrated).benchmarks[0]
        let centres = try (#require(b.beforeValue), #require(b.afterValue))
        #expect(Self.close(b.ratio, centres.1 / centres.0, relative: 1e-12))
        #expect(b.noiseSource == .runs && b.runsBefore == 2 && b.runsAfter == 2)
    }

    @Test func theGeometricMeanOfOneBenchmarkIsThatBenchmark() throws {
        let comparison = Comparator.compare(
            before: [Self.run(["a": 1.0]), Self.run(["a": 1.05])], after: [Self.run(["a": 0.8]), Self.run(["a": 0.82])],
            noise: Self.calibrated)
        let mean = try #require(comparison.geometricMean)
        let only = comparison.benchmarks[0]
        #expect(Self.close(mean.ratio, only.ratio) && Self.close(mean.ci[0], only.ci[0]) && Self.close(mean.ci[1], only.ci[1]))
    }

    @Test func higherIsBetterFlipsTheVerdict() {
        func rate(_ value: Double) -> MeasuredRun {
            MeasuredRun(results: [
                BenchmarkResult(
                    name: "a", unit: "ops/s", samples: [value, value * 1.001, value * 1.002],
                    stats: SummaryStats(samples: [value, value * 1.001, value * 1.002])!)
            ])
        }
        #expect(Comparator.compare(before: [rate(100)], after: [rate(300)], noise: Self.calibrated).benchmarks[0].verdict == .improved)
    }

    @Test func unitsThatDifferAreNeverCompared() {
        let seconds = MeasuredRun(results: [BenchmarkResult(name: "a", unit: "s", samples: [1, 1, 1], stats: SummaryStats(samples: [1, 1, 1])!)])
        let bytes = MeasuredRun(results: [BenchmarkResult(name: "a", unit: "B", samples: [9, 9, 9], stats: SummaryStats(samples: [9, 9, 9])!)])
        let b = Comparator.compare(before: [seconds], after: [bytes], noise: Self.calibrated).benchmarks[0]
        #expect(b.verdict == .inconclusive && b.ci.isEmpty && b.reason?.contains("units differ") == true)
    }

    @Test func moreLooksWidenTheInterval() {
        let before = [Self.run(["a": 1.0])], after = [Self.run(["a": 1.2])]
        let single = Comparator.compare(before: before, after: after, noise: Self.calibrated).benchmarks[0]
        let sequential = Comparator.compare(before: before, after: after, noise: Self.calibrated, options: ComparisonOptions(maxLooks: 6)).benchmarks[0]
        #expect(sequential.ci[0] < single.ci[0] && sequential.ci[1] > single.ci[1])
    }

    @Test func aQuantileOfTheRoundsIsTheRunValue() throws {
        let samples = (1...100).map(Double.init)
        let value = try #require(RunLevel.value(of: BenchmarkResult(name: "a", unit: "s", samples: samples, stats: SummaryStats(samples: samples)!)))
        #expect(Self.close(exp(value.log), exp(SummaryStats.quantile(samples.map { log($0) }, RunLevel.quantile))))
        #expect(value.withinError > 0 && value.rounds == 100)
    }
}
