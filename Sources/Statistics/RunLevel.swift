import Results

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One run's results as a comparison sees them. The run, not the round, is the unit of replication:
/// the rounds of one process run share its machine state (frequency, cache, other load), so between
/// runs of identical code the run's value moves far more than the rounds inside it suggest.
public struct MeasuredRun: Sendable, Equatable {
    public var results: [BenchmarkResult]
    /// Set when the machine was busy with other work during the run (see `Disturbance`); such a run
    /// never supports an improved or regressed verdict.
    public var disturbed: String?
    /// Runs measured in one interleaved re-run session share an id; within it, `order` says which
    /// came first, so adjacent A/B pairs can be formed.
    public var session: String?
    public var order: Int?

    public init(results: [BenchmarkResult], disturbed: String? = nil, session: String? = nil, order: Int? = nil) {
        self.results = results
        self.disturbed = disturbed
        self.session = session
        self.order = order
    }
}

/// Reduces one benchmark's rounds within one run to the run's value, on a log scale.
public enum RunLevel {
    /// The quantile of the rounds that stands for the run: the 25th percentile. Chosen by replaying
    /// recorded A/A runs of two real suites (Tests/Fixtures/recorded, Documentation/Noise.md): the run
    /// minimum moves least between runs on average, but it is heavy-tailed (one run's minimum 69% above
    /// the others'), and one-run-a-side comparisons on it gave false verdicts in 29–67% of A/A pairs; the
    /// 25th percentile and the median gave none, and the 25th percentile is less moved by interference,
    /// which only ever adds time.
    public static let quantile = 0.25

    /// A run's value of one benchmark: `log` of the chosen quantile of its rounds, and that estimate's
    /// own standard error within the run (also on the log scale).
    public struct Value: Sendable, Equatable {
        public var log: Double
        public var withinError: Double
        public var rounds: Int

        public init(log: Double, withinError: Double, rounds: Int) {
            self.log = log
            self.withinError = withinError
            self.rounds = rounds
        }
    }

    /// Nil when the benchmark has no positive value to take a log of.
    public static func value(of result: BenchmarkResult, quantile p: Double = quantile) -> Value? {
        if let samples = result.samples?.filter({ $0.isFinite }), !samples.isEmpty {
            guard let smallest = samples.min(), smallest > 0 else { return nil }
            let logs = samples.map { log($0) }.sorted()
            return Value(log: SummaryStats.quantile(logs, p), withinError: quantileError(sortedLogs: logs, p: p), rounds: logs.count)
        }
        return fromSummary(result.stats, p: p)
    }

    /// Distribution-free: the order statistics at n·p ± z·√(n·p·(1−p)) bracket the quantile with about
    /// 95% probability, so their distance over 2z is its standard error. Too few rounds to bracket
    /// gives half the range, a generous error.
    static func quantileError(sortedLogs x: [Double], p: Double) -> Double {
        let n = x.count
        guard n > 1 else { return 0 }
        let z = 1.959963984540054
        let centre = Double(n) * p
        let reach = z * (Double(n) * p * (1 - p)).squareRoot()
        let lo = Int((centre - reach).rounded(.down)), hi = Int((centre + reach).rounded(.up))
        guard lo >= 0, hi <= n - 1 else { return (x[n - 1] - x[0]) / 2 }
        return (x[hi] - x[lo]) / (2 * z)
    }

    /// Without raw rounds: the quantile read off min/q1/median/q3/max by linear interpolation, and its
    /// error from the interquartile spread as for a normal sample (σ ≈ IQR/1.349).
    static func fromSummary(_ s: SummaryStats, p: Double) -> Value? {
        let points: [(Double, Double)] = [(0, s.min), (0.25, s.q1), (0.5, s.median), (0.75, s.q3), (1, s.max)]
        guard points.allSatisfy({ $0.1 > 0 && $0.1.isFinite }) else {
            guard s.mean > 0, s.mean.isFinite else { return nil }
            return Value(log: log(s.mean), withinError: 0, rounds: s.n)
        }
        var q = s.median
        for (a, b) in zip(points, points.dropFirst()) where p >= a.0 && p <= b.0 {
            q = a.1 + (p - a.0) / (b.0 - a.0) * (b.1 - a.1)
            break
        }
        let sigma = (log(s.q3) - log(s.q1)) / 1.3489795003921634
        let density = Normal.pdf(Normal.quantile(p)) / max(sigma, .leastNonzeroMagnitude)
        let error = s.n > 1 && sigma > 0 ? (p * (1 - p) / Double(s.n)).squareRoot() / density : 0
        return Value(log: log(q), withinError: error, rounds: s.n)
    }
}

/// A spread learned from repeated runs of one tree on one machine: the standard deviation of a run's
/// log value (so 0.05 ≈ 5%), with the degrees of freedom it rests on.
public struct LearnedSpread: Codable, Sendable, Equatable {
    public var spread: Double
    public var degreesOfFreedom: Int

    public init(spread: Double, degreesOfFreedom: Int) {
        self.spread = spread
        self.degreesOfFreedom = degreesOfFreedom
    }

