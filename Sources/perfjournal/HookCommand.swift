import ArgumentParser
import Foundation
import PerfJournalKit
import Support

struct HookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook", abstract: "Entry point of the git hooks perfjournal installs.", shouldDisplay: false)

    @Argument var name: String
    @Argument(parsing: .captureForPassthrough) var arguments: [String] = []

    func run() throws {
        try execute {
            switch name {
            case "post-commit":
                // `--autostart-only`: the shell hook already wrote the job and found no daemon.
                try PerfJournalKit.HookCommand.postCommit(
                    at: ".", enqueue: !arguments.contains("--autostart-only"), executable: Executable.path,
                    progress: FileOutput.standardError)
            case "post-rewrite":
                let pairs = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                try PerfJournalKit.HookCommand.postRewrite(at: ".", pairs: pairs, executable: Executable.path, progress: FileOutput.standardError)
            case "commit-msg":
                guard let file = arguments.first else { throw PerfJournalError(.usage, "commit-msg needs the message file") }
                if try !PerfJournalKit.HookCommand.commitMsg(at: ".", messageFile: file, output: FileOutput.standardError) {
                    throw ExitCode(1)
                }
            default:
                throw PerfJournalError(.usage, "unknown hook '\(name)'")
            }
        }
    }
}
