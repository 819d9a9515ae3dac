import ArgumentParser
import Foundation
import PerfJournalKit
import Support

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Where the session stands: the baseline, what is measured since, the last result.",
        discussion: "Runs nothing. A broken config is shown after everything else and exits 4.")

    @OptionGroup var repository: RepositoryOptions
    @Flag(help: "Machine-readable output.") var json = false
    @Flag(help: "Keep updating until the queue drains (with --json: one JSON report per line, whenever the queue changes).")
    var follow = false

    func run() throws {
        try execute {
            if follow {
                try PerfJournalKit.StatusCommand.follow(
                    at: repository.directory, terminal: isatty(1) == 1 && !json, json: json, output: FileOutput.standardOutput)
            } else {
                try PerfJournalKit.StatusCommand.run(at: repository.directory, json: json, output: FileOutput.standardOutput)
            }
        }
    }
}
