import ArgumentParser
import PerfJournalKit
import Support

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "List notes perfjournal cannot read; with --fix, move them to refs/notes/perfjournal-quarantine.",
        discussion: """
            One unreadable note (garbage, a newer schema, a bad push) makes status, log, check, checklist and \
            pr-summary exit 9. --fix moves every unreadable note aside in one compare-and-swap commit; \
            `git notes --ref=perfjournal-quarantine show <commit>` still prints it. Exits 1 when unreadable \
            notes remain.
            """)

    @OptionGroup var repository: RepositoryOptions
    @Flag(help: "Move the unreadable notes to refs/notes/perfjournal-quarantine.") var fix = false
    @Flag(help: "Machine-readable output.") var json = false

    func run() throws {
        var healthy = true
        try execute {
            healthy = try PerfJournalKit.DoctorCommand.run(at: repository.directory, fix: fix, json: json, output: FileOutput.standardOutput)
        }
        if !healthy { throw ExitCode(1) }
    }
}
