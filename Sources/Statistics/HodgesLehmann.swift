// swift-format-ignore-file
import Results

/// The Hodges-Lehmann shift estimate between two samples and its distribution-free confidence interval:
/// the estimate is the median of all pairwise differences y_j − x_i, and the interval's ends are the
/// order statistics of those differences at the Mann-Whitney critical value (Hollander & Wolfe), so it
/// is the interval that matches the U test.
///
/// The n·m differences are never materialized: order statistics are found by searching on the value
/// with an O(n + m) two-pointer count over the sorted samples, so 1,000 × 1,000 samples cost a few
/// dozen linear passes instead of a million-element array and sort.
public enum HodgesLehmann {
    /// Shift of y relative to x (y − x) with a `confidence` interval (e.g. 0.95).
    /// Empty input gives NaNs. Callers wanting a ratio pass logs and exponentiate.
    public static func shiftInterval(_ x: [Double], _ y: [Double], confidence: Double = 0.95)
        -> (shift: Double, lower: Double, upper: Double)
    {
        let sx = x.sorted(), sy = y.sorted()
        let ranks = MannWhitneyU.test(sortedX: sx, sortedY: sy)
        return shiftInterval(sortedX: sx, sortedY: sy, confidence: confidence, exact: ranks.exact, tieTerm: ranks.tieTerm)
    }

    /// On sorted samples; `exact` and `tieTerm` come from the U test on the same data, so the interval
    /// uses the same null distribution as the p-value.
    static func shiftInterval(sortedX x: [Double], sortedY y: [Double], confidence: Double, exact: Bool, tieTerm: Double)
        -> (shift: Double, lower: Double, upper: Double)
    {
        let n = x.count, m = y.count
        guard n > 0, m > 0 else { return (.nan, .nan, .nan) }
        var differences = PairwiseDifferences(x: x, y: y)
        let total = n * m
        let shift: Double
        if total % 2 == 1 {
            shift = differences.orderStatistic((total + 1) / 2)
        } else {
            shift = (differences.orderStatistic(total / 2) + differences.orderStatistic(total / 2 + 1)) / 2
        }
        let k = criticalRank(n: n, m: m, confidence: confidence, exact: exact, tieTerm: tieTerm)
        let lower = differences.orderStatistic(k)
        let upper = differences.orderStatistic(total + 1 - k)
        return (shift, lower, upper)
    }

    /// The rank k such that [D_(k), D_(nm+1−k)] covers the shift with probability ≥ `confidence`:
    /// the largest k with P(U ≤ k − 1) ≤ (1 − confidence)/2. Like R's `wilcox.test`, k is at least 1,
    /// so tiny samples get the full range of differences rather than an unbounded interval.
    static func criticalRank(n: Int, m: Int, confidence: Double, exact: Bool, tieTerm: Double) -> Int {
        let tail = (1 - confidence) / 2
        let total = n * m
        let half = (total + 1) / 2
        var k: Int
        if exact {
            let cdf = ExactU.cdf(n1: n, n2: m, upTo: half)
            k = 0
            while k < half && cdf[k] <= tail { k += 1 }  // cdf[k] = P(U ≤ k), so P(U ≤ k−1) ≤ tail holds for k
        } else {
            // Normal approximation with the tie-corrected variance and continuity correction used by the test.
            let nn = Double(n), mm = Double(m), big = nn + mm
            let sigma = (nn * mm / 12 * ((big + 1) - tieTerm / (big * (big - 1)))).squareRoot()
            let z = Normal.quantile(1 - tail)
            let value = (nn * mm / 2 - z * sigma + 0.5).rounded(.down)
            k = value.isFinite ? Int(max(0, min(Double(half), value))) : 0
        }
        return max(1, min(k, half))
    }
}

/// The multiset { y_j − x_i } over sorted x and y, queried by rank without being built.
/// Every count pass is remembered, so later ranks (the median's neighbour, the interval's ends, all
/// near the middle) start from the brackets and slopes earlier searches found.
struct PairwiseDifferences {
    let x: [Double]
    let y: [Double]
    /// Count passes made so far (each O(n + m)).
    private(set) var passes = 0
    private(set) var probes: [Probe] = []

    struct Probe {
        var value: Double
        var count: Int
        var largestAtMost: Double
        var smallestAbove: Double
    }

    /// All differences, sorted, when there are few enough that building them is cheapest.
    private let all: [Double]?

    /// Up to `materializingUpTo` differences are simply built and sorted once; beyond that they are searched.
    init(x: [Double], y: [Double], materializingUpTo limit: Int = 64) {
        self.x = x
        self.y = y
        all = x.count * y.count <= limit ? x.flatMap { xi in y.map { $0 - xi } }.sorted() : nil
        hint = all == nil ? Self.hint(x: x, y: y) : nil
    }

    /// How many differences are ≤ v, with the largest difference ≤ v and the smallest one > v
    /// (±infinity when there is none). Differences fall as x rises, so the boundary in y only moves right.
    func count(atMost v: Double) -> Probe {
        var count = 0
        var largest = -Double.infinity
        var smallest = Double.infinity
        x.withUnsafeBufferPointer { x in
            y.withUnsafeBufferPointer { y in
                var j = 0
                let m = y.count
                for xi in x {
                    while j < m && y[j] - xi <= v { j += 1 }
                    count += j
                    if j > 0 { largest = max(largest, y[j - 1] - xi) }
                    if j < m { smallest = min(smallest, y[j] - xi) }
                }
            }
        }
        return Probe(value: v, count: count, largestAtMost: largest, smallestAbove: smallest)
    }

