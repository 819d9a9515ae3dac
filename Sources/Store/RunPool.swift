import Results

/// Several runs of one commit as one result per benchmark: raw samples concatenated when every run
/// kept them; otherwise summary stats combined (pooled mean and variance).
package enum RunPool {
    package static func pool(_ runs: [Run]) -> [BenchmarkResult] {
        guard runs.count > 1 else { return runs.first?.results ?? [] }
        var order: [String] = []
        var byName: [String: [BenchmarkResult]] = [:]
        for run in runs {
            for r in run.results {
                if byName[r.name] == nil { order.append(r.name) }
                byName[r.name, default: []].append(r)
            }
        }
        return order.map { name in
            let parts = byName[name]!
            guard parts.count > 1 else { return parts[0] }
            if parts.allSatisfy({ $0.samples != nil }) {
                let samples = parts.flatMap { $0.samples! }
                return BenchmarkResult(name: name, unit: parts[0].unit, direction: parts[0].direction, samples: samples, stats: SummaryStats(samples: samples)!)
            }
            let n = parts.reduce(0) { $0 + $1.stats.n }
            let mean = parts.reduce(0.0) { $0 + Double($1.stats.n) * $1.stats.mean } / Double(n)
            // Total sum of squares = within-run + between-run parts.
            let ss = parts.reduce(0.0) { acc, p in
                acc + Double(p.stats.n - 1) * p.stats.stddev * p.stats.stddev + Double(p.stats.n) * (p.stats.mean - mean) * (p.stats.mean - mean)
            }
            let sorted = parts.map(\.stats.median).sorted()
            let stats = SummaryStats(
                n: n, mean: mean, stddev: n > 1 ? (ss / Double(n - 1)).squareRoot() : 0,
                median: SummaryStats.quantile(sorted, 0.5), min: parts.map(\.stats.min).min()!, max: parts.map(\.stats.max).max()!,
                q1: SummaryStats.quantile(parts.map(\.stats.q1).sorted(), 0.5), q3: SummaryStats.quantile(parts.map(\.stats.q3).sorted(), 0.5))
            return BenchmarkResult(name: name, unit: parts[0].unit, direction: parts[0].direction, samples: nil, stats: stats)
        }
    }
}
