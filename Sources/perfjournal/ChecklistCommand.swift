import ArgumentParser
import PerfJournalKit
import Support

struct ChecklistCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checklist",
        abstract: "The six items of the optimization discipline, each ✓/✗/– with the commits that fail and why.",
        discussion: "Exits 1 when an item fails (✗); – means nothing to judge yet, or commits not measured yet.")

    @OptionGroup var repository: RepositoryOptions
    @Flag(help: "Machine-readable output.") var json = false

    func run() throws {
        var passed = true
        try execute {
            passed = try PerfJournalKit.ChecklistCommand.run(at: repository.directory, json: json, output: FileOutput.standardOutput)
        }
        if !passed { throw ExitCode(1) }
    }
}
