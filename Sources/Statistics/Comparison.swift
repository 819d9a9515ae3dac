import Results

/// What a comparison of one benchmark decided.
public enum Verdict: String, Codable, Sendable {
    case improved, regressed, unchanged, inconclusive
}

public struct ComparisonOptions: Sendable, Equatable {
    /// Family-wise error rate for the whole comparison (all benchmarks, all looks).
    public var alpha: Double = 0.05
    /// Smallest relative change worth calling improved or regressed; also the half-width of the
    /// "unchanged" band [1 − minEffect, 1 + minEffect].
    public var minEffect: Double = 0.01
    public var minEffectByBenchmark: [String: Double] = [:]
    /// Sequential design: at most this many looks at the data (`--rerun`).
    public var maxLooks: Int = 1

    public init(
        alpha: Double = 0.05, minEffect: Double = 0.01, minEffectByBenchmark: [String: Double] = [:],
        maxLooks: Int = 1
    ) {
        self.alpha = alpha
        self.minEffect = minEffect
        self.minEffectByBenchmark = minEffectByBenchmark
        self.maxLooks = maxLooks
    }

    /// The alpha spent at each look: Bonferroni, alpha / maxLooks. Re-running only the inconclusive
    /// benchmarks and pooling samples makes the looks dependent in ways a Pocock or O'Brien-Fleming
    /// boundary would have to model; Bonferroni needs no model and keeps the total error over all
    /// looks ≤ alpha (union bound), at the price of being conservative. It is the same at every look.
    public var alphaPerLook: Double { alpha / Double(max(1, maxLooks)) }

    /// Confidence of the interval used both for "whole CI on one side of 1" and for equivalence.
    public var confidence: Double { 1 - alphaPerLook }

    public func minEffect(for benchmark: String) -> Double { minEffectByBenchmark[benchmark] ?? minEffect }
}

/// The test behind a verdict.
public enum StatisticalTest: String, Codable, Sendable, Equatable {
    /// Run values of the two sides, t on the difference of their mean logs (`RunLevelTest`).
    case runLevelT = "run-level-t"
    /// Adjacent A/B runs of one interleaved session, t on their differences.
    case pairedT = "paired-t"
}

public struct BenchmarkComparison: Codable, Sendable, Equatable {
    public var name: String
    public var unit: String
    public var direction: Direction
    /// Every round of the runs used, pooled: for reading, not for the test.
    public var before: SummaryStats
    public var after: SummaryStats
    /// The centre of each side that `ratio` compares: the geometric mean of its runs' values
    /// (each run's value is the `RunLevel.quantile` of its rounds). Nil when no value could be formed.
    public var beforeValue: Double?
    public var afterValue: Double?
    /// afterValue / beforeValue. 1 when no ratio can be formed (then `ci` is empty and the verdict
    /// inconclusive). With a paired analysis, the mean ratio of adjacent pairs.
    public var ratio: Double
    /// [lo, hi] of the ratio at `ComparisonOptions.confidence`; empty when no ratio can be formed.
    public var ci: [Double]
    public var pValue: Double
    /// Holm-adjusted over every benchmark of the comparison.
    public var pAdjusted: Double
    public var test: StatisticalTest
    public var verdict: Verdict
    /// Runs on each side: the replicates of the test.
    public var runsBefore: Int
    public var runsAfter: Int
    /// The run-to-run spread used, as the standard deviation of a run's log value (0.05 ≈ 5%).
    public var noise: Double?
    public var noiseSource: NoiseSource?
    /// Always set for inconclusive; short.
    public var reason: String?
    /// Inconclusive only: the smallest relative effect this data could detect (the CI half-width).
    public var detectableEffect: Double?
    /// Inconclusive only: about how many runs a side would decide at the spread used.
    public var runsNeeded: Int?

