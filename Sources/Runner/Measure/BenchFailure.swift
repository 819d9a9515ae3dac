import Foundation

/// Reads a benchmark command's output for the two failures that deserve their own words: a command that
/// was not found (the shell's exit 127), and a pytest run that collected no benchmark (exit 5, "no tests
/// ran", or only skipped tests under --benchmark-only).
enum BenchFailure {
    /// The name the shell could not find: "sh: 1: uv: not found", "/bin/sh: uv: command not found".
    static func commandNotFound(log: String, command: String) -> String {
        for line in log.split(whereSeparator: \.isNewline).reversed() {
            let text = String(line)
            guard text.hasSuffix("not found") else { continue }
            let parts = text.components(separatedBy: ": ").map { $0.trimmingCharacters(in: .whitespaces) }
            // The word before "not found" / "command not found" is the name.
            if parts.count >= 2 {
                let name = parts[parts.count - 2]
                if !name.isEmpty, !name.hasPrefix("sh"), !name.allSatisfy(\.isNumber) { return name }
            }
        }
        return command.split(separator: " ").first.map(String.init) ?? command
    }

    /// pytest's closing line when pytest ran but no benchmark did ("no tests ran in 0.01s",
    /// "3 skipped in 0.02s"); nil when the log is not pytest's or something passed.
    static func pytestCollectedNothing(log: String, exitStatus: Int32) -> String? {
        let lines = log.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "= ")) }
        guard
            let summary = lines.last(where: { line in
                line.range(
                    of: #"^(no tests ran|[0-9]+ (passed|failed|skipped|deselected|errors?|warnings?|xfailed|xpassed)).* in [0-9.]+s"#,
                    options: .regularExpression) != nil
            })
        else {
            return exitStatus == 5 ? "no tests ran" : nil
        }
        if exitStatus == 5 || summary.hasPrefix("no tests ran") { return summary }
        let ran = ["passed", "failed", "error", "xfailed", "xpassed"].contains { summary.contains(" " + $0) }
        return ran ? nil : summary
    }
}
