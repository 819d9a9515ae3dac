import Foundation
import Git
import Statistics
import Store
import Support

import protocol Support.OutputStream

/// `perfjournal show [REV] [--json]`: what was measured at one commit.
public enum ShowCommand {
    public static func run(at path: String, revision: String, json: Bool, output: OutputStream) throws {
        let workspace = try Workspace.open(at: path)
        let commit = try workspace.resolve(revision)
        let info = try workspace.commit(commit)
        let note = try workspace.store.note(at: commit)
        // Only successful runs of the commit's own tree measure it; the rest is shown as history.
        let counted = note?.runs(ofTree: info.tree).contains { !$0.failed } ?? false
        let notMeasured = PerfJournalError(
            .notMeasured, file: workspace.root,
            counted || note?.runs.isEmpty == false
                ? "\(revision) (\(commit.short)) has no run of its own code yet (run `perfjournal run \(revision)`)"
                : "\(revision) (\(commit.short)) has no stored runs (run `perfjournal run \(revision)`)")
        if json {
            let view = ShowJSON(commit: commit.hex, subject: info.subject, schema: note?.schema ?? Note.currentSchema, runs: note?.runs ?? [])
            output.write(try JSONText.encode(view))
            if !counted { throw notMeasured }
            return
        }
        output.line("commit \(commit.short) \(info.subject)")
        guard let note, !note.runs.isEmpty else {
            output.line("not measured (run `perfjournal run \(revision)`)")
            throw notMeasured
        }
        for (index, run) in note.runs.enumerated() {
            output.line()
            output.write(
                describe(
                    run, index: index + 1, of: note.runs.count, commit: commit, tree: info.tree, stateDirectory: workspace.stateDirectory))
        }
        if !counted {
            output.line()
            output.line(
                note.runs.contains { $0.tree == info.tree.hex }
                    ? "not measured: the benchmark failed at this commit (run `perfjournal run \(revision)` to try again)"
                    : "not measured: no run of this commit's code yet (run `perfjournal run \(revision)`)")
            throw notMeasured
        }
    }

    static func describe(_ run: Run, index: Int, of count: Int, commit: ObjectID, tree: ObjectID, stateDirectory: String) -> String {
        var lines: [String] = []
        var head = "run \(index) of \(count)"
        if run.baseline { head += " · baseline" }
        if let purpose = run.purpose { head += " · \(purpose.rawValue)" }
        head += " · \(run.source.rawValue) · \(run.time)"
        if run.failed { head += " · FAILED" }
        lines.append(head)
        if run.tree != tree.hex {
            lines.append("  copied from \(String(run.commit.prefix(7))), an earlier version of this code; not counted")
        } else if run.commit != commit.hex {
            lines.append(
                "  measured on \(String(run.commit.prefix(7))), the same code (the note followed an amend or rebase, or only the progress log changed)")
        }
        lines.append("  machine: \(run.machine.id) (\(run.machine.hostname), \(run.machine.cpu), \(run.machine.cores) cores)")
        if let bench = run.bench {
            let ending = bench.timedOut ? "timed out" : "exit \(bench.exitStatus)"
            lines.append("  bench:   \(bench.command) (\(ending), \(Display.seconds(bench.duration)))")
        }
        if run.failed {
            lines.append("  result:  " + run.failureText(stateDirectory: stateDirectory))
        } else {
            lines.append("  tests:   \(RunSummary.testsText(run.tests))")
        }
        // Notes keep the log relative to the git dir; it is shown only where the file is.
        if let log = RunLog.resolved(run.log, stateDirectory: stateDirectory), !run.failed { lines.append("  log:     \(log)") }
        if let disturbed = run.disturbed { lines.append("  DISTURBED: \(disturbed.reason); it gives no improved or regressed verdict") }
        guard !run.results.isEmpty else { return lines.joined(separator: "\n") + "\n" }
        // The run value is what comparisons use; the other columns describe the rounds around it.
        var rows = [["benchmark", "rounds", "run value (\(Display.quantileName(RunLevel.quantile)))", "median", "min", "max"]]
        for r in run.results {
            rows.append([
                r.name, String(r.stats.n), RunLevel.value(of: r).map { Display.value(exp($0.log), unit: r.unit) } ?? "n/a",
                Display.value(r.stats.median, unit: r.unit),
                Display.value(r.stats.min, unit: r.unit), Display.value(r.stats.max, unit: r.unit),
            ])
        }
        let table = Display.table(rows, rightAligned: [1, 2, 3, 4, 5])
        lines.append(contentsOf: table.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { "  " + $0 })
        for problem in run.problems { lines.append("  problem: \(problem)") }
        return lines.joined(separator: "\n") + "\n"
    }

    struct ShowJSON: Encodable {
        var commit: String
        var subject: String
        var schema: Int
        var runs: [Run]
    }
}
