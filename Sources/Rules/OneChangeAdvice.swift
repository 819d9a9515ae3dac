/// How to split a bundled commit: what the commit-msg hook and `check` print under the one-change
/// failure. The hook speaks before any commit exists (unstage, `git add -p`, reuse the kept message);
/// `check` speaks about a commit already made (edit it in a rebase).
package enum OneChangeAdvice {
    package enum Moment: Sendable, Equatable {
        /// The commit-msg hook: nothing was committed; the message is kept at `keptMessage`.
        case staged(keptMessage: String)
        /// `check`: the commit exists (abbreviated hash).
        case committed(String)
    }

    package static func lines(_ finding: OneChangeFinding, moment: Moment) -> [String] {
        var lines: [String] = []
        if finding.groups.count >= 2 {
            for (number, group) in finding.groups.enumerated() {
                let follows = group.support.isEmpty ? "" : " (with \(group.support.joined(separator: ", ")))"
                lines.append("change \(number + 1) {\(group.label)}: \(group.symbols.joined(separator: ", "))\(follows)")
            }
        } else {
            if let fallback = finding.fallback { lines.append("judged by the limits: \(fallback)") }
            lines.append("touched:")
            for file in finding.symbolsByFile.keys.sorted() {
                let symbols = finding.symbolsByFile[file]!
                lines.append("  " + (symbols.isEmpty ? file : "\(file): \(symbols.joined(separator: ", "))"))
            }
        }
        switch moment {
        case .staged(let kept):
            let files = Array(Set(finding.symbolsByFile.keys).union(finding.ignoredFiles)).sorted()
            let unstage = files.count <= 6 ? "`git restore --staged \(files.map(quoted).joined(separator: " "))` (or `git reset`)" : "`git reset`"
            lines.append("nothing was committed. To split it: \(unstage), then `git add -p` the first change and")
            lines.append("`git commit -F \(kept)` (your message, kept), and the same for the next;")
        case .committed(let commit):
            lines.append("to split it: `git rebase -i \(commit)~`, mark \(commit) `edit`, then `git reset HEAD~`, `git add -p` one change")
            lines.append("at a time and commit each, and `git rebase --continue`;")
        }
        lines.append("or keep it whole with a `Perf-Scope: <why this is one change>` trailer.")
        return lines
    }

    private static func quoted(_ path: String) -> String {
        path.allSatisfy { $0.isLetter || $0.isNumber || "/._-".contains($0) } ? path : "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
