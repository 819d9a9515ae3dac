// swift-format-ignore-file
import Results
import Support

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Decides, for every benchmark shared by two result sets, whether `after` improved, regressed, is
/// unchanged, or whether the data cannot tell — counting a change only when it is beyond the noise.
///
/// - Raw samples on both sides: Mann-Whitney U p-value, Hodges-Lehmann ratio and interval on logs.
/// - Summary stats only on either side: Welch's t p-value; ratio of means with a delta-method
///   interval, se(R) = sqrt(s²ₐ/nₐ + R²·s²_b/n_b) / mean_b, using the Welch degrees of freedom.
///   (Delta rather than Fieller because it is always a finite interval; at R ≈ 1 its half-width is
///   the Welch test's own standard error, so the two agree.)
/// - Holm's correction over all benchmarks of the comparison, at `alphaPerLook`.
/// - improved/regressed: Holm-adjusted p < alpha, the whole interval on one side of 1, and
///   |ratio − 1| ≥ minEffect.
/// - unchanged: the interval lies inside [1 − minEffect, 1 + minEffect]. The interval is the same
///   (1 − alpha) one used for the directional call — one interval to show and to check by eye. For
///   equivalence that is a TOST at alpha/2 per side, more conservative than the usual (1 − 2·alpha);
///   "unchanged" is a claim too, and with hundreds of benchmarks the stricter level keeps false
///   "unchanged" calls rare without a separate correction.
/// - Fewer than `minimumSamples` on either side is always inconclusive.
public enum Comparator {
    /// Below this many samples a side, nothing is decided.
    public static let minimumSamples = 5

    public static func compare(before: [BenchmarkResult], after: [BenchmarkResult], options: ComparisonOptions = .init())
        -> Comparison
    {
        var beforeByName: [String: BenchmarkResult] = [:]
        for result in before where beforeByName[result.name] == nil { beforeByName[result.name] = result }
        var afterNames = Set<String>()
        var pairs: [(before: BenchmarkResult, after: BenchmarkResult)] = []
        var onlyAfter: [String] = []
        for result in after where afterNames.insert(result.name).inserted {
            if let old = beforeByName[result.name] { pairs.append((old, result)) } else { onlyAfter.append(result.name) }
        }
        var onlyBeforeSeen = Set<String>()
        let onlyBefore = before.map(\.name).filter { !afterNames.contains($0) && onlyBeforeSeen.insert($0).inserted }

        let confidence = options.confidence
        let estimates = Parallel.map(pairs.map { Pair(before: $0.before, after: $0.after) }) {
            estimate(before: $0.before, after: $0.after, confidence: confidence)
        }
        let adjusted = Holm.adjust(estimates.map(\.p))
        var comparisons: [BenchmarkComparison] = []
        comparisons.reserveCapacity(pairs.count)
        for (index, pair) in pairs.enumerated() {
            comparisons.append(decide(
                pair.before, pair.after, estimates[index], pAdjusted: adjusted[index], options: options))
        }
        return Comparison(
            benchmarks: comparisons, onlyBefore: onlyBefore, onlyAfter: onlyAfter,
            geometricMean: geometricMean(comparisons, estimates: estimates, options: options))
    }

    struct Pair: Sendable {
        var before: BenchmarkResult
        var after: BenchmarkResult
    }

    /// The numbers behind one benchmark's verdict.
    struct Estimate: Sendable {
        var ratio: Double?
        var lower = Double.nan
        var upper = Double.nan
        var p: Double
        var test: String
        var nBefore: Int
        var nAfter: Int
        /// Why no ratio could be formed.
        var problem: String?
    }

    static func estimate(before: BenchmarkResult, after: BenchmarkResult, confidence: Double) -> Estimate {
        let xs = before.samples?.filter(\.isFinite) ?? []
        let ys = after.samples?.filter(\.isFinite) ?? []
        var result: Estimate
        if !xs.isEmpty && !ys.isEmpty {
            result = rankEstimate(xs.sorted(), ys.sorted(), confidence: confidence)
        } else {
            result = welchEstimate(before.stats, after.stats, confidence: confidence)
        }
        if before.unit != after.unit { result.problem = "units differ (\(before.unit) vs \(after.unit))" }
        if result.problem == nil, let ratio = result.ratio,
            !(ratio.isFinite && result.lower.isFinite && result.upper.isFinite)
        {
            result.problem = "no finite ratio"
        }
        if result.problem != nil { result.ratio = nil }
        if result.p.isNaN { result.p = 1 }
        return result
    }

