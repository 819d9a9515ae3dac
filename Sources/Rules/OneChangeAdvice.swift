/// How to split a bundled commit, from the symbols it touched.
package enum OneChangeAdvice {
    package static func lines(_ symbolsByFile: [String: [String]]) -> [String] {
        var lines = ["touched:"]
        for file in symbolsByFile.keys.sorted() {
            lines.append("  \(file): \(symbolsByFile[file]!.joined(separator: ", "))")
        }
        lines.append("split it: `git reset HEAD~` (or unstage), then `git add -p` one change at a time and commit each;")
        lines.append("or keep it whole with a `Perf-Scope: <why this is one change>` trailer.")
        return lines
    }
}
