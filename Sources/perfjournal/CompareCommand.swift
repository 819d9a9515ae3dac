import ArgumentParser
import PerfJournalKit
import Statistics
import Support

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two revisions or result files: improved, regressed, unchanged or inconclusive.",
        discussion: """
            The run is the unit: each run's rounds become one value per benchmark (their 25th percentile), \
            and a t test on the runs' log values decides, with the spread learned on this machine \
            (`perfjournal calibrate`, re-runs) when there is one run a side, or a conservative default. \
            Holm's correction across benchmarks; runs flagged disturbed never give improved or regressed. \
            Exits 1 when any benchmark regressed.
            """)

    @OptionGroup var repository: RepositoryOptions
    @Argument(help: "Before: a revision or a result file.") var before: String
    @Argument(help: "After: a revision or a result file.") var after: String
    @Flag(help: "Machine-readable output.") var json = false
    @Flag(help: "Compare runs from different machines.") var allowCrossMachine = false
    @Flag(help: "Re-run both revisions, interleaved, while anything is inconclusive (budget: stats.max_reruns, stats.max_seconds; needs a trusted config).")
    var rerun = false

    func run() throws {
        Interruption.install()
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
