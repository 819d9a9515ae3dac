import ArgumentParser
import PerfJournalKit
import Support

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check commits against the rules (baseline, one-change, improvement, tests, api), for CI.",
        discussion: """
            RANGE is A..B or one revision; the default is the upstream merge-base..HEAD (else the \
            baseline..HEAD). Each rule is pass, fail or unknown with a reason. Exits 1 when any rule fails. \
            Runs nothing: the api rule reads the surface rules.api_command printed during trusted runs. \
            A failed measurement (the benchmark crashed or timed out) fails the tests and improvement rules; \
            a commit with no run yet leaves them unknown, unless --require-runs (or rules.require_runs = true) \
            makes that a failure too.
            """)

    @OptionGroup var repository: RepositoryOptions
    @Argument(help: "The commits to check.") var range: String?
    @Flag(help: "Machine-readable output.") var json = false
    @Flag(help: "Fail a commit that has no run yet (for CI; also rules.require_runs).") var requireRuns = false

    func run() throws {
        var ok = true
        try execute {
            ok = try PerfJournalKit.CheckCommand.run(
                at: repository.directory, range: range, json: json, requireRuns: requireRuns, output: FileOutput.standardOutput)
        }
        if !ok { throw ExitCode(1) }
    }
}
