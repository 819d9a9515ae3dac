import ArgumentParser
import Foundation
import PerfJournalKit
import Support

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Play a small optimization session on a generated Python project (needs pytest-benchmark).")

    @Argument(help: "Where to create the demo project (default: a new temporary directory).") var directory: String?

    func run() throws {
        Interruption.install()
        try execute {
            let dir = directory ?? (NSTemporaryDirectory() + "perfjournal-demo-\(getpid())")
            try PerfJournalKit.DemoCommand.run(in: dir, executable: Executable.path, output: FileOutput.standardOutput)
        }
    }
}
