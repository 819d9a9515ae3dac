import Results
import Support

import protocol Support.OutputStream

/// `perfjournal baseline`: measure a commit, or store a result file made elsewhere, as the run later
/// runs are compared against.
public enum BaselineCommand {
    public static func run(
        at path: String, revision: String, resultsPath: String?, format: ResultFormat?, runs: Int = 1, output: OutputStream,
        progress: OutputStream
    ) throws {
        if runs > 1 && resultsPath != nil { throw PerfJournalError(.usage, "--runs measures the commit; it cannot go with --results") }
        if let resultsPath {
            try RecordCommand.run(
                at: path, revision: revision, resultsPath: resultsPath, format: format, baseline: true, tests: nil,
                output: output)
        } else {
            try RunCommand.run(at: path, revisions: [revision], baseline: true, output: output, progress: progress)
            if runs > 1 {
                try CalibrateCommand.run(
                    at: path, revision: revision, runs: runs - 1, json: false, output: output, progress: progress)
            }
        }
    }
}
