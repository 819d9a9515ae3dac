import ArgumentParser
import PerfJournalKit
import Support

struct DaemonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "The per-repository runner: watches the branches and the queue, measures one commit at a time.",
        discussion: """
            One daemon per repository (a lock in .git/perfjournal/). It talks over a Unix domain socket (mode \
            0600) in $XDG_RUNTIME_DIR/perfjournal/, or /tmp/perfjournal-<uid>/ when that is unset; it never \
            opens a network port. It runs commands only from a config approved with `perfjournal trust`. The \
            hooks start it when `daemon.autostart` is on and a baseline exists. To run it under systemd instead, \
            see Hooks/perfjournal.service.
            """,
        subcommands: [Run.self, Start.self, Stop.self, Status.self])

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the daemon in the foreground, logging to stderr.")
        @OptionGroup var repository: RepositoryOptions

        func run() throws {
            var status: Int32 = 0
            try execute { status = try PerfJournalKit.DaemonCommand.runForeground(at: repository.directory, log: FileOutput.standardError) }
            if status != 0 { throw ExitCode(status) }
        }
    }

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start the daemon in the background (does nothing if it runs).")
        @OptionGroup var repository: RepositoryOptions

        func run() throws {
            try execute { try PerfJournalKit.DaemonCommand.start(at: repository.directory, executable: Executable.path, output: FileOutput.standardOutput) }
        }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the daemon; a job it was running goes back to the queue.")
        @OptionGroup var repository: RepositoryOptions

        func run() throws {
            try execute { try PerfJournalKit.DaemonCommand.stop(at: repository.directory, output: FileOutput.standardOutput) }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Whether the daemon runs, and what it is doing.")
        @OptionGroup var repository: RepositoryOptions
        @Flag(help: "Machine-readable output.") var json = false

        func run() throws {
            try execute { try PerfJournalKit.DaemonCommand.status(at: repository.directory, json: json, output: FileOutput.standardOutput) }
        }
    }
}
