import ArgumentParser
import PerfJournalCore

@main
struct PerfJournalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perfjournal",
        abstract: "Measurement-driven optimization, kept honest by git."
    )
}