    enum CodingKeys: String, CodingKey {
        case spread
        case degreesOfFreedom = "df"
    }

    /// Groups are runs of one tree on one machine, as log values of one benchmark. The spread is read off
    /// the 90th percentile of the absolute differences between two runs of the same group, scaled as for
    /// a normal distribution (|X − Y| ~ |N(0, 2σ²)| has its 90th percentile at 1.6449·√2·σ). A median-based
    /// (MAD, Shamos) estimate ignores the heavy tails real runs have: on the recorded A/A runs it let
    /// 51–98% of one-run-a-side comparisons call a change, against 0% with this one. Nil below 2 degrees
    /// of freedom.
    public static func estimate(groups: [[Double]]) -> LearnedSpread? {
        var differences: [Double] = []
        var df = 0
        for group in groups where group.count > 1 {
            df += group.count - 1
            for i in group.indices {
                for j in group.indices where j > i { differences.append(abs(group[i] - group[j])) }
            }
        }
        guard df >= 2, !differences.isEmpty else { return nil }
        differences.sort()
        let spread = SummaryStats.quantile(differences, 0.9) / (1.6448536269514722 * 2.0.squareRoot())
        return LearnedSpread(spread: spread, degreesOfFreedom: df)
    }
}

/// Where the spread behind a verdict came from.
public enum NoiseSource: String, Codable, Sendable, Equatable {
    /// The runs of this comparison (several a side), with the learned spread as prior when there is one.
    case runs
    /// The spread learned on this machine (`perfjournal calibrate`, re-runs): one run a side.
    case calibration
    /// Nothing learned and one run a side: a conservative spread measured on a noisy 2-core machine.
    case `default`
}

/// The spread each benchmark's run values have on one machine, learned from repeated runs.
public struct NoiseModel: Sendable, Equatable {
    public var byBenchmark: [String: LearnedSpread]

    public init(byBenchmark: [String: LearnedSpread] = [:]) {
        self.byBenchmark = byBenchmark
    }

    public static let none = NoiseModel()

    /// Used with one run a side when nothing was learned: between-run spreads of 10–28% were measured for
    /// real suites on a shared 2-core machine (Documentation/Noise.md), so 20% with few degrees of freedom
    /// only lets very large changes through, and says so.
    public static let conservativeDefault = LearnedSpread(spread: 0.20, degreesOfFreedom: 4)

    /// The spread of the geometric mean of a run's benchmarks. Drift moves every benchmark of a run
    /// together, so the spreads are treated as fully correlated: the mean of the spreads, an upper bound.
    public func composite(of names: [String]) -> LearnedSpread? {
        let known = names.compactMap { byBenchmark[$0] }
        guard !known.isEmpty, known.count == names.count else { return nil }
        return LearnedSpread(
            spread: known.map(\.spread).reduce(0, +) / Double(known.count),
            degreesOfFreedom: known.map(\.degreesOfFreedom).min()!)
    }
}

extension NoiseModel {
    /// What repeated runs teach: `trees` holds, for each tree measured more than once on one machine, its
    /// runs as log run values by benchmark. The one place both the store's learner and the replays of
    /// recorded runs turn runs into spreads.
    public static func learned(fromTrees trees: [[[String: Double]]]) -> NoiseModel {
        var groups: [String: [[Double]]] = [:]
        for runs in trees where runs.count > 1 {
            var perBenchmark: [String: [Double]] = [:]
            for run in runs { for (name, value) in run { perBenchmark[name, default: []].append(value) } }
            for (name, values) in perBenchmark where values.count > 1 { groups[name, default: []].append(values) }
        }
        return NoiseModel(byBenchmark: groups.compactMapValues { LearnedSpread.estimate(groups: $0) })
    }

    /// One run's log run value of each benchmark (the first of a repeated name).
    public static func runValues(_ results: [BenchmarkResult]) -> [String: Double] {
        Dictionary(
            results.compactMap { result in RunLevel.value(of: result).map { (result.name, $0.log) } },
            uniquingKeysWith: { first, _ in first })
    }
}

/// The run-level comparison of one benchmark (or the composite): before's and after's run values,
/// a t statistic on the difference of their means on the log scale.
public enum RunLevelTest {
    public struct Estimate: Sendable, Equatable {
        /// mean(after) − mean(before), log scale: exp(shift) is the ratio of the runs' geometric means.
        public var shift: Double
        public var standardError: Double
        public var degreesOfFreedom: Double
        public var p: Double
        public var lower: Double
        public var upper: Double
        /// The run-to-run spread used (log scale).
        public var noise: Double
        public var source: NoiseSource
        /// True when adjacent A/B pairs of one session were analysed (drift cancels in the differences).
        public var paired: Bool
    }

