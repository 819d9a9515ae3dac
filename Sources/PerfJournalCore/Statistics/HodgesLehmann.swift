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
        let differences = PairwiseDifferences(x: x, y: y)
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
struct PairwiseDifferences {
    let x: [Double]
    let y: [Double]

    /// How many differences are ≤ v, with the largest difference ≤ v and the smallest one > v
    /// (±infinity when there is none). Differences fall as x rises, so the boundary in y only moves right.
    func count(atMost v: Double) -> (count: Int, largestAtMost: Double, smallestAbove: Double) {
        var count = 0
        var largest = -Double.infinity
        var smallest = Double.infinity
        var j = 0
        let m = y.count
        for xi in x {
            while j < m && y[j] - xi <= v { j += 1 }
            count += j
            if j > 0 { largest = max(largest, y[j - 1] - xi) }
            if j < m { smallest = min(smallest, y[j] - xi) }
        }
        return (count, largest, smallest)
    }

    /// The k-th smallest difference (1-based). Interpolation search on the value, falling back to
    /// bisection when a step shrinks the candidate range by less than half, and stopping as soon as a
    /// count lands on k or k − 1 (then the answer is the neighbouring difference the pass reported).
    /// Every step removes at least one candidate value, so it always ends.
    func orderStatistic(_ rank: Int) -> Double {
        let total = x.count * y.count
        let k = min(max(rank, 1), total)
        // Candidates are the differences in [low, high]; countBelowLow differences lie below low.
        var low = y[0] - x[x.count - 1]
        var high = y[y.count - 1] - x[0]
        var countBelowLow = 0
        var countAtMostHigh = total
        var bisect = false
        while low < high {
            var v: Double
            if bisect {
                v = low + (high - low) / 2
            } else {
                let fraction = (Double(k - countBelowLow) - 0.5) / Double(countAtMostHigh - countBelowLow)
                v = low + (high - low) * fraction
            }
            if !(v >= low && v < high) { v = low }
            let (c, largestAtMost, smallestAbove) = count(atMost: v)
            if c == k { return largestAtMost }
            if c == k - 1 { return smallestAbove }
            let widthBefore = countAtMostHigh - countBelowLow
            if c > k {
                high = largestAtMost
                countAtMostHigh = c
            } else {
                low = smallestAbove
                countBelowLow = c
            }
            bisect = 2 * (countAtMostHigh - countBelowLow) > widthBefore
        }
        return high
    }
}
