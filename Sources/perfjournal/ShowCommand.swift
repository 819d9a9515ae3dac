import ArgumentParser
import PerfJournalKit
import Support

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show what was measured at a commit.")

    @OptionGroup var repository: RepositoryOptions
    @Argument(help: "The commit.") var revision: String = "HEAD"
    @Flag(help: "Machine-readable output.") var json = false

    func run() throws {
        try execute { try PerfJournalKit.ShowCommand.run(at: repository.directory, revision: revision, json: json, output: FileOutput.standardOutput) }
    }
}
