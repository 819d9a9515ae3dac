import ArgumentParser
import PerfJournalKit
import Results
import Support

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Detect the project, write .perfjournal.toml, install the git hooks.",
        discussion: """
            Detects the Python version (requires-python), the package manager (uv.lock, poetry.lock, \
            Pipfile.lock, requirements.txt) and pytest-benchmark. Every flag overrides a choice; with --bench, \
            --results, --format and --test all given, nothing is detected. Never prompts. Existing hooks are \
            kept and chained to; notes.rewriteRef is set so runs follow amend and rebase. Running it twice \
            changes nothing.
            """)

    @OptionGroup var repository: RepositoryOptions
    @Option(help: ArgumentHelp("The benchmark command.", valueName: "cmd")) var bench: String?
    @Option(help: ArgumentHelp("Where the benchmark command writes its results, relative to the checkout.", valueName: "path")) var results: String?
    @Option(help: "The results' format.") var format: ResultFormat?
    @Option(help: ArgumentHelp("The full test suite's command (\"\" for none).", valueName: "cmd")) var test: String?
    @Flag(help: "Don't install the git hooks.") var noHooks = false

    func run() throws {
        try execute {
            try PerfJournalKit.InitCommand.run(
                at: repository.directory,
                options: .init(bench: bench, results: results, format: format, test: test, installHooks: !noHooks),
                executable: Executable.path, output: FileOutput.standardOutput)
        }
    }
}
