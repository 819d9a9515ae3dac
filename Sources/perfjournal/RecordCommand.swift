import ArgumentParser
import PerfJournalKit
import Results
import Support

struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Store a result file made elsewhere (CI) as a run of a commit.")

    enum Tests: String, ExpressibleByArgument, CaseIterable { case passed, failed }

    @OptionGroup var repository: RepositoryOptions
    @Argument(help: "The commit the results belong to.") var revision: String
    @Option(help: ArgumentHelp("The result file.", valueName: "file")) var results: String
    @Option(help: "The result file's format (default: detected).") var format: ResultFormat?
    @Option(help: "The test suite's outcome at this commit.") var tests: Tests?
    @Flag(help: "Store it as the baseline.") var baseline = false
    @Flag(help: "With --baseline: replace the current baseline even though optimizations would leave the journal.") var force = false

    func run() throws {
        try execute {
            try PerfJournalKit.RecordCommand.run(
                at: repository.directory, revision: revision, resultsPath: results, format: format, baseline: baseline,
                tests: tests.map { $0 == .passed ? .passed : .failed }, force: force, output: FileOutput.standardOutput)
        }
    }
}
