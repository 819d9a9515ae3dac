import ArgumentParser
import Foundation
import PerfJournalKit
import Support

struct ShowSubcommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show what was measured at a commit.")

    @OptionGroup var repository: RepositoryOptions
    @Argument(help: "The commit.") var revision: String = "HEAD"
    @Flag(help: "Machine-readable output.") var json = false

    func run() throws {
        try execute { try ShowCommand.run(at: repository.directory, revision: revision, json: json, output: FileOutput.standardOutput) }
    }
}

struct StatusSubcommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Where the session stands: the baseline, what is measured since, the last result.")

    @OptionGroup var repository: RepositoryOptions
    @Flag(help: "Machine-readable output.") var json = false
    @Flag(help: "Keep updating until the queue drains.") var follow = false

    func run() throws {
        try execute {
            if follow {
                try StatusCommand.follow(at: repository.directory, terminal: isatty(1) == 1, output: FileOutput.standardOutput)
            } else {
                try StatusCommand.run(at: repository.directory, json: json, output: FileOutput.standardOutput)
            }
        }
    }
}