    private static func rankEstimate(_ x: [Double], _ y: [Double], confidence: Double) -> Estimate {
        let ranks = MannWhitneyU.test(sortedX: x, sortedY: y)
        var result = Estimate(p: ranks.p, test: "mann-whitney-u", nBefore: x.count, nAfter: y.count)
        if x[0] > 0 && y[0] > 0 {
            // log is monotone, so the logs of sorted samples are sorted.
            let interval = HodgesLehmann.shiftInterval(
                sortedX: x.map { log($0) }, sortedY: y.map { log($0) }, confidence: confidence,
                exact: ranks.exact, tieTerm: ranks.tieTerm)
            result.ratio = exp(interval.shift)
            result.lower = exp(interval.lower)
            result.upper = exp(interval.upper)
        } else {
            // Zero or negative values (some counters): shift on the raw scale, relative to before's median.
            let base = SummaryStats.quantile(x, 0.5)
            guard base > 0 else {
                result.problem = "before's median is not positive; no ratio"
                return result
            }
            let interval = HodgesLehmann.shiftInterval(
                sortedX: x, sortedY: y, confidence: confidence, exact: ranks.exact, tieTerm: ranks.tieTerm)
            result.ratio = 1 + interval.shift / base
            result.lower = 1 + interval.lower / base
            result.upper = 1 + interval.upper / base
        }
        return result
    }

    private static func welchEstimate(_ before: SummaryStats, _ after: SummaryStats, confidence: Double) -> Estimate {
        let welch = WelchT.test(
            mean1: after.mean, sd1: after.stddev, n1: after.n, mean2: before.mean, sd2: before.stddev, n2: before.n)
        var result = Estimate(p: welch.p, test: "welch-t", nBefore: before.n, nAfter: after.n)
        guard before.mean > 0 else {
            result.problem = "before's mean is not positive; no ratio"
            return result
        }
        let ratio = after.mean / before.mean
        let varianceAfter = after.n > 0 ? after.stddev * after.stddev / Double(after.n) : 0
        let varianceBefore = before.n > 0 ? before.stddev * before.stddev / Double(before.n) : 0
        let se = (varianceAfter + ratio * ratio * varianceBefore).squareRoot() / before.mean
        let halfWidth = se == 0 ? 0 : StudentT.quantile(1 - (1 - confidence) / 2, df: welch.df) * se
        result.ratio = ratio
        result.lower = ratio - halfWidth
        result.upper = ratio + halfWidth
        return result
    }

    private static func decide(
        _ before: BenchmarkResult, _ after: BenchmarkResult, _ estimate: Estimate, pAdjusted: Double,
        options: ComparisonOptions
    ) -> BenchmarkComparison {
        var comparison = BenchmarkComparison(
            name: after.name, unit: after.unit, direction: after.direction, before: before.stats, after: after.stats,
            ratio: 1, ci: [], pValue: estimate.p, pAdjusted: pAdjusted, test: estimate.test, verdict: .inconclusive)
        guard let ratio = estimate.ratio else {
            comparison.reason = estimate.problem ?? "no ratio"
            return comparison
        }
        let lower = estimate.lower, upper = estimate.upper
        comparison.ratio = ratio
        comparison.ci = [lower, upper]
        let minEffect = options.minEffect(for: after.name)
        let n = min(estimate.nBefore, estimate.nAfter)
        let change = ratio - 1
        let halfWidth = (upper - lower) / 2
        let excludesOne = upper < 1 || lower > 1
        let significant = pAdjusted < options.alphaPerLook && excludesOne

        if n >= minimumSamples {
            if significant && abs(change) >= minEffect {
                let faster = upper < 1
                comparison.verdict = (faster == (after.direction == .lowerIsBetter)) ? .improved : .regressed
                return comparison
            }
            if lower >= 1 - minEffect && upper <= 1 + minEffect {
                comparison.verdict = .unchanged
                return comparison
            }
        }

        let reach = upper - 1 > 1 - lower ? upper - 1 : lower - 1
        if n < minimumSamples {
            comparison.reason = "too few samples (n=\(n) < \(minimumSamples))"
        } else if halfWidth >= minEffect {
            comparison.reason = "spread too large: ±\(percent(halfWidth)) noise vs \(percent(minEffect)) minimum effect"
        } else if significant {
            comparison.reason = "change of \(signedPercent(change)) is below the \(percent(minEffect)) minimum effect, "
                + "but its interval reaches \(signedPercent(reach))"
        } else {
            comparison.reason = "no significant change (\(pText(pAdjusted))), "
                + "but the interval reaches \(signedPercent(reach)), beyond the \(percent(minEffect)) minimum effect"
        }
        comparison.detectableEffect = halfWidth
        comparison.roundsNeeded = roundsNeeded(n: n, halfWidth: halfWidth, minEffect: minEffect)
        return comparison
    }

