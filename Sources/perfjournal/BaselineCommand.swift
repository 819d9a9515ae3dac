import ArgumentParser
import PerfJournalKit
import Results
import Support

struct BaselineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "Measure a commit (default HEAD) and store the run as the baseline.",
        discussion: """
            Save the baseline before changing anything: later runs are compared against it. Measuring runs the \
            config's commands, so the config must be trusted (`perfjournal trust`; exit 10 otherwise); storing \
            a result file with --results runs nothing.
            """)

    @OptionGroup var repository: RepositoryOptions
    @Argument(help: "The commit to measure.") var revision: String = "HEAD"
    @Option(help: ArgumentHelp("Store this result file instead of running the benchmark command.", valueName: "file"))
    var results: String?
    @Option(help: "The result file's format (default: detected).") var format: ResultFormat?
    @Option(
        help: ArgumentHelp(
            "Measure it this many times, to learn this machine's noise as `calibrate` does (the first run is the baseline).",
            valueName: "n"))
    var runs: Int = 1

    func run() throws {
        Interruption.install()
        try execute {
            try PerfJournalKit.BaselineCommand.run(
                at: repository.directory, revision: revision, resultsPath: results, format: format, runs: runs,
                output: FileOutput.standardOutput, progress: FileOutput.standardError)
        }
    }
}