    public init(
        name: String, unit: String, direction: Direction, before: SummaryStats, after: SummaryStats,
        ratio: Double, ci: [Double], pValue: Double, pAdjusted: Double, test: StatisticalTest, verdict: Verdict,
        runsBefore: Int = 1, runsAfter: Int = 1, reason: String? = nil
    ) {
        self.name = name
        self.unit = unit
        self.direction = direction
        self.before = before
        self.after = after
        self.ratio = ratio
        self.ci = ci
        self.pValue = pValue
        self.pAdjusted = pAdjusted
        self.test = test
        self.verdict = verdict
        self.runsBefore = runsBefore
        self.runsAfter = runsAfter
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case name, unit, direction, before, after, ratio, ci, test, verdict, reason, noise
        case beforeValue = "before_value"
        case afterValue = "after_value"
        case pValue = "p_value"
        case pAdjusted = "p_adjusted"
        case runsBefore = "runs_before"
        case runsAfter = "runs_after"
        case noiseSource = "noise_source"
        case detectableEffect = "detectable_effect"
        case runsNeeded = "runs_needed"
    }
}

extension SummaryStats {
    /// Several runs' rounds of one benchmark as one summary: raw rounds concatenated when every run kept
    /// them; otherwise the pooled mean and variance (within-run plus between-run parts) and the median
    /// of the runs' medians and quartiles.
    public static func pooled(_ parts: [BenchmarkResult]) -> SummaryStats {
        guard parts.count > 1 else {
            return parts.first?.stats ?? SummaryStats(n: 0, mean: .nan, stddev: .nan, median: .nan, min: .nan, max: .nan, q1: .nan, q3: .nan)
        }
        if parts.allSatisfy({ $0.samples != nil }), let stats = SummaryStats(samples: parts.flatMap { $0.samples! }) {
            return stats
        }
        let n = parts.reduce(0) { $0 + $1.stats.n }
        let mean = parts.reduce(0.0) { $0 + Double($1.stats.n) * $1.stats.mean } / Double(Swift.max(n, 1))
        let ss = parts.reduce(0.0) { acc, p in
            acc + Double(Swift.max(p.stats.n - 1, 0)) * p.stats.stddev * p.stats.stddev
                + Double(p.stats.n) * (p.stats.mean - mean) * (p.stats.mean - mean)
        }
        func medianOf(_ values: [Double]) -> Double { quantile(values.sorted(), 0.5) }
        return SummaryStats(
            n: n, mean: mean, stddev: n > 1 ? (ss / Double(n - 1)).squareRoot() : 0,
            median: medianOf(parts.map(\.stats.median)), min: parts.map(\.stats.min).min() ?? .nan, max: parts.map(\.stats.max).max() ?? .nan,
            q1: medianOf(parts.map(\.stats.q1)), q3: medianOf(parts.map(\.stats.q3)))
    }
}

/// The geometric mean of the per-benchmark ratios, oriented so that below 1 is better: ratios of
/// higher-is-better benchmarks are inverted first. Its interval comes from testing each run's
/// composite value (see `Comparator`), so benchmarks that drift together are not counted as independent.
public struct GeometricMean: Codable, Sendable, Equatable {
    public var ratio: Double
    public var ci: [Double]
    public var count: Int

    public init(ratio: Double, ci: [Double], count: Int) {
        self.ratio = ratio
        self.ci = ci
        self.count = count
    }
}

public struct Comparison: Codable, Sendable, Equatable {
    /// Benchmarks present on both sides, in the order of `after`.
    public var benchmarks: [BenchmarkComparison]
    /// Listed, not dropped, and not in the geometric mean.
    public var onlyBefore: [String]
    public var onlyAfter: [String]
    /// Over the shared benchmarks that have a positive ratio and interval; nil when there are none.
    public var geometricMean: GeometricMean?

    /// (By index: iterating the array would copy every comparison out of it.)
    public var anyRegressed: Bool { benchmarks.indices.contains { benchmarks[$0].verdict == .regressed } }

    public init(benchmarks: [BenchmarkComparison], onlyBefore: [String], onlyAfter: [String], geometricMean: GeometricMean?) {
        self.benchmarks = benchmarks
        self.onlyBefore = onlyBefore
        self.onlyAfter = onlyAfter
        self.geometricMean = geometricMean
    }

    enum CodingKeys: String, CodingKey {
        case benchmarks
        case onlyBefore = "only_before"
        case onlyAfter = "only_after"
        case geometricMean = "geometric_mean"
    }
}
