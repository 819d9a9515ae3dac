import ArgumentParser
import Foundation
import Results
import Support

@main
struct PerfJournalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perfjournal",
        abstract: "Measurement-driven optimization, kept honest by git.",
        discussion: """
            The loop: `perfjournal init`, `perfjournal baseline`, commit one change, `perfjournal run`, \
            `perfjournal show HEAD`, `perfjournal status`. Runs are stored in git notes \
            (refs/notes/perfjournal): `git notes --ref=perfjournal show <commit>` prints them. Exit codes: 0 ok, \
            1 a check found a problem, 3 repository, 4 config, 5 result file, 6 command failed, 7 timeout, 8 \
            incomparable runs, 9 notes store (an unreadable note: `perfjournal doctor --fix`), 10 untrusted config, 11 not measured, 64 usage. \
            The config's commands run only once `perfjournal trust` approved it; read-only commands never run them.
            """,
        subcommands: [
            InitCommand.self, BaselineCommand.self, CalibrateCommand.self, RunCommand.self, RecordCommand.self,
            ShowCommand.self, StatusCommand.self, ImportCommand.self, DemoCommand.self,
            CompareCommand.self, CheckCommand.self, LogCommand.self, ChecklistCommand.self,
            PRSummaryCommand.self, ReportCommand.self, FetchCommand.self, DoctorCommand.self, ProfileCommand.self, DaemonCommand.self,
            TrustCommand.self,
            HookCommand.self,
        ]
    )

    /// `-C <path>` is an option of every subcommand; like git, it may also come before the subcommand
    /// (`perfjournal -C dir status`), where it is moved to.
    static func main() {
        self.main(Self.movingDirectoryOption(Array(CommandLine.arguments.dropFirst())))
    }

    static func movingDirectoryOption(_ arguments: [String]) -> [String] {
        var rest = arguments
        var moved: [String] = []
        while rest.count >= 2, rest[0] == "-C" {
            moved += rest[0...1]
            rest.removeFirst(2)
        }
        guard !moved.isEmpty, !rest.isEmpty else { return arguments }
        // After the subcommand's name (and a group's subcommand: `daemon start`).
        var at = 1
        if rest[0] == "daemon", rest.count > 1, !rest[1].hasPrefix("-") { at = 2 }
        rest.insert(contentsOf: moved, at: at)
        return rest
    }
}

/// Options every repository command takes.
struct RepositoryOptions: ParsableArguments {
    @Option(name: .customShort("C"), help: ArgumentHelp("Run as if started in <path>.", valueName: "path"))
    var directory: String = FileManager.default.currentDirectoryPath
}

/// Runs a core command, turning its errors into one line on stderr and the documented exit code.
func execute(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as PerfJournalError {
        Terminal.error(error.description)
        throw ExitCode(error.exitCode)
    }
}

enum Terminal {
    /// Colour only on a terminal, and never with NO_COLOR set (https://no-color.org).
    static let colorOnStderr = isatty(2) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil

    static func error(_ message: String) {
        let prefix = colorOnStderr ? "\u{1B}[31mperfjournal:\u{1B}[0m " : "perfjournal: "
        FileOutput.standardError.line(prefix + message)
    }
}

extension ResultFormat: ExpressibleByArgument {}

enum Executable {
    /// This binary's absolute path, for the hooks to call back.
    static var path: String {
        #if os(Linux)
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return resolved }
        #endif
        let argv0 = CommandLine.arguments[0]
        return argv0.hasPrefix("/") ? argv0 : FileManager.default.currentDirectoryPath + "/" + argv0
    }
}
