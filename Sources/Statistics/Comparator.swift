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

/// Decides, for every benchmark shared by two sides, whether `after` improved, regressed, is unchanged,
/// or whether the data cannot tell — counting a change only when it is beyond the run-to-run noise.
///
/// - The unit is the run: each run's rounds become one value (`RunLevel`), and the test is on those
///   values (`RunLevelTest`): several runs a side give their own spread; one run a side borrows the
///   spread learned on this machine (`NoiseModel`), or a conservative default, and says which.
/// - Holm's correction over all benchmarks of the comparison, at `alphaPerLook`.
/// - improved/regressed: Holm-adjusted p < alpha, the whole interval on one side of 1, |ratio − 1| ≥
///   minEffect, and no disturbed run on either side.
/// - unchanged: the interval lies inside [1 − minEffect, 1 + minEffect]. The interval is the same
///   (1 − alpha) one used for the directional call — one interval to show and to check by eye. For
///   equivalence that is a TOST at alpha/2 per side, more conservative than the usual (1 − 2·alpha).
public enum Comparator {
    /// One run a side, as when two result files are compared.
    public static func compare(
        before: [BenchmarkResult], after: [BenchmarkResult], noise: NoiseModel = .none,
        options: ComparisonOptions = .init()
    ) -> Comparison {
        compare(before: [MeasuredRun(results: before)], after: [MeasuredRun(results: after)], noise: noise, options: options)
    }

    public static func compare(
        before: [MeasuredRun], after: [MeasuredRun], noise: NoiseModel = .none, options: ComparisonOptions = .init()
    ) -> Comparison {
        let beforeNames = orderedNames(before), afterNames = orderedNames(after)
        let beforeSet = Set(beforeNames), afterSet = Set(afterNames)
        let shared = afterNames.filter { beforeSet.contains($0) }
        let sides = Parallel.map(shared) { name in
            BenchmarkSides(name: name, before: side(name, of: before), after: side(name, of: after))
        }
        let estimates = sides.map { sides in
            sides.problem == nil
                ? RunLevelTest.estimate(
                    before: sides.before.values, after: sides.after.values, learned: noise.byBenchmark[sides.name],
                    pairs: sides.pairs, confidence: options.confidence)
                : nil
        }
        let adjusted = Holm.adjust(estimates.map { $0?.p ?? 1 })
        var comparisons: [BenchmarkComparison] = []
        comparisons.reserveCapacity(sides.count)
        for index in sides.indices {
            comparisons.append(decide(sides[index], estimates[index], pAdjusted: adjusted[index], options: options))
        }
        return Comparison(
            benchmarks: comparisons, onlyBefore: beforeNames.filter { !afterSet.contains($0) },
            onlyAfter: afterNames.filter { !beforeSet.contains($0) },
            geometricMean: geometricMean(comparisons, sides: sides, noise: noise, options: options))
    }

    private static func orderedNames(_ runs: [MeasuredRun]) -> [String] {
        var seen = Set<String>()
        return runs.flatMap { $0.results.map(\.name) }.filter { seen.insert($0).inserted }
    }

    /// One benchmark's side: the runs that hold it (the undisturbed ones, when there are any).
    struct Side: Sendable {
        var results: [BenchmarkResult] = []
        var values: [RunLevel.Value] = []
        var runs: [MeasuredRun] = []
        /// Why the side could only use disturbed runs.
        var disturbed: String?
    }

    struct BenchmarkSides: Sendable {
        var name: String
        var before: Side
        var after: Side
        var pairs: [(before: Double, after: Double)] = []
        var problem: String?

        init(name: String, before: Side, after: Side) {
            self.name = name
            self.before = before
            self.after = after
            if let a = before.results.first?.unit, let b = after.results.first?.unit, a != b {
                problem = "units differ (\(a) vs \(b))"
            } else if before.values.count != before.results.count || after.values.count != after.results.count {
                problem = "values that are not positive; no ratio"
            }
            pairs = Self.adjacentPairs(name, before.runs, after.runs)
        }

        /// The i-th before and i-th after run of each interleaved session, by order.
        static func adjacentPairs(_ name: String, _ before: [MeasuredRun], _ after: [MeasuredRun]) -> [(before: Double, after: Double)] {
            var result: [(before: Double, after: Double)] = []
            let sessions = Set(before.compactMap(\.session)).intersection(after.compactMap(\.session))
            for session in sessions.sorted() {
                func values(_ runs: [MeasuredRun]) -> [Double] {
                    runs.filter { $0.session == session }.sorted { ($0.order ?? 0) < ($1.order ?? 0) }
                        .compactMap { run in run.results.first { $0.name == name }.flatMap { RunLevel.value(of: $0)?.log } }
                }
                result += zip(values(before), values(after)).map { (before: $0, after: $1) }
            }
            return result
        }
    }

    static func side(_ name: String, of runs: [MeasuredRun]) -> Side {
        let holding = runs.filter { run in run.results.contains { $0.name == name } }
        let quiet = holding.filter { $0.disturbed == nil }
        var side = Side()
        side.runs = quiet.isEmpty ? holding : quiet
        if quiet.isEmpty { side.disturbed = holding.compactMap(\.disturbed).first }
        side.results = side.runs.compactMap { run in run.results.first { $0.name == name } }
        side.values = side.results.compactMap { RunLevel.value(of: $0) }
        return side
    }

