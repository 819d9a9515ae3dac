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
        let raw = (try? String(contentsOfFile: messageFile, encoding: .utf8)) ?? ""
        let message = CommitMessage(raw)
        if message.subject.isEmpty { return true }  // git aborts an empty message itself
        let merging = FileManager.default.fileExists(atPath: workspace.repository.gitDir + "/MERGE_HEAD")
        let config: Config
        do {
            // Not set up for perfjournal here: nothing to enforce.
            guard let present = try workspace.configIfPresent() else {
                ConfigReadMarker.touch(workspace)
                return true
            }
            config = present
        } catch let error as PerfJournalError {
            // A typo must not switch the rules off without a word: an optimization cannot be judged, so it
            // is refused; any other commit passes with a warning.
            guard !merging, message.isOptimization else {
                output.line("perfjournal: warning: \(error.description) (the commit rules are off until the config reads)")
                return true
            }
            let kept = keep(raw, workspace: workspace)
            output.line("perfjournal: commit refused (\(message.subject)): the config does not read, so the rules cannot judge it")
            output.line("perfjournal: \(error.description)")
            output.line("your message is kept: after fixing the config, `git commit -F \(kept)` (or `git commit --no-verify` to skip the rules)")
            return false
        }
        guard !merging, config.rules.mode == .all || message.isOptimization else {
            ConfigReadMarker.touch(workspace)
            return true
        }

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

    /// Keeps a refused message for the next attempt; returns where.
    static func keep(_ raw: String, workspace: Workspace) -> String {
        let kept = workspace.stateDirectory + "/refused-message"
        try? workspace.ensureDirectory(workspace.stateDirectory)
        try? AtomicFile.write(raw, to: kept)
        return kept
    }
}

/// `.git/perfjournal/config-read`: the commit-msg hook's note that the config read cleanly. The hook
/// script lets a plain commit through without starting perfjournal only while no config file is newer
/// than this marker, so an edit that breaks the config is reported at the next commit. A config written
/// in the last two seconds is not vouched for (file times may be that coarse): the next commit reads it again.
enum ConfigReadMarker {
    static func touch(_ workspace: Workspace) {
        let root = workspace.root
        let newest = [Config.fileName, Config.pyprojectFileName].compactMap {
            (try? FileManager.default.attributesOfItem(atPath: root + "/" + $0))?[.modificationDate] as? Date
        }.max()
        if let newest, Date().timeIntervalSince(newest) < 2 { return }
        try? workspace.ensureDirectory(workspace.stateDirectory)
        try? AtomicFile.write("", to: workspace.stateDirectory + "/config-read")
    }
}
