import ArgumentParser
import Foundation
import PerfJournalKit
import Results
import Support

struct InitSubcommand: ParsableCommand {
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
            try InitCommand.run(
                at: repository.directory,
                options: .init(bench: bench, results: results, format: format, test: test, installHooks: !noHooks),
                executable: Executable.path, output: FileOutput.standardOutput)
        }
    }
}

struct ImportSubcommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Store the runs saved in pytest-benchmark's .benchmarks/ folder on their commits.")

    @OptionGroup var repository: RepositoryOptions
    @Argument(help: "The storage folder (default: .benchmarks at the repository root).") var folder: String?
    @Flag(help: "Also import runs made with uncommitted changes.") var includeDirty = false

    func run() throws {
        try execute {
            try ImportCommand.run(at: repository.directory, directory: folder, includeDirty: includeDirty, output: FileOutput.standardOutput)
        }
    }
}

struct DemoSubcommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Play a small optimization session on a generated Python project (needs pytest-benchmark).")

    @Argument(help: "Where to create the demo project (default: a new temporary directory).") var directory: String?

    func run() throws {
        try execute {
            let dir = directory ?? (NSTemporaryDirectory() + "perfjournal-demo-\(getpid())")
            try DemoCommand.run(in: dir, executable: Executable.path, output: FileOutput.standardOutput)
        }
    }
}

enum Executable {
    /// This binary's absolute path, for the hooks to call back.
    static var path: String {
        #if os(Linux)
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return resolved }
        #endif
        let argv0 = CommandLine.arguments[0]
        return argv0.hasPrefix("/") ? argv0 : FileManager.default.currentDirectoryPath + "/" + argv0
    }
}

struct FetchSubcommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Fetch a remote's perfjournal notes and merge them into yours (a union of runs).",
        discussion: """
            Notes written on two machines cannot be fast-forwarded; this merges them: every commit's runs \
            from both sides, each run once. Then `git push REMOTE refs/notes/perfjournal` shares the result.
            """)

    @OptionGroup var repository: RepositoryOptions
    @Argument(help: "The remote's name, URL or path.") var remote: String = "origin"

    func run() throws {
        try execute { try FetchCommand.run(at: repository.directory, remote: remote, output: FileOutput.standardOutput) }
    }
}