    private static func decide(
        _ sides: BenchmarkSides, _ estimate: RunLevelTest.Estimate?, pAdjusted: Double, options: ComparisonOptions
    ) -> BenchmarkComparison {
        let after = sides.after.results[0]
        var comparison = BenchmarkComparison(
            name: sides.name, unit: after.unit, direction: after.direction,
            before: SummaryStats.pooled(sides.before.results), after: SummaryStats.pooled(sides.after.results),
            ratio: 1, ci: [], pValue: estimate?.p ?? 1, pAdjusted: pAdjusted, test: estimate?.paired == true ? .pairedT : .runLevelT,
            verdict: .inconclusive, runsBefore: sides.before.results.count, runsAfter: sides.after.results.count)
        comparison.beforeValue = centre(sides.before.values)
        comparison.afterValue = centre(sides.after.values)
        guard let estimate else {
            comparison.reason = sides.problem ?? "no spread could be estimated"
            return comparison
        }
        comparison.noise = estimate.noise
        comparison.noiseSource = estimate.source
        let ratio = exp(estimate.shift), lower = exp(estimate.lower), upper = exp(estimate.upper)
        comparison.ratio = ratio
        comparison.ci = [lower, upper]
        let minEffect = options.minEffect(for: sides.name)
        let change = ratio - 1
        let halfWidth = (upper - lower) / 2
        let excludesOne = upper < 1 || lower > 1
        let significant = pAdjusted < options.alphaPerLook && excludesOne
        let disturbed = sides.before.disturbed ?? sides.after.disturbed

        if disturbed == nil {
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
        if let disturbed {
            comparison.reason = "every run on one side was disturbed (\(disturbed)); measure again on a quiet machine"
        } else if halfWidth >= minEffect {
            comparison.reason = "spread too large: ±\(percent(fraction: halfWidth)) noise vs \(percent(fraction: minEffect)) minimum effect"
        } else if significant {
            comparison.reason = "change of \(signedPercent(change)) is below the \(percent(fraction: minEffect)) minimum effect, "
                + "but its interval reaches \(signedPercent(reach))"
        } else {
            comparison.reason = "no significant change (\(pText(pAdjusted))), "
                + "but the interval reaches \(signedPercent(reach)), beyond the \(percent(fraction: minEffect)) minimum effect"
        }
        if estimate.source == .default {
            comparison.reason! += "; noise not calibrated on this machine: run `perfjournal calibrate`"
        }
        comparison.detectableEffect = halfWidth
        comparison.runsNeeded = RunLevelTest.runsNeeded(
            noise: estimate.noise, degreesOfFreedom: estimate.degreesOfFreedom, minEffect: minEffect,
            confidence: options.confidence, current: min(sides.before.values.count, sides.after.values.count))
        return comparison
    }

    /// The geometric mean of a side's run values (exp of their mean log): the centre the ratio is made of.
    static func centre(_ values: [RunLevel.Value]) -> Double? {
        guard !values.isEmpty else { return nil }
        return exp(values.map(\.log).reduce(0, +) / Double(values.count))
    }

    /// The geometric mean over benchmarks, tested like one benchmark: each run's composite value is the
    /// mean of its benchmarks' log values (higher-is-better ones negated), over the benchmarks every run
    /// of both sides holds. Drift moves a run's benchmarks together, so this keeps their correlation,
    /// and with one benchmark it is exactly that benchmark's interval.
    private static func geometricMean(
        _ comparisons: [BenchmarkComparison], sides: [BenchmarkSides], noise: NoiseModel, options: ComparisonOptions
    ) -> GeometricMean? {
        let usable = zip(comparisons, sides).filter { $0.0.ci.count == 2 && $0.1.problem == nil }.map(\.1)
        guard !usable.isEmpty else { return nil }
        func composite(_ side: KeyPath<BenchmarkSides, Side>) -> [RunLevel.Value]? {
            let count = usable[0][keyPath: side].values.count
            guard usable.allSatisfy({ $0[keyPath: side].values.count == count }) else { return nil }
            return (0..<count).map { index in
                var sum = 0.0, error = 0.0
                for benchmark in usable {
                    let value = benchmark[keyPath: side].values[index]
                    let orientation = benchmark[keyPath: side].results[index].direction == .lowerIsBetter ? 1.0 : -1.0
                    sum += orientation * value.log
                    error += value.withinError * value.withinError
                }
                let k = Double(usable.count)
                return RunLevel.Value(log: sum / k, withinError: error.squareRoot() / k, rounds: 0)
            }
        }
        guard let before = composite(\.before), let after = composite(\.after),
            let estimate = RunLevelTest.estimate(
                before: before, after: after, learned: noise.composite(of: usable.map(\.name)), confidence: options.confidence)
        else { return nil }
        return GeometricMean(
            ratio: exp(estimate.shift), ci: [exp(estimate.lower), exp(estimate.upper)], count: usable.count)
    }

    // MARK: - Wording

    /// "8.1%", "1%", "0.25%": one decimal, two below 1%, no trailing ".0".
    static func percent(fraction: Double) -> String {
        let value = abs(fraction) * 100
        return trimmed(value, decimals: value < 1 ? 2 : 1) + "%"
    }

    static func signedPercent(_ fraction: Double) -> String {
        (fraction < 0 ? "-" : "+") + percent(fraction: fraction)
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
