// swift-format-ignore-file
import Config
import Foundation
import Git
import Statistics
import Store
import Support
import protocol Support.OutputStream

/// The sequential re-run design: at most K = 1 + max_reruns looks, each tested at alpha/K (Bonferroni
/// over looks), so stopping as soon as everything is decided cannot inflate the error rate. Each extra
/// look measures both commits once more in alternating order (A B, then B A, …: ABBA blocks), so a slow
/// drift of the machine hits both sides alike, and adjacent pairs can be analysed on their own.
package enum Rerun {
    package static func untilDecided(
        a: ObjectID, b: ObjectID, workspace: Workspace, config: Config, options: inout ComparisonOptions, sides: inout Sides,
        noise: NoiseModel, allowCrossMachine: Bool, progress: OutputStream
    ) throws -> Comparison {
        let looks = 1 + config.stats.maxReruns
        options.maxLooks = looks
        let start = CommandRunner.monotonicSeconds()
        let session = UUID().uuidString.lowercased()
        var order = 0
        var look = 1
        while true {
            let comparison = Comparator.compare(before: sides.before.runs, after: sides.after.runs, noise: noise, options: options)
            let undecided = comparison.benchmarks.filter { $0.verdict == .inconclusive }
            if undecided.isEmpty {
                progress.line("decided after \(look) look\(look == 1 ? "" : "s")")
                return comparison
            }
            if look >= looks || CommandRunner.monotonicSeconds() - start > config.stats.maxSeconds {
                progress.line("budget spent (\(look) look\(look == 1 ? "" : "s"), stats.max_reruns = \(config.stats.maxReruns), stats.max_seconds = \(Int(config.stats.maxSeconds))): \(undecided.count) still inconclusive")
                return comparison
            }
            look += 1
            progress.line("look \(look) of \(looks): \(undecided.count) inconclusive; measuring \(a.short) and \(b.short) again, interleaved")
            let lock = try FileLock(path: workspace.stateDirectory + "/run.lock") {
                progress.line("waiting for another perfjournal run in this repository to finish…")
            }
            // ABBA: the side measured first alternates, so neither side is always the one after a pause.
            let block = look % 2 == 0 ? [(a, "a"), (b, "b")] : [(b, "b"), (a, "a")]
            for (commit, worktree) in block {
                order += 1
                // The tests were run with the commit's first measurement; a re-run only re-times.
                var run = try Measurement.measure(
                    commit, in: workspace, config: config, baseline: false, worktree: worktree, runTests: false, progress: progress)
                run.purpose = .rerun
                run.session = session
                run.order = order
                try workspace.store.append(run, to: commit)
                ProfileCapture.store(run, in: workspace, progress: progress)
            }
            withExtendedLifetime(lock) {}
            sides = try Sides.resolve(before: a.hex, after: b.hex, workspace: workspace, allowCrossMachine: allowCrossMachine)
        }
    }
}
