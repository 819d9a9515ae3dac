import ArgumentParser
import Foundation
import PerfJournalKit
import Results
import Support

struct BaselineSubcommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "Measure a commit (default HEAD) and store the run as the baseline.",
        discussion: "Save the baseline before changing anything: later runs are compared against it.")

    @OptionGroup var repository: RepositoryOptions
    @Argument(help: "The commit to measure.") var revision: String = "HEAD"
    @Option(help: ArgumentHelp("Store this result file instead of running the benchmark command.", valueName: "file"))
    var results: String?
    @Option(help: "The result file's format (default: detected).") var format: ResultFormat?

    func run() throws {
        try execute {
            if let results {
                try MeasureCommands.record(
                    at: repository.directory, revision: revision, resultsPath: results, format: format, baseline: true,
                    tests: nil, output: FileOutput.standardOutput)
            } else {
                try MeasureCommands.run(
                    at: repository.directory, revisions: [revision], baseline: true,
                    output: FileOutput.standardOutput, progress: FileOutput.standardError)
            }
        }
    }
}

struct RunSubcommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Benchmark and test commits (default HEAD) in perfjournal's own worktree and store the runs.",
        discussion: """
            The user's work tree and index are never touched: each commit is checked out under \
            .git/perfjournal/worktrees/. With no revision, HEAD is measured unless it already has a run (made by \
            the daemon, say); name HEAD to measure it again.
            """)

    @OptionGroup var repository: RepositoryOptions
    @Argument(help: "The commits to measure.") var revisions: [String] = []
    @Flag(help: "Measure the queued commits instead (needs a config approved with `perfjournal trust`).") var pending = false
    @Flag(help: "Put the failed jobs back in the queue and run them (or let the daemon run them).") var retryFailed = false
    @Flag(help: "Then compare each with its nearest measured ancestor and re-run both, interleaved, while anything is inconclusive.")
    var rerun = false

    func validate() throws {
        if (pending || retryFailed) && !revisions.isEmpty { throw ValidationError("--pending and --retry-failed take no revisions") }
        if pending && retryFailed { throw ValidationError("use --pending or --retry-failed, not both") }
    }

    func run() throws {
        try execute {
            if retryFailed {
                try PendingCommands.retryFailed(at: repository.directory, output: FileOutput.standardOutput, progress: FileOutput.standardError)
            } else if pending {
                try PendingCommands.runPending(at: repository.directory, output: FileOutput.standardOutput, progress: FileOutput.standardError)
            } else {
                try MeasureCommands.run(
                    at: repository.directory, revisions: revisions, baseline: false, rerun: rerun,
                    output: FileOutput.standardOutput, progress: FileOutput.standardError)
            }
        }
    }
}

struct RecordSubcommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Store a result file made elsewhere (CI) as a run of a commit.")

    enum Tests: String, ExpressibleByArgument { case passed, failed }

    @OptionGroup var repository: RepositoryOptions
    @Argument(help: "The commit the results belong to.") var revision: String
    @Option(help: ArgumentHelp("The result file.", valueName: "file")) var results: String
    @Option(help: "The result file's format (default: detected).") var format: ResultFormat?
    @Option(help: "The test suite's outcome at this commit.") var tests: Tests?
    @Flag(help: "Store it as the baseline.") var baseline = false

    func run() throws {
        try execute {
            try MeasureCommands.record(
                at: repository.directory, revision: revision, resultsPath: results, format: format, baseline: baseline,
                tests: tests.map { $0 == .passed ? .passed : .failed }, output: FileOutput.standardOutput)
        }
    }
}

struct HookSubcommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook", abstract: "Entry point of the git hooks perfjournal installs.", shouldDisplay: false)

    @Argument var name: String
    @Argument(parsing: .captureForPassthrough) var arguments: [String] = []

    func run() throws {
        try execute {
            switch name {
            case "post-commit":
                // `--autostart-only`: the shell hook already wrote the job and found no daemon.
                try PendingCommands.postCommit(
                    at: ".", enqueue: !arguments.contains("--autostart-only"), executable: Executable.path,
                    progress: FileOutput.standardError)
            case "post-rewrite":
                let pairs = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                try PendingCommands.postRewrite(at: ".", pairs: pairs, executable: Executable.path, progress: FileOutput.standardError)
            case "commit-msg":
                guard let file = arguments.first else { throw PerfJournalError(.usage, "commit-msg needs the message file") }
                if try !CommitMessageHook.run(at: ".", messageFile: file, output: FileOutput.standardError) {
                    throw ExitCode(1)
                }
            default:
                throw PerfJournalError(.usage, "unknown hook '\(name)'")
            }
        }
    }
}