    /// Below this many candidates, listing and sorting them beats another count pass or two.
    static let enumerationLimit = 32

    /// Every difference in [low, high], by the same two-pointer walk as `count`.
    func differences(from low: Double, through high: Double) -> [Double] {
        var result: [Double] = []
        var start = 0, end = 0
        let m = y.count
        for xi in x {
            while start < m && y[start] - xi < low { start += 1 }
            if end < start { end = start }
            while end < m && y[end] - xi <= high { end += 1 }
            for j in start..<end { result.append(y[j] - xi) }
        }
        return result
    }

    /// A first guess at the count function near its middle, so the first probes land close:
    /// the median difference is near median(y) − median(x), and the differences' spread near
    /// sqrt(σx² + σy²) with σ estimated from the interquartile ranges (normal density at the centre).
    private let hint: (value: Double, slope: Double)?

    private static func hint(x: [Double], y: [Double]) -> (value: Double, slope: Double)? {
        guard !x.isEmpty, !y.isEmpty else { return nil }
        let middle = SummaryStats.quantile(y, 0.5) - SummaryStats.quantile(x, 0.5)
        let sx = (SummaryStats.quantile(x, 0.75) - SummaryStats.quantile(x, 0.25)) / 1.349
        let sy = (SummaryStats.quantile(y, 0.75) - SummaryStats.quantile(y, 0.25)) / 1.349
        let spread = (sx * sx + sy * sy).squareRoot()
        guard spread > 0, spread.isFinite, middle.isFinite else { return nil }
        return (middle, Double(x.count * y.count) * 0.3989 / spread)
    }

    /// The k-th smallest difference (1-based). A secant search on the count function through the two
    /// probes nearest to k, aimed a little past k on the side the nearest probe is not, so the bracket
    /// closes from both ends; bisection takes over when two probes in a row fail to halve the miss.
    /// It stops as soon as a count lands on k or k − 1 (the answer is then the neighbouring difference
    /// the pass reported), and every step removes at least one candidate value, so it always ends.
    mutating func orderStatistic(_ rank: Int) -> Double {
        let total = x.count * y.count
        guard total > 0 else { return .nan }
        let k = min(max(rank, 1), total)
        if let all { return all[k - 1] }
        let target = Double(k) - 0.5
        var slowSteps = 0
        var previousMiss = Double(total)
        while true {
            // Candidates are the differences in [low, high]; countBelowLow of them lie below low.
            var low = y[0] - x[x.count - 1], countBelowLow = 0
            var high = y[y.count - 1] - x[0], countAtMostHigh = total
            for probe in probes {
                if probe.count == k { return probe.largestAtMost }
                if probe.count == k - 1 { return probe.smallestAbove }
                if probe.count > k {
                    if probe.count < countAtMostHigh { (high, countAtMostHigh) = (probe.largestAtMost, probe.count) }
                } else if probe.count > countBelowLow {
                    (low, countBelowLow) = (probe.smallestAbove, probe.count)
                }
            }
            if low >= high { return high }
            let width = countAtMostHigh - countBelowLow

            if width <= Self.enumerationLimit {
                // Few candidates left: list them and pick, in one pass.
                let candidates = differences(from: low, through: high).sorted()
                let index = k - countBelowLow - 1
                if candidates.count == width && index >= 0 && index < width { return candidates[index] }
            }
            var v = low + (high - low) / 2
            if slowSteps < 2 {
                // Known points of the count function: every probe, plus the bracket's ends.
                func point(_ index: Int) -> (value: Double, count: Double) {
                    switch index {
                    case -2: return (low, Double(countBelowLow))
                    case -1: return (high, Double(countAtMostHigh))
                    default: return (probes[index].value, Double(probes[index].count))
                    }
                }
                var nearest = -2
                for index in -1..<probes.count where abs(point(index).count - target) < abs(point(nearest).count - target) {
                    nearest = index
                }
                let first = point(nearest)
                let miss = first.count - target
                // Aim past k on the side the nearest probe is not, so the next probe closes the other end.
                let aim = probes.isEmpty || width <= 16
                    ? 0 : -min(abs(miss) / 2, Double(width).squareRoot() / 2) * (miss > 0 ? 1 : -1)
                // The slope from a second point at a distance comparable to the way still to go, so a
                // secant through two nearly equal counts does not extrapolate far; else the hint's.
                var second: (value: Double, count: Double)?
                for index in -2..<probes.count where index != nearest {
                    let candidate = point(index)
                    guard candidate.value != first.value, abs(candidate.count - first.count) >= max(1, abs(miss) / 2) else { continue }
                    if let current = second, abs(current.count - target) <= abs(candidate.count - target) { continue }
                    second = candidate
                }
                if probes.isEmpty, let hint {
                    v = hint.value + (target - Double(total) / 2) / hint.slope
                } else if let second, abs(second.count - first.count) <= 4 * max(1, abs(miss)) || hint == nil {
                    v = first.value + (target + aim - first.count) * (second.value - first.value) / (second.count - first.count)
                } else if let hint {
                    v = first.value + (target + aim - first.count) / hint.slope
                }
            }
            if !(v >= low && v < high) { v = low + (high - low) / 2 }
            if !(v >= low && v < high) { v = low }
            let probe = count(atMost: v)
            probes.append(probe)
            passes += 1
            let miss = abs(Double(probe.count) - target)
            slowSteps = 2 * miss > previousMiss ? slowSteps + 1 : 0
            previousMiss = miss
        }
    }
}
