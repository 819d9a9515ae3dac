import Config
import Git
import Statistics

extension ComparisonOptions {
    package init(stats: StatsConfig) {
        self.init(alpha: stats.alpha, minEffect: stats.minEffect, minEffectByBenchmark: stats.minEffectByBenchmark)
    }
}

/// A commit's runs against its reference's, on the machine of the commit's latest run; nil when either
/// side has no run there. `check` and `status` judge a commit this way. Only runs of each commit's own
/// tree count: a run copied from an earlier version of the code is history, not a measurement of it.
package enum RunComparison {
    package static func compare(
        _ note: Note, tree: ObjectID?, with reference: Note, referenceTree: ObjectID?, stats: StatsConfig,
        noise: (String) -> NoiseModel
    ) -> Comparison? {
        guard let machine = machine(of: note, tree: tree) else { return nil }
        let before = reference.runs(on: machine, tree: referenceTree)
        guard !before.isEmpty else { return nil }
        return Comparator.compare(
            before: before.map(\.measured), after: note.runs(on: machine, tree: tree).map(\.measured), noise: noise(machine),
            options: ComparisonOptions(stats: stats))
    }

    /// The machine a commit is compared on: that of its latest run of its own tree.
    package static func machine(of note: Note, tree: ObjectID?) -> String? {
        note.runs.last { tree == nil || $0.tree == tree!.hex }?.machine.id
    }
}
