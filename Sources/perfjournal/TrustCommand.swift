import ArgumentParser
import PerfJournalKit
import Support

struct TrustCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust",
        abstract: "Approve the current config's commands for unattended runs (the daemon, run --pending).",
        discussion: """
            The config is tracked and may arrive by `git pull`: the daemon runs nothing from a config whose \
            content was not approved here. Review .perfjournal.toml (or [tool.perfjournal]) first. The approval \
            is kept in .git/perfjournal/trusted, outside the tracked tree. `init` trusts what it writes; a \
            manual `perfjournal run` or `baseline` does not need it.
            """)
    @OptionGroup var repository: RepositoryOptions

    func run() throws {
        try execute { try PerfJournalKit.TrustCommand.run(at: repository.directory, output: FileOutput.standardOutput) }
    }
}
