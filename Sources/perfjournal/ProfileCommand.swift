import ArgumentParser
import PerfJournalKit
import Support

struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Show where a commit's benchmarks spend their time, or what changed between two commits.",
        discussion: """
            Profiles come with every `perfjournal run` of a pytest-benchmark suite ([profile] in the config): \
            cProfile's view of one call, per function (matched across commits by file and name), and the peak \
            memory of one call. They are kept in refs/notes/perfjournal-profiles; share them with \
            `git push REMOTE refs/notes/perfjournal refs/notes/perfjournal-profiles`. Runs nothing.
            """)

    @OptionGroup var repository: RepositoryOptions
    @Argument(help: "A revision (default HEAD), or two to compare.") var revisions: [String] = []
    @Option(help: "Only this benchmark (its full name, or part of it).") var benchmark: String?
    @Option(help: "How many functions to list per benchmark.") var top: Int?
    @Flag(help: "Machine-readable output.") var json = false
    @Option(help: ArgumentHelp("Write a speedscope file (its stacks are estimated from caller→callee totals).", valueName: "file"))
    var speedscope: String?
    @Option(help: ArgumentHelp("Write the raw .prof dumps here, for snakeviz.", valueName: "dir")) var prof: String?

    func run() throws {
        try execute {
            try PerfJournalKit.ProfileCommand.run(
                at: repository.directory, revisions: revisions,
                options: .init(benchmark: benchmark, top: top, json: json, speedscope: speedscope, prof: prof),
                output: FileOutput.standardOutput, progress: FileOutput.standardError)
        }
    }
}
