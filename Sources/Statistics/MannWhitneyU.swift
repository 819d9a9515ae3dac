#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The two-sided Mann-Whitney U test, replicating scipy 1.17.1's
/// `mannwhitneyu(x, y, alternative='two-sided', method='auto')`:
/// - 'auto' picks the exact null distribution when either sample has at most 8 values and there are
///   no ties; otherwise the normal approximation with tie correction and continuity correction.
/// - U is x's statistic, R₁ − n₁(n₁+1)/2 with average ranks; the p-value uses max(U₁, U₂).
public enum MannWhitneyU {
    /// `u` is x's U statistic; `method` is "exact" or "asymptotic" (or "none" for an empty sample, with NaNs).
    public static func test(_ x: [Double], _ y: [Double]) -> (u: Double, p: Double, method: String) {
        let r = test(sortedX: x.sorted(), sortedY: y.sorted())
        return (r.u, r.p, r.exact ? "exact" : "asymptotic")
    }

    /// What the test and the Hodges-Lehmann interval share: the rank statistics of two sorted samples.
    struct RankSummary {
        var u: Double
        var p: Double
        var exact: Bool
        /// Σ(t³ − t) over groups of tied values, for the tie-corrected variance.
        var tieTerm: Double
        var n1: Int
        var n2: Int
        var valid: Bool { n1 > 0 && n2 > 0 }
    }

    /// The test on already-sorted samples: one merge pass computes x's rank sum and the tie groups.
    static func test(sortedX x: [Double], sortedY y: [Double]) -> RankSummary {
        let n1 = x.count, n2 = y.count
        guard n1 > 0, n2 > 0 else { return RankSummary(u: .nan, p: .nan, exact: false, tieTerm: 0, n1: n1, n2: n2) }
        var i = 0, j = 0
        var rank = 0.0  // ranks used so far
        var rankSumX = 0.0
        var tieTerm = 0.0
        while i < n1 || j < n2 {
            let value = j >= n2 || (i < n1 && x[i] <= y[j]) ? x[i] : y[j]
            var countX = 0.0, countY = 0.0
            while i < n1 && x[i] == value { i += 1; countX += 1 }
            while j < n2 && y[j] == value { j += 1; countY += 1 }
            let count = countX + countY
            // Only NaN compares unequal to itself; there is no rank for it.
            if count == 0 { return RankSummary(u: .nan, p: .nan, exact: false, tieTerm: 0, n1: n1, n2: n2) }
            let averageRank = rank + (count + 1) / 2
            rankSumX += countX * averageRank
            rank += count
            tieTerm += count * count * count - count
        }
        let nx = Double(n1), ny = Double(n2)
        let u1 = rankSumX - nx * (nx + 1) / 2
        let u2 = nx * ny - u1
        let u = max(u1, u2)
        let exact = !(n1 > 8 && n2 > 8) && tieTerm == 0
        var p: Double
        if exact {
            // Two-sided: 2·P(U ≥ u) = 2·P(U ≤ n1·n2 − u) by symmetry.
            let k = Int(nx * ny - u)
            p = 2 * (ExactU.cdf(n1: n1, n2: n2, upTo: k).last ?? 1)
        } else {
            let n = nx + ny
            let sigma = (nx * ny / 12 * ((n + 1) - tieTerm / (n * (n - 1)))).squareRoot()
            let z = (u - nx * ny / 2 - 0.5) / sigma
            p = 2 * Normal.sf(z)
            if z.isNaN { p = 1 }  // every value identical, as scipy: -0.5/0 → p clipped to 1
        }
        p = min(1, max(0, p))
        return RankSummary(u: u1, p: p, exact: exact, tieTerm: tieTerm, n1: n1, n2: n2)
    }
}

/// The exact null distribution of U for tie-free samples.
enum ExactU {
    /// P(U ≤ k) for k = 0...upTo. The counts are the coefficients of the Gaussian binomial
    /// [n1+n2 choose m]_q = Π_{i=1..m} (1 − q^(n+i)) / (1 − q^i), with m = min(n1, n2), n = max:
    /// dividing by (1 − q^i) is a running sum with stride i, multiplying by (1 − q^(n+i)) a shifted
    /// subtraction, so the cost is O(m · upTo) (scipy's Löffler recursion is O(upTo²)); Doubles are
    /// exact up to 2^53 and relatively accurate beyond.
    static func cdf(n1: Int, n2: Int, upTo k: Int) -> [Double] {
        guard k >= 0 else { return [] }
        let m = min(n1, n2), n = max(n1, n2)
        var coefficients = [Double](repeating: 0, count: k + 1)
        coefficients[0] = 1
        for i in stride(from: 1, through: m, by: 1) {
            if i <= k {
                for u in i...k { coefficients[u] += coefficients[u - i] }
            }
            let shift = n + i
            if shift <= k {
                for u in stride(from: k, through: shift, by: -1) { coefficients[u] -= coefficients[u - shift] }
            }
        }
        // Total count is binom(n1+n2, m), a short product since the exact test has m ≤ 8.
        var total = 1.0
        for i in stride(from: 1, through: m, by: 1) { total = total * Double(n + i) / Double(i) }
        var result = [Double](repeating: 0, count: k + 1)
        var running = 0.0
        for u in 0...k {
            running += coefficients[u]
            result[u] = running / total
        }
        return result
    }
}
