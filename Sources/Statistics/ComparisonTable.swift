import Results
import Support

/// The human view of a comparison: one row per benchmark, a geometric-mean row, and what could not be compared.
package enum ComparisonTable {
    package static func render(_ comparison: Comparison, beforeLabel: String, afterLabel: String) -> String {
        var rows = [["benchmark", beforeLabel, afterLabel, "change [95% CI]", "p (Holm)", "n", "verdict"]]
        for b in comparison.benchmarks {
            rows.append([
                b.name,
                centre(b.before, b),
                centre(b.after, b),
                change(b.ratio, b.ci),
                pValue(b.pAdjusted),
                "\(b.before.n)/\(b.after.n)",
                b.verdict.rawValue,
            ])
        }
        if let g = comparison.geometricMean {
            rows.append(["geometric mean (\(g.count))", "", "", change(g.ratio, g.ci), "", "", ""])
        }
        var text = Display.table(rows, rightAligned: [1, 2, 4, 5])
        for b in comparison.benchmarks where b.verdict == .inconclusive {
            var why = "  \(b.name): \(b.reason ?? "inconclusive")"
            if let d = b.detectableEffect { why += "; smallest detectable change here ≈ \(Display.percentMagnitude(d))" }
            if let r = b.roundsNeeded { why += "; about \(r) rounds a side would decide it" }
            text += why + "\n"
        }
        if !comparison.onlyBefore.isEmpty { text += "only in \(beforeLabel): \(comparison.onlyBefore.joined(separator: ", "))\n" }
        if !comparison.onlyAfter.isEmpty { text += "only in \(afterLabel): \(comparison.onlyAfter.joined(separator: ", "))\n" }
        return text
    }

    /// "-12.3% [-13.0%, -11.5%]"; the interval is empty when no ratio could be formed.
    static func change(_ ratio: Double, _ ci: [Double]) -> String {
        guard ci.count == 2 else { return "n/a" }
        return "\(Display.percent(ratio)) [\(Display.percent(ci[0])), \(Display.percent(ci[1]))]"
    }

    /// Median ± IQR/2 with raw samples (the test is on medians); mean ± stddev otherwise.
    package static func centre(_ s: SummaryStats, _ b: BenchmarkComparison) -> String {
        b.test == "mann-whitney-u"
            ? Display.centreSpread(s.median, (s.q3 - s.q1) / 2, unit: b.unit)
            : Display.centreSpread(s.mean, s.stddev, unit: b.unit)
    }

    package static func pValue(_ p: Double) -> String {
        p < 0.001 ? "<0.001" : Display.significant(p)
    }
}

extension Display {
    /// A relative magnitude: 0.034 -> "3.4%".
    public static func percentMagnitude(_ x: Double) -> String {
        String(format: "%.1f%%", x * 100)
    }
}
