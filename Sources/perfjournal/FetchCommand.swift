import ArgumentParser
import PerfJournalKit
import Support

struct FetchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Fetch a remote's perfjournal notes and merge them into yours (a union of runs).",
        discussion: """
            Notes written on two machines cannot be fast-forwarded; this merges them: every commit's runs \
            from both sides, each run once. Then `git push REMOTE refs/notes/perfjournal` shares the result. \
            An incoming note perfjournal cannot read is never merged: it is reported, kept out and copied to \
            refs/notes/perfjournal-quarantine.
            """)

    @OptionGroup var repository: RepositoryOptions
    @Argument(help: "The remote's name, URL or path.") var remote: String = "origin"

    func run() throws {
        try execute {
            try PerfJournalKit.FetchCommand.run(at: repository.directory, remote: remote, output: FileOutput.standardOutput, warnings: FileOutput.standardError)
        }
    }
}
