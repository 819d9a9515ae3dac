// swift-format-ignore-file
import Foundation
import Testing
import TestSupport
@testable import Results
@testable import Statistics

@Suite struct StatisticsComparatorTests {
    @Test func fewerThanFiveSamplesIsInconclusiveWithReason() throws {
        // Even a huge, clean-looking change is not decided on 3 samples.
        let before = timing("b", [1.0, 1.01, 0.99, 1.0, 1.02])
        let after = timing("b", [0.5, 0.51, 0.49])
        let result = try #require(Comparator.compare(before: [before], after: [after]).benchmarks.first)
        #expect(result.verdict == .inconclusive)
        #expect(result.reason == "too few samples (n=3 < 5)")
        #expect(result.roundsNeeded.map { $0 >= 5 } == true)
        #expect(result.detectableEffect != nil)
    }

    @Test func identicalSamplesAreNeverUnchangedBelowFive() throws {
        let result = try #require(Comparator.compare(
            before: [timing("b", [1, 1, 1, 1])], after: [timing("b", [1, 1, 1, 1])]).benchmarks.first)
        #expect(result.verdict == .inconclusive)
    }

    @Test func largeIdenticalDistributionsAreUnchanged() throws {
        var generator = SeededGenerator(seed: 11)
        let before = timing("b", generator.lognormal(mean: 2e-3, cv: 0.005, count: 200))
        let after = timing("b", generator.lognormal(mean: 2e-3, cv: 0.005, count: 200))
        let result = try #require(Comparator.compare(before: [before], after: [after]).benchmarks.first)
        #expect(result.verdict == .unchanged)
        #expect(result.reason == nil)
        #expect(result.ci[0] >= 0.99 && result.ci[1] <= 1.01)
        #expect(result.test == "mann-whitney-u")
    }

    @Test func directionDecidesImprovedOrRegressed() throws {
        var generator = SeededGenerator(seed: 12)
        let low = generator.lognormal(mean: 100, cv: 0.01, count: 30)
        let high = generator.lognormal(mean: 110, cv: 0.01, count: 30)
        // Times going up is a regression...
        let times = try #require(Comparator.compare(
            before: [timing("t", low)], after: [timing("t", high)]).benchmarks.first)
        #expect(times.verdict == .regressed)
        #expect(times.ratio > 1.08 && times.ratio < 1.12)
        #expect(times.ci[0] > 1)
        // ...rates going up is an improvement.
        let rates = try #require(Comparator.compare(
            before: [timing("r", low, unit: "ops/s")], after: [timing("r", high, unit: "ops/s")]).benchmarks.first)
        #expect(rates.direction == .higherIsBetter)
        #expect(rates.verdict == .improved)
        let ratesDown = try #require(Comparator.compare(
            before: [timing("r", high, unit: "ops/s")], after: [timing("r", low, unit: "ops/s")]).benchmarks.first)
        #expect(ratesDown.verdict == .regressed)
    }

    @Test func oneSidedBenchmarksAreListedAndLeftOutOfTheGeometricMean() throws {
        var generator = SeededGenerator(seed: 13)
        func sample(_ mean: Double) -> [Double] { generator.lognormal(mean: mean, cv: 0.01, count: 20) }
        let before = [timing("a", sample(1)), timing("b", sample(1)), timing("c", sample(1))]
        let after = [timing("d", sample(5)), timing("c", sample(1.1)), timing("b", sample(1.1))]
        let comparison = Comparator.compare(before: before, after: after)
        #expect(comparison.benchmarks.map(\.name) == ["c", "b"])  // after's order
        #expect(comparison.onlyBefore == ["a"])
        #expect(comparison.onlyAfter == ["d"])
        let mean = try #require(comparison.geometricMean)
        #expect(mean.count == 2)
        #expect(mean.ratio > 1.08 && mean.ratio < 1.12)
        #expect(mean.ci[0] < mean.ratio && mean.ratio < mean.ci[1])
        #expect(comparison.anyRegressed)
    }

    @Test func geometricMeanOrientsRatesSoBelowOneIsBetter() throws {
        var generator = SeededGenerator(seed: 14)
        let before = [timing("t", generator.lognormal(mean: 1, cv: 0.01, count: 20)),
                      timing("r", generator.lognormal(mean: 1, cv: 0.01, count: 20), unit: "ops/s")]
        let after = [timing("t", generator.lognormal(mean: 0.9, cv: 0.01, count: 20)),
                     timing("r", generator.lognormal(mean: 1 / 0.9, cv: 0.01, count: 20), unit: "ops/s")]
        let mean = try #require(Comparator.compare(before: before, after: after).geometricMean)
        #expect(abs(mean.ratio - 0.9) < 0.01)
    }

    @Test func perBenchmarkMinimumEffectOverrides() throws {
        var generator = SeededGenerator(seed: 15)
        let before = [timing("a", generator.lognormal(mean: 1, cv: 0.002, count: 40)),
                      timing("b", generator.lognormal(mean: 1, cv: 0.002, count: 40))]
        let after = [timing("a", generator.lognormal(mean: 1.03, cv: 0.002, count: 40)),
                     timing("b", generator.lognormal(mean: 1.03, cv: 0.002, count: 40))]
        let options = ComparisonOptions(minEffectByBenchmark: ["b": 0.05])
        let comparison = Comparator.compare(before: before, after: after, options: options)
        #expect(comparison.benchmarks[0].verdict == .regressed)  // 3% ≥ the default 1%
        #expect(comparison.benchmarks[1].verdict == .unchanged)  // 3% ± 0.1% lies inside ±5%
    }

    @Test func smallRealChangeBelowMinimumEffectIsNotACall() throws {
        var generator = SeededGenerator(seed: 16)
        // 0.8% change, clearly significant, but its interval pokes past the 1% band edge: inconclusive.
        let before = timing("a", generator.lognormal(mean: 1, cv: 0.01, count: 40))
        let after = timing("a", generator.lognormal(mean: 1.008, cv: 0.01, count: 40))
        let result = try #require(Comparator.compare(before: [before], after: [after]).benchmarks.first)
        #expect(result.verdict == .inconclusive)
        #expect(result.pAdjusted < 0.05 && result.ci[0] > 1)
        #expect(result.reason?.hasPrefix("change of +0.") == true, "\(result.reason ?? "")")
        #expect(result.reason?.contains("below the 1% minimum effect, but its interval reaches +1.") == true)
    }

    @Test func summaryOnlySideUsesWelch() throws {
        let before = BenchmarkResult(name: "b", unit: "s", samples: nil,
            stats: SummaryStats(n: 30, mean: 1.0, stddev: 0.01, median: 1, min: 0.98, max: 1.02, q1: 0.99, q3: 1.01))
        var generator = SeededGenerator(seed: 17)
        let after = timing("b", generator.lognormal(mean: 0.9, cv: 0.01, count: 30))
        let result = try #require(Comparator.compare(before: [before], after: [after]).benchmarks.first)
        #expect(result.test == "welch-t")
        #expect(result.verdict == .improved)
        #expect(abs(result.ratio - after.stats.mean) < 1e-12)
        let welch = WelchT.test(mean1: after.stats.mean, sd1: after.stats.stddev, n1: 30, mean2: 1, sd2: 0.01, n2: 30)
        #expect(result.pValue == welch.p)
    }

    @Test func zeroSpreadSummariesDecide() throws {
        // Deterministic counters (instruction counts, say): equal is unchanged, 5% more is regressed.
        func counter(_ value: Double) -> BenchmarkResult {
            BenchmarkResult(name: "c", unit: "instructions", samples: nil,
                stats: SummaryStats(n: 5, mean: value, stddev: 0, median: value, min: value, max: value, q1: value, q3: value))
        }
        #expect(Comparator.compare(before: [counter(100)], after: [counter(100)]).benchmarks[0].verdict == .unchanged)
        #expect(Comparator.compare(before: [counter(100)], after: [counter(105)]).benchmarks[0].verdict == .regressed)
    }

    @Test func holmAdjustsAcrossTheComparison() throws {
        var generator = SeededGenerator(seed: 18)
        let names = (0..<10).map { "b\($0)" }
        let before = names.map { timing($0, generator.lognormal(mean: 1, cv: 0.05, count: 20)) }
        let after = names.map { timing($0, generator.lognormal(mean: 1, cv: 0.05, count: 20)) }
        let comparison = Comparator.compare(before: before, after: after)
        let adjusted = Holm.adjust(comparison.benchmarks.map(\.pValue))
        #expect(comparison.benchmarks.map(\.pAdjusted) == adjusted)
        #expect(zip(adjusted, comparison.benchmarks).allSatisfy { $0 >= $1.pValue })
    }

    @Test func laterLooksUseAWiderInterval() throws {
        var generator = SeededGenerator(seed: 19)
        let before = timing("b", generator.lognormal(mean: 1, cv: 0.05, count: 20))
        let after = timing("b", generator.lognormal(mean: 1, cv: 0.05, count: 20))
        let single = Comparator.compare(before: [before], after: [after]).benchmarks[0]
        let sequential = Comparator.compare(before: [before], after: [after],
            options: ComparisonOptions(look: 2, maxLooks: 4)).benchmarks[0]
        #expect(ComparisonOptions(maxLooks: 4).alphaPerLook == 0.0125)
        #expect(sequential.ci[0] <= single.ci[0] && sequential.ci[1] >= single.ci[1])
        #expect(sequential.ci[1] - sequential.ci[0] > single.ci[1] - single.ci[0])
    }

    @Test func mismatchedUnitsAreInconclusive() throws {
        let values = (1...10).map(Double.init)
        let result = try #require(Comparator.compare(
            before: [timing("b", values, unit: "s")], after: [timing("b", values, unit: "B")]).benchmarks.first)
        #expect(result.verdict == .inconclusive)
        #expect(result.reason == "units differ (s vs B)")
        #expect(result.ci.isEmpty)
    }

    @Test func encodesSnakeCaseKeysAndFiniteNumbers() throws {
        var generator = SeededGenerator(seed: 20)
        let comparison = Comparator.compare(
            before: [timing("a", generator.lognormal(mean: 1, cv: 0.3, count: 8)), timing("z", [0, 0, 0, 0, 0])],
            after: [timing("a", generator.lognormal(mean: 1, cv: 0.3, count: 8)), timing("z", [0, 0, 1, 0, 0])])
        let data = try JSONEncoder().encode(comparison)
        let text = String(decoding: data, as: UTF8.self)
        for key in ["\"p_value\"", "\"p_adjusted\"", "\"detectable_effect\"", "\"rounds_needed\"", "\"only_before\"",
                    "\"only_after\"", "\"geometric_mean\""] {
            #expect(text.contains(key), "\(key)")
        }
        #expect(try JSONDecoder().decode(Comparison.self, from: data) == comparison)
        #expect(comparison.benchmarks[1].reason == "before's median is not positive; no ratio")
    }

    @Test func reasonsAreShortAndWorded() {
        #expect(Comparator.percent(0.081) == "8.1%")
        #expect(Comparator.percent(0.01) == "1%")
        #expect(Comparator.percent(0.0025) == "0.25%")
        #expect(Comparator.signedPercent(-0.013) == "-1.3%")
        #expect(Comparator.pText(0.2137) == "p_adjusted=0.214")
        #expect(Comparator.pText(0.00001) == "p_adjusted<0.001")
    }
}

