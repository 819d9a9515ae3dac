import Config
import Foundation
import Git
import Rules
import Store
import Support

import protocol Support.OutputStream

/// `perfjournal hook commit-msg <file>`: the only moment that sees the message and the staged changes
/// together. It refuses a bundled optimization or one with no baseline, judged by the rule code `check`
/// uses, and says how to fix it. The message is kept in `.git/perfjournal/refused-message` for the next
/// attempt.
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

        // The same rule code as `check`: one change by reference, and a usable baseline.
        let kept = workspace.stateDirectory + "/refused-message"
        let judged = try CheckEngine.judgeStaged(workspace: workspace, config: config, message: message)
        if judged.oneChange.status == .fail {
            problems.append(judged.oneChange.reason)
            advice += OneChangeAdvice.lines(judged.finding, moment: .staged(keptMessage: kept))
        }
        if judged.baseline.status == .fail {
            problems.append(judged.baseline.reason)
        }
        guard !problems.isEmpty else { return true }

        try? workspace.ensureDirectory(workspace.stateDirectory)
        try? AtomicFile.write(raw, to: kept)
        output.line("perfjournal: commit refused (\(message.subject))")
        for p in problems { output.line("  ✗ \(p)") }
        for a in advice { output.line("    \(a)") }
        output.line("your message is kept: after fixing, `git commit -F \(kept)` (or `git commit --no-verify` to skip the rules)")
        return false
    }
}
