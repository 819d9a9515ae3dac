import Foundation
import Results
import Support

/// The human view of a comparison: one row per benchmark, a geometric-mean row, and what could not be compared.
package enum ComparisonTable {
    package static func render(_ comparison: Comparison, beforeLabel: String, afterLabel: String, confidence: Double) -> String {
        var rows = [["benchmark", beforeLabel, afterLabel, "change [\(Display.confidenceLabel(confidence)) CI]", "p (Holm)", "runs", "noise", "verdict"]]
        for b in comparison.benchmarks {
            rows.append([
                b.name,
                b.beforeValue.map { Display.value($0, unit: b.unit) } ?? "n/a",
                b.afterValue.map { Display.value($0, unit: b.unit) } ?? "n/a",
                change(b.ratio, b.ci),
                pValue(b.pAdjusted),
                "\(b.runsBefore)/\(b.runsAfter)",
                noise(b),
                b.verdict.rawValue,
            ])
        }
        if let g = comparison.geometricMean {
            rows.append(["geometric mean (\(g.count))", "", "", change(g.ratio, g.ci), "", "", "", ""])
        }
        var text = Display.table(rows, rightAligned: [1, 2, 4, 5, 6])
        for b in comparison.benchmarks where b.verdict == .inconclusive {
            var why = "  \(b.name): \(b.reason ?? "inconclusive")"
            if let d = b.detectableEffect { why += "; smallest detectable change here ≈ \(Display.percentMagnitude(d))" }
            if let r = b.runsNeeded { why += "; about \(r) runs a side would decide it" }
            text += why + "\n"
        }
        if !comparison.onlyBefore.isEmpty { text += "only in \(beforeLabel): \(comparison.onlyBefore.joined(separator: ", "))\n" }
        if !comparison.onlyAfter.isEmpty { text += "only in \(afterLabel): \(comparison.onlyAfter.joined(separator: ", "))\n" }
        if !comparison.benchmarks.isEmpty {
            text +=
                "before/after: each run's \(Display.quantileName(RunLevel.quantile)) of its rounds, geometric mean over runs; "
                + "noise: run-to-run spread and where it came from\n"
        }
        return text
    }

    /// "-12.3% [-13.0%, -11.5%]"; the interval is empty when no ratio could be formed.
    package static func change(_ ratio: Double, _ ci: [Double]) -> String {
        guard ci.count == 2 else { return "n/a" }
        return "\(Display.percentChange(ratio: ratio)) [\(Display.percentChange(ratio: ci[0])), \(Display.percentChange(ratio: ci[1]))]"
    }

    /// "1.23 ms ± 4.1%": a side's run value and the run-to-run spread used for it.
    package static func centre(_ value: Double?, _ b: BenchmarkComparison) -> String {
        guard let value else { return "n/a" }
        guard let noise = b.noise else { return Display.value(value, unit: b.unit) }
        return "\(Display.value(value, unit: b.unit)) ± \(Display.percentMagnitude(exp(noise) - 1))"
    }

    /// "±4.1% (runs)".
    package static func noise(_ b: BenchmarkComparison) -> String {
        guard let noise = b.noise, let source = b.noiseSource else { return "n/a" }
        return "±\(Display.percentMagnitude(exp(noise) - 1)) (\(source.rawValue))"
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

    /// 0.95 -> "95%", 0.991666 -> "99.2%".
    public static func confidenceLabel(_ confidence: Double) -> String {
        let value = (confidence * 1000).rounded() / 10
        return value == value.rounded() ? "\(Int(value))%" : String(format: "%.1f%%", value)
    }

    /// 0.5 -> "median", 0.25 -> "25th percentile".
    public static func quantileName(_ p: Double) -> String {
        p == 0.5 ? "median" : p == 0 ? "minimum" : "\(Int((p * 100).rounded()))th percentile"
    }
}
