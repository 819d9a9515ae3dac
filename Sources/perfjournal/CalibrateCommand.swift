import ArgumentParser
import PerfJournalKit
import Support

struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Measure a commit several times to learn this machine's run-to-run noise.",
        discussion: """
            Runs the benchmark command N times (default stats.calibration_runs) on REV (default: the \
            baseline commit) in perfjournal's worktree and stores the runs, marked as calibration. Prints, \
            per benchmark, the spread between runs of identical code on this machine and the smallest change \
            one run a side can then decide. The spread is also learned from every other set of repeated runs \
            of one tree (re-runs, rewritten commits), and forgotten when the machine fingerprint changes.
            """)

    @OptionGroup var repository: RepositoryOptions
    @Argument(help: "The commit to measure (default: the baseline commit).") var revision: String?
    @Option(help: "How many runs (default: stats.calibration_runs).") var runs: Int?
    @Flag(help: "Machine-readable output.") var json = false

    func run() throws {
        try execute {
            try PerfJournalKit.CalibrateCommand.run(
                at: repository.directory, revision: revision, runs: runs, json: json,
                output: FileOutput.standardOutput, progress: FileOutput.standardError)
        }
    }
}
