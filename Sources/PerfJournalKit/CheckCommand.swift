import Foundation
import Git
import Rules
import Store
import Support

import protocol Support.OutputStream

/// `perfjournal check [RANGE] [--json]`: every commit's kind and rules, for CI. Exit 1 on any failure.
public enum CheckCommand {
    /// Returns whether every rule of every commit passed or was unknown.
    @discardableResult
    public static func run(at path: String, range: String?, json: Bool, requireRuns: Bool = false, output: OutputStream) throws -> Bool {
        let workspace = try Workspace.open(at: path)
        let commits = try range.map { try CheckEngine.range($0, workspace: workspace) } ?? CheckEngine.defaultRange(workspace: workspace)
        let checks = try CheckEngine.evaluate(workspace: workspace, commits: commits, requireRuns: requireRuns ? true : nil)
        let ok = !checks.contains { check in check.rules.values.contains { $0.status == .fail } }
        if json {
            output.write(try JSONText.encode(Report(ok: ok, commits: checks.map(Report.Entry.init))))
        } else {
            output.write(text(checks, ok: ok))
        }
        return ok
    }

    /// The JSON shape CI scripts read; only these keys, so it stays stable.
    struct Report: Encodable {
        var ok: Bool
        var commits: [Entry]

        struct Entry: Encodable {
            var commit: String
            var subject: String
            var kind: CommitKind
            var rules: [RuleName: RuleOutcome]

            init(_ check: CommitCheck) {
                commit = check.commit
                subject = check.subject
                kind = check.kind
                rules = check.rules
            }
        }
    }

    static func text(_ checks: [CommitCheck], ok: Bool) -> String {
        var lines: [String] = []
        for check in checks {
            lines.append("\(check.commit.prefix(7)) \(check.subject)  [\(check.kind.rawValue)]")
            for name in RuleName.allCases {
                guard let outcome = check.rule(name) else { continue }
                let mark = outcome.status == .pass ? "✓" : outcome.status == .fail ? "✗" : outcome.status == .warn ? "!" : "–"
                lines.append("  \(mark) \(name.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(outcome.reason)")
            }
            if check.rule(.oneChange)?.status == .fail, let finding = check.oneChange {
                lines.append(contentsOf: OneChangeAdvice.lines(finding, moment: .committed(String(check.commit.prefix(7)))).map { "    " + $0 })
            }
        }
        let failing = checks.filter { $0.rules.values.contains { $0.status == .fail } }.count
        lines.append("\(checks.count) commit\(checks.count == 1 ? "" : "s") checked: " + (ok ? "all rules pass" : "\(failing) failing"))
        return lines.joined(separator: "\n") + "\n"
    }
}
