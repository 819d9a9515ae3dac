import Config
import Statistics

extension ComparisonOptions {
    package init(stats: StatsConfig) {
        self.init(alpha: stats.alpha, minEffect: stats.minEffect, minEffectByBenchmark: stats.minEffectByBenchmark)
    }
}

/// A commit's runs against its reference's, on the machine of the commit's latest run; nil when either
/// side has no run there. `check` and `status` judge a commit this way.
package enum RunComparison {
    package static func compare(_ note: Note, with reference: Note, stats: StatsConfig) -> Comparison? {
        guard let machine = note.runs.last?.machine.id else { return nil }
        let before = reference.runs(on: machine)
        guard !before.isEmpty else { return nil }
        return Comparator.compare(
            before: RunPool.pool(before), after: RunPool.pool(note.runs(on: machine)), options: ComparisonOptions(stats: stats))
    }
}
