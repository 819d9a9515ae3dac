import ArgumentParser
import PerfJournalKit
import Support

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Store the runs saved in pytest-benchmark's .benchmarks/ folder on their commits.")

    @OptionGroup var repository: RepositoryOptions
    @Argument(help: "The storage folder (default: .benchmarks at the repository root).") var folder: String?
    @Flag(help: "Also import runs made with uncommitted changes.") var includeDirty = false

    func run() throws {
        try execute {
            try PerfJournalKit.ImportCommand.run(at: repository.directory, directory: folder, includeDirty: includeDirty, output: FileOutput.standardOutput)
        }
    }
}
