import Config
import Foundation
import Git
import Rules
import Store
import Support

import protocol Support.OutputStream

/// `perfjournal hook commit-msg <file>`: the only moment that sees the message and the staged changes
/// together. It refuses a bundled optimization or one with no baseline, and says how to fix it. The
/// message is kept in `.git/perfjournal/refused-message` for the next attempt.
public enum CommitMessageHook {
    /// Returns true to let the commit through.
    public static func run(at path: String, messageFile: String, output: OutputStream) throws -> Bool {
        let workspace = try Workspace.open(at: path)
        // Not set up for perfjournal here: nothing to enforce.
        guard let config = try? workspace.config() else { return true }
        let raw = (try? String(contentsOfFile: messageFile, encoding: .utf8)) ?? ""
        let message = CommitMessage(raw)
        if message.subject.isEmpty { return true }  // git aborts an empty message itself
        let merging = FileManager.default.fileExists(atPath: workspace.repository.gitDir + "/MERGE_HEAD")
        guard !merging, config.rules.mode == .all || message.isOptimization else { return true }

        var problems: [String] = []
        var advice: [String] = []
        if message.title.trimmingCharacters(in: .whitespaces).isEmpty {
            problems.append("the subject says `perf:` but not what changed")
        }
        if let scope = message.trailer("Perf-Scope"), scope.trimmingCharacters(in: .whitespaces).isEmpty {
            problems.append("`Perf-Scope:` needs the reason this is one change")
        }

        let repository = workspace.repository
        let staged = try repository.diffStaged()
        let changes = try ChangeAnalysis.changes(repository: repository, diff: staged)
        let finding = OneChangeRule.evaluate(message: message, changes: changes, limits: config.oneChangeLimits)
        if finding.bundled {
            problems.append("this optimization bundles several changes: " + finding.reasons.joined(separator: "; "))
            advice += OneChangeAdvice.lines(finding.symbolsByFile)
        }

        if let problem = try baselineProblem(workspace: workspace, config: config, staged: staged) {
            problems.append(problem)
        }
        guard !problems.isEmpty else { return true }

        let kept = workspace.stateDirectory + "/refused-message"
        try? workspace.ensureDirectory(workspace.stateDirectory)
        try? AtomicFile.write(raw, to: kept)
        output.line("perfjournal: commit refused (\(message.subject))")
        for p in problems { output.line("  ✗ \(p)") }
        for a in advice { output.line("    \(a)") }
        output.line("your message is kept: after fixing, `git commit -F \(kept)` (or `git commit --no-verify` to skip the rules)")
        return false
    }

    /// Why there is no usable baseline for a commit on top of HEAD with `staged`, or nil.
    static func baselineProblem(workspace: Workspace, config: Config, staged: [FileDiff]) throws -> String? {
        let fix = "run `perfjournal baseline` first (on the commit before your change)"
        guard !workspace.repository.isHeadUnborn else { return "no baseline: the repository has no commits yet" }
        let head = try workspace.head()
        let history = try History(workspace: workspace)
        let machine = MachineFingerprint.current().id
        guard let baseline = try history.baseline(at: head, machine: machine) else {
            return try history.baseline(at: head) == nil
                ? "no baseline saved before this change: \(fix)"
                : "no baseline on this machine (\(machine)): \(fix)"
        }
        if let command = baseline.run.bench?.command, command != config.bench.command {
            return "the bench command changed since the baseline at \(baseline.commit.short): \(fix)"
        }
        let paths = try workspace.repository.diff(from: baseline.commit, to: head, linesWanted: false).map(\.path) + staged.map(\.path)
        if let touched = paths.first(where: { p in config.bench.files.contains { Glob.matches($0, p) } }) {
            return "benchmark definitions changed since the baseline at \(baseline.commit.short) (\(touched)): commit them separately, then \(fix)"
        }
        return nil
    }
}
