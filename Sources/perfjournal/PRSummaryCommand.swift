import ArgumentParser
import Journal
import PerfJournalKit
import Support

struct PRSummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pr-summary",
        abstract: "Print a pull-request body for base..head: overall change, optimizations, checklist, warnings, chart.",
        discussion: """
            The base defaults to the merge-base with the upstream branch, else the baseline commit. The overall \
            change is measured from the base's nearest measured ancestor, else the baseline, else the first \
            measured commit in the range, on the machine most of the range's runs were made on. Runs nothing. \
            Pipe it into `gh pr create --body-file -`.
            """)

    @OptionGroup var repository: RepositoryOptions
    @Option(help: ArgumentHelp("The base revision (default: merge-base with @{upstream}).", valueName: "rev")) var base: String?
    @Option(help: ArgumentHelp("The head revision (default: HEAD).", valueName: "rev")) var head: String?
    @Option(help: "markdown or json.") var format: PRSummary.Format = .markdown

    func run() throws {
        try execute {
            try PerfJournalKit.PRSummaryCommand.run(at: repository.directory, base: base, head: head, format: format, output: FileOutput.standardOutput)
        }
    }
}

extension PRSummary.Format: ExpressibleByArgument {}
