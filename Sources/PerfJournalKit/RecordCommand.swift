import Foundation
import Git
import Results
import Runner
import Store
import Support

import protocol Support.OutputStream

/// `perfjournal record`: store a result file made elsewhere as a run of a commit.
public enum RecordCommand {
    /// Stores results produced elsewhere (CI, a saved file) on `revision`.
    public static func run(
        at path: String, revision: String, resultsPath: String, format: ResultFormat?, baseline: Bool,
        tests: TestOutcome.Status?, force: Bool? = nil, output: OutputStream
    ) throws {
        let workspace = try Workspace.open(at: path)
        let commit = try workspace.resolve(revision)
        // `record --baseline` is a new baseline too (`baseline` checked already: force is nil then).
        if baseline, let force {
            try BaselineCommand.checkReplacement(of: commit, in: workspace, force: force, output: FileOutput.standardError)
        }
        // Other writers on this commit that get the lock while this one reads its file wait for its run.
        let announcement = workspace.store.announceRun(on: commit)
        defer { announcement?.release() }
        let run = try Measurement.recorded(
            commit, in: workspace, resultsPath: resultsPath, format: format, baseline: baseline, tests: tests)
        try workspace.store.append(run, to: commit, announcement: announcement)
        if baseline { AutostartMarker.clear(workspace) }
        output.line(RunSummary.oneLine(run, commit: commit))
        if let warning = RunCommand.failedBaselineWarning(run) { output.line(warning) }
    }
}