@Suite struct StatisticsHodgesLehmannTests {
    /// Everything by brute force: all n·m differences, sorted.
    static func bruteForce(_ x: [Double], _ y: [Double], k: Int) -> (shift: Double, lower: Double, upper: Double) {
        let d = x.flatMap { xi in y.map { $0 - xi } }.sorted()
        let total = d.count
        let shift = total % 2 == 1 ? d[total / 2] : (d[total / 2 - 1] + d[total / 2]) / 2
        return (shift, d[k - 1], d[total - k])
    }

    @Test func selectionMatchesBruteForce() {
        var generator = SeededGenerator(seed: 30)
        let sizes = [(1, 1), (1, 7), (3, 4), (5, 5), (8, 30), (9, 9), (20, 20), (37, 50), (70, 80), (120, 90), (300, 400)]
        for (n, m) in sizes {
            for ties in [false, true] {
                var x = (0..<n).map { _ in generator.normal() }
                var y = (0..<m).map { _ in generator.normal() + 0.3 }
                if ties { x = x.map { ($0 * 3).rounded() }; y = y.map { ($0 * 3).rounded() } }
                let sx = x.sorted(), sy = y.sorted()
                let ranks = MannWhitneyU.test(sortedX: sx, sortedY: sy)
                let k = HodgesLehmann.criticalRank(n: n, m: m, confidence: 0.95, exact: ranks.exact, tieTerm: ranks.tieTerm)
                let expected = Self.bruteForce(x, y, k: k)
                let got = HodgesLehmann.shiftInterval(x, y, confidence: 0.95)
                #expect(got.shift == expected.shift, "\(n)x\(m) ties \(ties)")
                #expect(got.lower == expected.lower, "\(n)x\(m) ties \(ties)")
                #expect(got.upper == expected.upper, "\(n)x\(m) ties \(ties)")
            }
        }
    }

