import ArgumentParser
import PerfJournalKit
import Support

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a static HTML report: the change since the baseline, the optimizations, a chart per benchmark.",
        discussion: """
            Writes DIR/index.html, one self-contained page (inline CSS and SVG, a small inline script for the
            tooltips and the filter; no network, no web fonts), which opens from a file. It shows the geometric-mean
            change since the baseline over time, the optimizations with their verdicts, the checklist, the machines,
            and for each benchmark the run-level value of every measured commit in first-parent order with its
            interval, the baseline as a line, optimizations coloured by verdict and disturbed runs hollow.
            Commits link to GitHub or GitLab when remote.origin.url points there.
            Read-only: like check and log it runs no hook and no command from the repository's config.
            """)

    @OptionGroup var repository: RepositoryOptions
    @Option(help: ArgumentHelp("Write the site into this directory (created if missing).", valueName: "dir"))
    var html: String
    @Option(help: ArgumentHelp("First-parent commits after A up to B (default: the baseline to HEAD).", valueName: "A..B"))
    var range: String?

    func validate() throws {
        if html.isEmpty { throw ValidationError("--html needs a directory") }
        if let range, !range.contains("..") { throw ValidationError("--range takes A..B, for example main~50..main") }
    }

    func run() throws {
        try execute {
            try PerfJournalKit.ReportCommand.run(at: repository.directory, html: html, range: range, progress: FileOutput.standardError)
        }
    }
}
