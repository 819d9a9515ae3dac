import ArgumentParser
import PerfJournalKit
import Support

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Benchmark and test commits (default HEAD) in perfjournal's own worktree and store the runs.",
        discussion: """
            The user's work tree and index are never touched: each commit is checked out under \
            .git/perfjournal/worktrees/. With no revision, HEAD is measured unless it already has a run (made by \
            the daemon, say); name HEAD to measure it again. It runs the config's commands (bench.command, \
            test.command, rules.api_command) only when the config is trusted (`perfjournal trust`); otherwise it \
            exits 10 and names what changed.
            """)

    @OptionGroup var repository: RepositoryOptions
    @Argument(help: "The commits to measure.") var revisions: [String] = []
    @Flag(help: "Measure the queued commits instead (needs a config approved with `perfjournal trust`).") var pending = false
    @Flag(help: "Put the failed jobs back in the queue and run them (or let the daemon run them).") var retryFailed = false
    @Flag(help: "Forget the failed jobs (their commits stay unmeasured).") var clearFailed = false
    @Flag(help: "Then compare each with its nearest measured ancestor and re-run both, interleaved, while anything is inconclusive.")
    var rerun = false

    func validate() throws {
        if (pending || retryFailed || clearFailed) && !revisions.isEmpty {
            throw ValidationError("--pending, --retry-failed and --clear-failed take no revisions")
        }
        if [pending, retryFailed, clearFailed].filter({ $0 }).count > 1 {
            throw ValidationError("use one of --pending, --retry-failed and --clear-failed")
        }
    }

    func run() throws {
        Interruption.install()
        try execute {
            if clearFailed {
                try PerfJournalKit.RunCommand.clearFailed(at: repository.directory, output: FileOutput.standardOutput)
            } else if retryFailed {
                try PerfJournalKit.RunCommand.retryFailed(at: repository.directory, output: FileOutput.standardOutput, progress: FileOutput.standardError)
            } else if pending {
                try PerfJournalKit.RunCommand.pending(at: repository.directory, output: FileOutput.standardOutput, progress: FileOutput.standardError)
            } else {
                try PerfJournalKit.RunCommand.run(
                    at: repository.directory, revisions: revisions, baseline: false, rerun: rerun,
                    output: FileOutput.standardOutput, progress: FileOutput.standardError)
            }
        }
    }
}
