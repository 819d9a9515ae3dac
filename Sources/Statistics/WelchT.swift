/// Welch's unequal-variance t-test from summary statistics, equal to scipy's
/// `ttest_ind_from_stats(mean1, sd1, n1, mean2, sd2, n2, equal_var=False)` (two-sided).
public enum WelchT {
    /// `t` is (mean1 − mean2)/se; `df` the Welch–Satterthwaite degrees of freedom (1 when undefined,
    /// as scipy does for zero variances); `p` NaN when both variances are zero and the means are equal.
    public static func test(mean1: Double, sd1: Double, n1: Int, mean2: Double, sd2: Double, n2: Int)
        -> (t: Double, df: Double, p: Double)
    {
        let v1 = sd1 * sd1 / Double(n1)
        let v2 = sd2 * sd2 / Double(n2)
        var df = (v1 + v2) * (v1 + v2) / (v1 * v1 / Double(n1 - 1) + v2 * v2 / Double(n2 - 1))
        if df.isNaN { df = 1 }
        let t = (mean1 - mean2) / (v1 + v2).squareRoot()
        let p = t.isNaN ? Double.nan : min(1, 2 * StudentT.sf(abs(t), df: df))
        return (t, df, p)
    }
}