    @Test func everyOrderStatisticOfASmallSet() {
        let x = [0.0, 1, 1, 2.5, 7], y = [1.0, 1, 3, 3, 4, 10]
        let sorted = x.flatMap { xi in y.map { $0 - xi } }.sorted()
        for k in 1...sorted.count {
            var fresh = PairwiseDifferences(x: x, y: y, materializingUpTo: 0)
            #expect(fresh.orderStatistic(k) == sorted[k - 1], "k=\(k)")
        }
        // And in one shared search, in an awkward order.
        var shared = PairwiseDifferences(x: x, y: y, materializingUpTo: 0)
        for k in (1...sorted.count).reversed() where k % 3 != 0 { #expect(shared.orderStatistic(k) == sorted[k - 1]) }
    }

    /// At full size the differences are never built: check each answer by counting around it, and that
    /// the search stays a few dozen linear passes (the property the 500 × 1,000 × 1,000 budget rests on).
    @Test func largeSamplesAreSearchedInFewPasses() {
        var generator = SeededGenerator(seed: 31)
        let x = generator.lognormal(mean: 1, cv: 0.03, count: 1000).map { log($0) }.sorted()
        let y = generator.lognormal(mean: 1.02, cv: 0.05, count: 1000).map { log($0) }.sorted()
        var differences = PairwiseDifferences(x: x, y: y)
        let k = HodgesLehmann.criticalRank(n: 1000, m: 1000, confidence: 0.95, exact: false, tieTerm: 0)
        for rank in [500_000, 500_001, k, 1_000_001 - k, 1, 1_000_000] {
            let value = differences.orderStatistic(rank)
            #expect(differences.count(atMost: value).count >= rank, "rank \(rank)")
            #expect(differences.count(atMost: value.nextDown).count < rank, "rank \(rank)")
        }
        #expect(differences.passes < 60, "\(differences.passes) passes")
    }

    @Test func criticalRanksMatchPublishedTables() {
        // R's qwilcox(0.025, 5, 5) = 3, qwilcox(0.025, 8, 8) = 14, qwilcox(0.005, 10, 10) = 17 (α = 0.01),
        // checked by enumerating the recursion f(u; m, n) = f(u − n; m − 1, n) + f(u; m, n − 1) in Python.
        #expect(HodgesLehmann.criticalRank(n: 5, m: 5, confidence: 0.95, exact: true, tieTerm: 0) == 3)
        #expect(HodgesLehmann.criticalRank(n: 8, m: 8, confidence: 0.95, exact: true, tieTerm: 0) == 14)
        #expect(HodgesLehmann.criticalRank(n: 10, m: 10, confidence: 0.99, exact: true, tieTerm: 0) == 17)
        // Asymptotic at 20×20: 200 − 1.96·sqrt(400·41/12) + 0.5 = 128.04 → 128.
        #expect(HodgesLehmann.criticalRank(n: 20, m: 20, confidence: 0.95, exact: false, tieTerm: 0) == 128)
    }

    @Test func exactDistributionMatchesEnumeration() {
        // All C(7,3) = 35 placements of 3 x's among 7: count pairs x > y.
        var counts = [Int](repeating: 0, count: 13)
        for mask in 0..<(1 << 7) where mask.nonzeroBitCount == 3 {
            var u = 0, ysSeen = 0
            for position in 0..<7 { if mask & (1 << position) != 0 { u += ysSeen } else { ysSeen += 1 } }
            counts[u] += 1
        }
        let cdf = ExactU.cdf(n1: 3, n2: 4, upTo: 12)
        var running = 0
        for u in 0...12 {
            running += counts[u]
            #expect(abs(cdf[u] - Double(running) / 35) < 1e-15)
        }
    }
}

@Suite struct StatisticsRoundsNeededTests {
    @Test func scalesWithSquaredNoiseOverMinimumEffect() {
        // ±4% with 10 samples against a 1% minimum effect: 10·4² = 160.
        #expect(Comparator.roundsNeeded(n: 10, halfWidth: 0.04, minEffect: 0.01) == 160)
        // Never fewer than one more than we have, nor below the minimum.
        #expect(Comparator.roundsNeeded(n: 30, halfWidth: 0.005, minEffect: 0.01) == 31)
        #expect(Comparator.roundsNeeded(n: 2, halfWidth: 0, minEffect: 0.01) == 5)
        #expect(Comparator.roundsNeeded(n: 10, halfWidth: 1e9, minEffect: 0.01) == 1_000_000)
    }
}