    /// Samples per side that would decide if the spread stays as observed: the interval's half-width
    /// shrinks like 1/√n and must come down to the minimum effect, so n·(halfWidth/minEffect)².
    /// Deliberately not scaled to the observed change: a large change seen through large noise is
    /// mostly noise, and a small one needs the band's full width to be called unchanged.
    static func roundsNeeded(n: Int, halfWidth: Double, minEffect: Double) -> Int {
        let cap = 1_000_000.0
        let ratio = halfWidth / minEffect
        var needed = Double(max(n, 1)) * ratio * ratio
        if !needed.isFinite || needed > cap { needed = cap }
        return max(Int(needed.rounded(.up)), n + 1, minimumSamples)
    }

    private static func geometricMean(_ comparisons: [BenchmarkComparison], estimates: [Estimate], options: ComparisonOptions)
        -> GeometricMean?
    {
        let z = Normal.quantile(1 - options.alphaPerLook / 2)
        var sumLog = 0.0, sumVariance = 0.0, count = 0
        for (comparison, estimate) in zip(comparisons, estimates) {
            // Benchmarks too small to decide on would add intervals that are too narrow to trust.
            guard estimate.ratio != nil, comparison.ci.count == 2, comparison.ratio > 0, comparison.ci[0] > 0,
                min(estimate.nBefore, estimate.nAfter) >= minimumSamples
            else { continue }
            let orientation = comparison.direction == .lowerIsBetter ? 1.0 : -1.0
            sumLog += orientation * log(comparison.ratio)
            let se = (log(comparison.ci[1]) - log(comparison.ci[0])) / (2 * z)
            sumVariance += se * se
            count += 1
        }
        guard count > 0 else { return nil }
        let meanLog = sumLog / Double(count)
        let halfWidth = z * sumVariance.squareRoot() / Double(count)
        return GeometricMean(ratio: exp(meanLog), ci: [exp(meanLog - halfWidth), exp(meanLog + halfWidth)], count: count)
    }

    // MARK: - Wording

    /// "8.1%", "1%", "0.25%": one decimal, two below 1%, no trailing ".0".
    static func percent(_ fraction: Double) -> String {
        let value = abs(fraction) * 100
        return trimmed(value, decimals: value < 1 ? 2 : 1) + "%"
    }

    static func signedPercent(_ fraction: Double) -> String {
        (fraction < 0 ? "-" : "+") + percent(fraction)
    }

    /// "p_adjusted=0.214", or "p_adjusted<0.001".
    static func pText(_ p: Double) -> String {
        p < 0.001 ? "p_adjusted<0.001" : "p_adjusted=" + trimmed(p, decimals: 3)
    }

    private static func trimmed(_ value: Double, decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (value * scale).rounded()
        guard scaled.isFinite, abs(scaled) < 1e15 else { return "\(value)" }
        let whole = Int(scaled)
        let integerPart = whole / Int(scale)
        var fraction = String(whole % Int(scale))
        while fraction.count < decimals { fraction = "0" + fraction }
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return fraction.isEmpty ? "\(integerPart)" : "\(integerPart).\(fraction)"
    }
}
