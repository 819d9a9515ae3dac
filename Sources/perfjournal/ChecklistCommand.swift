import ArgumentParser
import PerfJournalKit
import Support

struct ChecklistCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checklist",
        abstract: "The six items of the optimization discipline, each ✓/✗/– with the commits that fail and why.",
        discussion: """
            Exits 1 when an item fails (✗); – means nothing to judge yet, or commits not measured yet. Plain \
            text by default, listing at most --limit commits per item; --markdown renders the checklist \
            template (escaped for Markdown), as the PR summary includes it.
            """)

    @OptionGroup var repository: RepositoryOptions
    @Flag(help: "Machine-readable output.") var json = false
    @Flag(help: "Markdown from the checklist template, for a PR or an issue.") var markdown = false
    @Option(help: "Most commits listed per item (0: all).") var limit = 10

    func validate() throws {
        if json && markdown { throw ValidationError("use --json or --markdown, not both") }
        if limit < 0 { throw ValidationError("--limit takes 0 or more") }
    }

    func run() throws {
        var passed = true
        try execute {
            passed = try PerfJournalKit.ChecklistCommand.run(
                at: repository.directory, json: json, markdown: markdown, limit: limit, output: FileOutput.standardOutput)
        }
        if !passed { throw ExitCode(1) }
    }
}
