import ArgumentParser
import PerfJournalKit
import Results
import Support

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Understand the project, prove its benchmark command, write .perfjournal.toml, install the git hooks.",
        discussion: """
            Reads the project without running it (the embedded Helpers/detect_project.py, with python3): \
            the Python version, the package manager and its lock file (a `uv run`/`poetry run`/`pipenv run` \
            prefix only when that tool is installed), where pytest-benchmark is declared (pyproject.toml, \
            setup.cfg, setup.py, requirements files, tox, nox), the pytest config (testpaths, python_files, \
            addopts), and every test that takes the `benchmark` fixture, whatever its file is called. A tox \
            env, nox session or Makefile/Justfile target that runs the benchmarks is the project's own \
            command and is preferred. addopts that fight perfjournal's results file are overridden, and \
            init says which and why. Before saving, init collects with the chosen command and shows what \
            it found ("found 12 benchmarks in 2 files"); finding none is an error (exit 4). bench.files \
            gets the directories the benchmarks are in, watch.branches the current branch and the remote's \
            default branch. Every flag overrides a choice; with --bench, --results, --format and --test all \
            given, nothing is detected. Never prompts. Existing hooks are kept and chained to; \
            notes.rewriteRef is set so runs follow amend and rebase. Running it twice changes nothing.
            """)

    @OptionGroup var repository: RepositoryOptions
    @Option(help: ArgumentHelp("The benchmark command.", valueName: "cmd")) var bench: String?
    @Option(help: ArgumentHelp("Where the benchmark command writes its results, relative to the checkout.", valueName: "path")) var results: String?
    @Option(help: "The results' format.") var format: ResultFormat?
    @Option(help: ArgumentHelp("The full test suite's command (\"\" for none).", valueName: "cmd")) var test: String?
    @Flag(help: "Don't install the git hooks.") var noHooks = false
    @Flag(help: "Show the config init would write, and write nothing.") var dryRun = false
    @Option(
        help: ArgumentHelp(
            "Write a starter pytest-benchmark file timing this function (repeatable), then detect as usual.",
            valueName: "module:function")) var scaffold: [String] = []
    @Option(help: ArgumentHelp("Where --scaffold writes (default: \(PerfJournalKit.Scaffold.defaultPath)).", valueName: "path")) var scaffoldFile: String?
    @Option(help: ArgumentHelp("Also write a CI workflow: github (.github/workflows/perfjournal.yml; kept if it exists).", valueName: "provider"))
    var ci: CIWorkflow.Provider?
    @Option(help: ArgumentHelp("With --ci: the git URL the workflow builds perfjournal from by default.", valueName: "url")) var ciSource: String?

    func run() throws {
        try execute {
            var options = PerfJournalKit.InitCommand.Options(
                bench: bench, results: results, format: format, test: test, installHooks: !noHooks,
                dryRun: dryRun, scaffold: scaffold, scaffoldPath: scaffoldFile)
            options.ci = ci
            options.ciSource = ciSource
            try PerfJournalKit.InitCommand.run(
                at: repository.directory, options: options,
                executable: Executable.path, output: FileOutput.standardOutput)
        }
    }
}

extension CIWorkflow.Provider: ExpressibleByArgument {}