    /// - `learned`: this machine's spread for the benchmark, if any.
    /// - `pairs`: (before, after) log values of adjacent runs of one interleaved session, if any.
    /// The spread: with several runs a side, the runs' own pooled variance, combined with the learned one
    /// (else `NoiseModel.conservativeDefault`) as a prior worth its degrees of freedom, (ν₀σ₀² + νs²)/(ν₀ + ν);
    /// with one run a side, the learned spread, else the default. Without the prior, re-runs of the
    /// recorded A/A suites called a change in 12–28% of replays; with it, 0–2% (Documentation/Noise.md). A run whose own within-run error is larger
    /// than the spread counts with that error instead. With 3 or more pairs, the paired analysis is used
    /// when its interval is narrower: slow drift then cancels in each pair's difference.
    public static func estimate(
        before: [RunLevel.Value], after: [RunLevel.Value], learned: LearnedSpread?,
        pairs: [(before: Double, after: Double)] = [], confidence: Double
    ) -> Estimate? {
        guard !before.isEmpty, !after.isEmpty else { return nil }
        let meanBefore = before.map(\.log).reduce(0, +) / Double(before.count)
        let meanAfter = after.map(\.log).reduce(0, +) / Double(after.count)
        let shift = meanAfter - meanBefore

        let observedDF = (before.count - 1) + (after.count - 1)
        var variance: Double
        var df: Double
        var source: NoiseSource
        if observedDF >= 1 {
            // Two or three runs say little about their own spread: the learned spread, or the conservative
            // default, stays in as a prior worth its degrees of freedom.
            let prior = learned ?? NoiseModel.conservativeDefault
            let ss =
                before.reduce(0.0) { $0 + ($1.log - meanBefore) * ($1.log - meanBefore) }
                + after.reduce(0.0) { $0 + ($1.log - meanAfter) * ($1.log - meanAfter) }
            let priorDF = Double(prior.degreesOfFreedom)
            variance = (priorDF * prior.spread * prior.spread + ss) / (priorDF + Double(observedDF))
            df = priorDF + Double(observedDF)
            source = .runs
        } else if let learned {
            variance = learned.spread * learned.spread
            df = Double(learned.degreesOfFreedom)
            source = .calibration
        } else {
            let fallback = NoiseModel.conservativeDefault
            variance = fallback.spread * fallback.spread
            df = Double(fallback.degreesOfFreedom)
            source = .default
        }
        func sideVariance(_ values: [RunLevel.Value]) -> Double {
            values.reduce(0.0) { $0 + max(variance, $1.withinError * $1.withinError) } / Double(values.count * values.count)
        }
        var se = (sideVariance(before) + sideVariance(after)).squareRoot()
        var paired = false
        var estimateShift = shift
        let tail = (1 - confidence) / 2
        if pairs.count >= 3 {
            let differences = pairs.map { $0.after - $0.before }
            let k = Double(differences.count)
            let mean = differences.reduce(0, +) / k
            let pairedVariance = differences.reduce(0.0) { $0 + ($1 - mean) * ($1 - mean) } / (k - 1)
            let pairedSE = (pairedVariance / k).squareRoot()
            let pairedDF = k - 1
            if pairedSE > 0,
                StudentT.quantile(1 - tail, df: pairedDF) * pairedSE < StudentT.quantile(1 - tail, df: df) * se
            {
                se = pairedSE
                df = pairedDF
                estimateShift = mean
                paired = true
            }
        }
        guard se.isFinite, se > 0 else { return nil }
        let t = estimateShift / se
        let p = min(1, 2 * StudentT.sf(abs(t), df: df))
        let reach = StudentT.quantile(1 - tail, df: df) * se
        return Estimate(
            shift: estimateShift, standardError: se, degreesOfFreedom: df, p: p,
            lower: estimateShift - reach, upper: estimateShift + reach, noise: variance.squareRoot(), source: source,
            paired: paired)
    }

    /// The smallest change one run a side can call improved or regressed at this spread, among `benchmarks`
    /// benchmarks: the first step of Holm's correction tests at alpha / benchmarks, and the change must also
    /// clear the minimum effect.
    public static func decidableChange(_ learned: LearnedSpread, benchmarks: Int, options: ComparisonOptions) -> Double {
        let tail = options.alphaPerLook / Double(max(1, benchmarks)) / 2
        let reach = StudentT.quantile(1 - tail, df: Double(max(1, learned.degreesOfFreedom))) * learned.spread * 2.0.squareRoot()
        return max(exp(reach) - 1, options.minEffect)
    }

    /// Runs a side that would bring the interval's half-width down to the minimum effect at this spread:
    /// half-width = t·σ·√(2/n), so n = 2·(t·σ / log(1 + minEffect))², with t at the spread's degrees of freedom.
    public static func runsNeeded(noise: Double, degreesOfFreedom: Double, minEffect: Double, confidence: Double, current: Int) -> Int {
        let t = StudentT.quantile(1 - (1 - confidence) / 2, df: max(degreesOfFreedom, 1))
        let target = log(1 + minEffect)
        var needed = 2 * (t * noise / target) * (t * noise / target)
        if !needed.isFinite || needed > 100_000 { needed = 100_000 }
        return max(Int(needed.rounded(.up)), current + 1, 2)
    }
}
