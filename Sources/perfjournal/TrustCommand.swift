import ArgumentParser
import PerfJournalKit
import Support

struct TrustCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust",
        abstract: "Approve the current config, so that its commands may run.",
        discussion: """
            The config is tracked and may arrive by `git pull`, so its commands (bench.command, test.command, \
            rules.api_command) are code you did not necessarily write. Nothing runs them until this exact \
            content is approved here: `run`, `baseline`, `compare --rerun`, `calibrate`, `run --pending` and the \
            daemon refuse an unapproved config with exit 10 and say what changed. Read-only commands (status, \
            show, log, checklist, check, pr-summary, compare) never run them. Any change to the config needs a \
            new approval. `--show` prints what changed since the last approval. Approvals are kept, with the \
            values they approved, in .git/perfjournal/trusted, outside the tracked tree. `init` trusts what it writes.
            """)
    @OptionGroup var repository: RepositoryOptions
    @Flag(help: "Approve nothing: print the command-bearing keys that differ from the last trusted version.")
    var show = false

    func run() throws {
        try execute { try PerfJournalKit.TrustCommand.run(at: repository.directory, show: show, output: FileOutput.standardOutput) }
    }
}
