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
            a result file with --results runs nothing. \
            A second baseline \
            says which one it replaces; when optimizations made since the old baseline would leave the journal \
            (they stay in the log, under "before the new baseline"), it needs --force. Later optimizations are \
            judged from the newest baseline that is their ancestor. `baseline --drop REV` undoes a baseline: \
            its runs stay, as ordinary runs.
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
    @Flag(help: "Replace the current baseline even though optimizations would leave the journal.") var force = false
    @Option(help: ArgumentHelp("Undo the baseline stored on this commit (its runs stay, as ordinary runs).", valueName: "rev"))
    var drop: String?

    func run() throws {
        Interruption.install()
        try execute {
            if let drop {
                try PerfJournalKit.BaselineCommand.drop(at: repository.directory, revision: drop, output: FileOutput.standardOutput)
            } else {
                try PerfJournalKit.BaselineCommand.run(
                    at: repository.directory, revision: revision, resultsPath: results, format: format, runs: runs, force: force,
                    output: FileOutput.standardOutput, progress: FileOutput.standardError)
            }
        }
    }
}
