import Foundation
import Git
import Results

/// A Mermaid `xychart-beta` line chart of the main benchmarks across measured commits, which GitHub
/// renders in a PR body. Its grammar is narrow: quoted labels, one `line [..]` of plain numbers per series,
/// every series as long as the x-axis. It has no legend, so the series are named beside it.
public struct MermaidChart: Codable, Sendable, Equatable {
    public struct Series: Codable, Sendable, Equatable {
        public var name: String
        public var values: [Double]
    }

    public var title: String
    /// The y-axis label: a unit ("ms") or "% of base".
    public var unit: String
    /// Short hashes, the base first.
    public var labels: [String]
    public var series: [Series]

    /// The most benchmarks drawn; the slowest at the base are "main".
    public static let maxSeries = 5

    /// `points`: the base first, then each measured commit, with its (pooled) results. Nil when there are
    /// fewer than two points or no benchmark present at every point.
    static func make(points: [(ObjectID, [BenchmarkResult])]) -> MermaidChart? {
        guard points.count >= 2, let base = points.first?.1 else { return nil }
        let byPoint = points.map { point in Dictionary(point.1.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a }) }
        let everywhere = base.filter { b in byPoint.allSatisfy { $0[b.name]?.unit == b.unit } }
        // Slowest first; name breaks ties so the choice is stable.
        let main = everywhere.sorted {
            let a = centre($0), c = centre($1)
            return a != c ? a > c : $0.name < $1.name
        }.prefix(maxSeries)
        guard !main.isEmpty else { return nil }
        let labels = points.map { $0.0.short }
        let units = Set(main.map(\.unit))
        let centres = main.map(centre)
        let spread = (centres.max() ?? 1) / max(centres.min() ?? 1, .leastNonzeroMagnitude)
        // One absolute scale only when the lines would all be readable on it; otherwise relative to base.
        if units.count == 1, let unit = units.first, spread <= 20, centres.allSatisfy({ $0 > 0 }) {
            let (name, factor) = scale(unit: unit, largest: centres.max() ?? 1)
            let series = main.map { b in Series(name: b.name, values: byPoint.map { round4(centre($0[b.name]!) * factor) }) }
            return MermaidChart(title: "Main benchmarks across the commits", unit: name, labels: labels, series: series)
        }
        let series = main.map { b in
            Series(
                name: b.name,
                values: byPoint.map { point in
                    let c0 = centre(b)
                    return c0 > 0 ? round4(centre(point[b.name]!) / c0 * 100) : 100
                })
        }
        return MermaidChart(title: "Main benchmarks across the commits, relative to the base", unit: "% of base", labels: labels, series: series)
    }

    /// The median with raw samples, else the mean: what the comparison itself centres on.
    static func centre(_ b: BenchmarkResult) -> Double {
        b.samples?.isEmpty == false ? b.stats.median : b.stats.mean
    }

    static func scale(unit: String, largest: Double) -> (String, Double) {
        guard unit == "s" else { return (unit, 1) }
        if largest < 1e-6 { return ("ns", 1e9) }
        if largest < 1e-3 { return ("µs", 1e6) }
        if largest < 1 { return ("ms", 1e3) }
        return ("s", 1)
    }

    static func round4(_ v: Double) -> Double {
        guard v.isFinite else { return 0 }
        let magnitude = v == 0 ? 0 : Int(floor(log10(abs(v))))
        let decimals = max(0, 3 - magnitude)
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        return (v * scale).rounded() / scale
    }

    /// Plain decimal notation, never an exponent (Mermaid's grammar has none).
    static func number(_ v: Double) -> String {
        var text = String(format: "%.6f", v)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    /// The chart's Mermaid source, without the ``` fence.
    public var source: String {
        var lines = ["xychart-beta"]
        lines.append("    title \"\(MarkdownEscape.mermaidLabel(title))\"")
        lines.append("    x-axis [" + labels.map { "\"\(MarkdownEscape.mermaidLabel($0))\"" }.joined(separator: ", ") + "]")
        lines.append("    y-axis \"\(MarkdownEscape.mermaidLabel(unit))\"")
        for s in series {
            lines.append("    line [" + s.values.map(Self.number).joined(separator: ", ") + "]")
        }
        return lines.joined(separator: "\n")
    }

    func context() -> [String: Any] {
        [
            "source": source,
            "unit": MarkdownEscape.inline(unit),
            "series": series.enumerated().map { index, s in
                ["index": index + 1, "name": MarkdownEscape.code(s.name)] as [String: Any]
            },
        ]
    }
}
