import ArgumentParser
import PerfJournalKit
import Statistics
import Support

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two revisions or result files: improved, regressed, unchanged or inconclusive.",
        discussion: """
            With raw samples on both sides: Mann-Whitney U and a Hodges-Lehmann interval on the ratio of \
            medians; with summary stats only: Welch's t-test and an interval on the ratio of means. Holm's \
            correction across benchmarks. Exits 1 when any benchmark regressed.
            """)

    @OptionGroup var repository: RepositoryOptions
    @Argument(help: "Before: a revision or a result file.") var before: String
    @Argument(help: "After: a revision or a result file.") var after: String
    @Flag(help: "Machine-readable output.") var json = false
    @Flag(help: "Compare runs from different machines.") var allowCrossMachine = false
    @Flag(help: "Re-run both revisions, interleaved, while anything is inconclusive (budget: stats.max_reruns, stats.max_seconds; needs a trusted config).")
    var rerun = false

    func run() throws {
        var regressed = false
        try execute {
            let comparison = try PerfJournalKit.CompareCommand.run(
                at: repository.directory, before: before, after: after,
                options: .init(json: json, allowCrossMachine: allowCrossMachine, rerun: rerun),
                output: FileOutput.standardOutput, progress: FileOutput.standardError)
            regressed = comparison.anyRegressed
        }
        if regressed { throw ExitCode(1) }
    }
}
