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
        if json {
            let view = ShowJSON(commit: commit.hex, subject: info.subject, schema: note?.schema ?? Note.currentSchema, runs: note?.runs ?? [])
            output.write(try JSONText.encode(view))
            return
        }
        output.line("commit \(commit.short) \(info.subject)")
        guard let note, !note.runs.isEmpty else {
            output.line("not measured (run `perfjournal run \(revision)`)")
            return
        }
        for (index, run) in note.runs.enumerated() {
            output.line()
            output.write(describe(run, index: index + 1, of: note.runs.count, measuredHere: run.commit == commit.hex))
        }
    }

    static func describe(_ run: Run, index: Int, of count: Int, measuredHere: Bool) -> String {
        var lines: [String] = []
        var head = "run \(index) of \(count)"
        if run.baseline { head += " · baseline" }
        if let purpose = run.purpose { head += " · \(purpose.rawValue)" }
        head += " · \(run.source.rawValue) · \(run.time)"
        lines.append(head)
        if !measuredHere { lines.append("  measured on \(String(run.commit.prefix(7))); the note followed an amend or rebase") }
        lines.append("  machine: \(run.machine.id) (\(run.machine.hostname), \(run.machine.cpu), \(run.machine.cores) cores)")
        if let bench = run.bench {
            lines.append("  bench:   \(bench.command) (exit \(bench.exitStatus), \(Display.seconds(bench.duration)))")
        }
        lines.append("  tests:   \(RunSummary.testsText(run.tests))")
        if let log = run.log { lines.append("  log:     \(log)") }
        if let disturbed = run.disturbed { lines.append("  DISTURBED: \(disturbed.reason); it gives no improved or regressed verdict") }
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
