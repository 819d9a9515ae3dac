import ArgumentParser
import PerfJournalKit
import Support

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Print, write or check the progress log, regenerated from the commits and their runs.",
        discussion: """
            The log is a function of the history alone: the same commits and runs always give the same bytes, \
            and commits that change only the log file are left out, so committing it does not make it stale.

            Templates: Templates/log.mustache, overridden by .perfjournal/templates/log.mustache.

            --check exits 1 when the log in HEAD's tree or in the working tree differs from the generated one.
            """)

    @OptionGroup var repository: RepositoryOptions
    @Flag(help: "Write the log to the file instead of printing it (never commits).") var write = false
    // `--write [PATH]`: ArgumentParser has no option with an optional value, so the path is a positional.
    @Argument(help: ArgumentHelp("With --write: where to (default: log.path, PERFORMANCE.md).", valueName: "path"))
    var path: String?
    @Flag(help: "Exit 1 when the committed or working-tree log is not what would be generated.") var check = false
    @Flag(help: "Print the journal's data as JSON.") var json = false

    func validate() throws {
        if path != nil && !write { throw ValidationError("a path is only taken with --write") }
        if json && (write || check) { throw ValidationError("--json prints the data; it does not combine with --write or --check") }
    }

    func run() throws {
        var ok = true
        try execute {
            ok = try PerfJournalKit.LogCommand.run(
                at: repository.directory, options: .init(write: write ? (path ?? "") : nil, check: check, json: json),
                output: FileOutput.standardOutput, progress: FileOutput.standardError)
        }
        if !ok { throw ExitCode(1) }
    }
}
