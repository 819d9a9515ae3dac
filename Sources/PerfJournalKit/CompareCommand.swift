import Foundation
import Git
import Runner
import Statistics
import Store
import Support

import protocol Support.OutputStream

/// `perfjournal compare A B`: benchmark by benchmark, is B better, worse, the same, or can't we tell?
/// A side is a result file (any supported format) or a revision (the runs stored on that commit,
/// pooled when there are several on the same machine).
public enum CompareCommand {
    public struct Options: Sendable {
        public var json = false
        public var allowCrossMachine = false
        /// Re-run both revisions (interleaved) while verdicts are inconclusive, within the config's budget.
        public var rerun = false

        public init(json: Bool = false, allowCrossMachine: Bool = false, rerun: Bool = false) {
            self.json = json
            self.allowCrossMachine = allowCrossMachine
            self.rerun = rerun
        }
    }

    /// Returns the comparison; throws nothing for a regression (the CLI maps `anyRegressed` to exit 1).
    @discardableResult
    public static func run(
        at path: String, before: String, after: String, options: Options, output: OutputStream, progress: OutputStream
    ) throws -> Comparison {
        // Two result files compare outside any repository; in one, its config's thresholds apply, and a
        // broken config is an error rather than a silent switch to the default alpha and min_effect.
        let workspace = try? Workspace.open(at: path)
        let config = try workspace?.configIfPresent()
        if options.rerun, let workspace, let config {
            try TrustGate.require(workspace, config, for: "compare --rerun")
        }
        var comparisonOptions = config.map { ComparisonOptions(stats: $0.stats) } ?? ComparisonOptions()

        var sides = try Sides.resolve(before: before, after: after, workspace: workspace, allowCrossMachine: options.allowCrossMachine)
        let history = try workspace.map { try History(workspace: $0) }
        let machine = sides.before.machine?.id ?? sides.after.machine?.id ?? MachineFingerprint.current().id
        let noise = history?.noise(machine: machine) ?? .none
        var comparison: Comparison
        if options.rerun {
            guard let workspace, let config, case .revision(let a) = sides.before.origin, case .revision(let b) = sides.after.origin else {
                throw PerfJournalError(.usage, "--rerun needs two revisions in a repository with a perfjournal config")
            }
            comparison = try Rerun.untilDecided(
                a: a, b: b, workspace: workspace, config: config, options: &comparisonOptions, sides: &sides,
                noise: noise, allowCrossMachine: options.allowCrossMachine, progress: progress)
        } else {
            comparison = Comparator.compare(before: sides.before.runs, after: sides.after.runs, noise: noise, options: comparisonOptions)
        }
        if options.json {
            output.write(try JSONText.encode(ComparisonJSON(before: sides.before.label, after: sides.after.label, comparison: comparison)))
        } else {
            output.write(
                ComparisonTable.render(
                    comparison, beforeLabel: sides.before.label, afterLabel: sides.after.label, confidence: comparisonOptions.confidence))
            for note in sides.notes { output.line("note: \(note)") }
        }
        return comparison
    }

    struct ComparisonJSON: Encodable {
        var before: String
        var after: String
        var comparison: Comparison

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(before, forKey: .beforeLabel)
            try container.encode(after, forKey: .afterLabel)
            try container.encode(comparison.benchmarks, forKey: .benchmarks)
            try container.encode(comparison.onlyBefore, forKey: .onlyBefore)
            try container.encode(comparison.onlyAfter, forKey: .onlyAfter)
            try container.encode(comparison.geometricMean, forKey: .geometricMean)
            try container.encode(comparison.anyRegressed, forKey: .regressed)
        }

        enum Keys: String, CodingKey {
            case beforeLabel = "before_label", afterLabel = "after_label", benchmarks
            case onlyBefore = "only_before", onlyAfter = "only_after", geometricMean = "geometric_mean", regressed
        }
    }
}
