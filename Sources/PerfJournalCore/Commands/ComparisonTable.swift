/// The human view of a comparison: one row per benchmark, a geometric-mean row, and what could not be compared.
enum ComparisonTable {
    static func render(_ comparison: Comparison, beforeLabel: String, afterLabel: String) -> String {
        var rows = [["benchmark", beforeLabel, afterLabel, "change [95% CI]", "p (Holm)", "n", "verdict"]]
        for b in comparison.benchmarks {
            rows.append([
                b.name,
                centre(b.before, b),
                centre(b.after, b),
                "\(Display.percent(b.ratio)) [\(Display.percent(b.ci[0])), \(Display.percent(b.ci[1]))]",
                pValue(b.pAdjusted),
                "\(b.before.n)/\(b.after.n)",
                b.verdict.rawValue,
            ])
        }
        if let g = comparison.geometricMean {
            rows.append(["geometric mean (\(g.count))", "", "", "\(Display.percent(g.ratio)) [\(Display.percent(g.ci[0])), \(Display.percent(g.ci[1]))]", "", "", ""])
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

    /// Median ± IQR/2 with raw samples (the test is on medians); mean ± stddev otherwise.
    static func centre(_ s: SummaryStats, _ b: BenchmarkComparison) -> String {
        b.test == "mann-whitney-u"
            ? Display.centreSpread(s.median, (s.q3 - s.q1) / 2, unit: b.unit)
            : Display.centreSpread(s.mean, s.stddev, unit: b.unit)
    }

    static func pValue(_ p: Double) -> String {
        p < 0.001 ? "<0.001" : Display.significant(p)
    }
}

extension Display {
    /// A relative magnitude: 0.034 -> "3.4%".
    public static func percentMagnitude(_ x: Double) -> String {
        String(format: "%.1f%%", x * 100)
    }
}
