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
    /// Sequential design: this is look `look` (1-based) of at most `maxLooks`.
    public var look: Int = 1
    public var maxLooks: Int = 1

    public init(
        alpha: Double = 0.05, minEffect: Double = 0.01, minEffectByBenchmark: [String: Double] = [:],
        look: Int = 1, maxLooks: Int = 1
    ) {
        self.alpha = alpha
        self.minEffect = minEffect
        self.minEffectByBenchmark = minEffectByBenchmark
        self.look = look
        self.maxLooks = maxLooks
    }

    /// The alpha spent at each look: Bonferroni, alpha / maxLooks. Re-running only the inconclusive
    /// benchmarks and pooling samples makes the looks dependent in ways a Pocock or O'Brien-Fleming
    /// boundary would have to model; Bonferroni needs no model and keeps the total error over all
    /// looks ≤ alpha (union bound), at the price of being conservative. It is the same at every look,
    /// so `look` does not change it — it is kept so callers can say where they are.
    public var alphaPerLook: Double { alpha / Double(max(1, maxLooks)) }

    /// Confidence of the interval used both for "whole CI on one side of 1" and for equivalence.
    public var confidence: Double { 1 - alphaPerLook }

    public func minEffect(for benchmark: String) -> Double { minEffectByBenchmark[benchmark] ?? minEffect }
}

public struct BenchmarkComparison: Codable, Sendable, Equatable {
    public var name: String
    public var unit: String
    public var direction: Direction
    public var before: SummaryStats
    public var after: SummaryStats
    /// after / before. With raw samples this is the Hodges-Lehmann ratio exp(median of log(after_j) −
    /// log(before_i)), which estimates the ratio of medians and always lies inside `ci` (the plain ratio
    /// of sample medians can fall outside it); with summary stats only, the ratio of means.
    /// 1 when no ratio can be formed (then `ci` is empty and the verdict inconclusive).
    public var ratio: Double
    /// [lo, hi] of the ratio at `ComparisonOptions.confidence`; empty when no ratio can be formed.
    public var ci: [Double]
    public var pValue: Double
    /// Holm-adjusted over every benchmark of the comparison.
    public var pAdjusted: Double
    /// "mann-whitney-u" | "welch-t"
    public var test: String
    public var verdict: Verdict
    /// Always set for inconclusive; short.
    public var reason: String?
    /// Inconclusive only: the smallest relative effect this data could detect (the CI half-width).
    public var detectableEffect: Double?
    /// Inconclusive only: about how many samples per side would decide at the observed spread.
    public var roundsNeeded: Int?

    public init(
        name: String, unit: String, direction: Direction, before: SummaryStats, after: SummaryStats,
        ratio: Double, ci: [Double], pValue: Double, pAdjusted: Double, test: String, verdict: Verdict,
        reason: String? = nil, detectableEffect: Double? = nil, roundsNeeded: Int? = nil
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
        self.reason = reason
        self.detectableEffect = detectableEffect
        self.roundsNeeded = roundsNeeded
    }

    enum CodingKeys: String, CodingKey {
        case name, unit, direction, before, after, ratio, ci, test, verdict, reason
        case pValue = "p_value"
        case pAdjusted = "p_adjusted"
        case detectableEffect = "detectable_effect"
        case roundsNeeded = "rounds_needed"
    }
}

/// The geometric mean of the per-benchmark ratios, oriented so that below 1 is better: ratios of
/// higher-is-better benchmarks are inverted first. Its CI treats the benchmarks as independent:
/// each benchmark's log-ratio standard error is read off its own interval as
/// (log hi − log lo) / (2·z), and the mean's error is sqrt(Σ se²) / count.
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

    public var anyRegressed: Bool { benchmarks.contains { $0.verdict == .regressed } }

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
