import Results
import Statistics

/// Several runs of one commit as one result per benchmark, for display (the PR summary's chart): rounds
/// concatenated when every run kept them, otherwise pooled summaries (`SummaryStats.pooled`).
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
            let samples = parts.allSatisfy { $0.samples != nil } ? parts.flatMap { $0.samples! } : nil
            return BenchmarkResult(
                name: name, unit: parts[0].unit, direction: parts[0].direction, samples: samples, stats: .pooled(parts))
        }
    }
}
