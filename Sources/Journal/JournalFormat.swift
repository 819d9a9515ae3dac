import Foundation
import Statistics
import Support

/// Every string the journal templates show, formatted and escaped here so templates only lay them out.
/// Contexts are plain `[String: Any]` trees: Mustache reads dictionaries directly (no reflection).
enum JournalFormat {
    static func mark(_ verdict: Verdict) -> String {
        switch verdict {
        case .improved: return "✅"
        case .regressed: return "❌"
        case .unchanged: return "➖"
        case .inconclusive: return "❔"
        }
    }

    /// One mark for an entry: ❌ any regression, ✅ an improvement, ➖ all unchanged, ❔ otherwise.
    static func mark(_ comparison: Comparison?) -> String {
        guard let c = comparison, !c.benchmarks.isEmpty else { return "❔" }
        if c.anyRegressed { return "❌" }
        if c.benchmarks.contains(where: { $0.verdict == .improved }) { return "✅" }
        if c.benchmarks.allSatisfy({ $0.verdict == .unchanged }) { return "➖" }
        return "❔"
    }

    /// "-12.3% [-14.0%, -10.1%]"; "n/a" when no ratio could be formed.
    static func delta(_ ratio: Double, _ ci: [Double]) -> String {
        guard ci.count == 2 else { return "n/a" }
        return "\(Display.percentChange(ratio: ratio)) [\(Display.percentChange(ratio: ci[0])), \(Display.percentChange(ratio: ci[1]))]"
    }

    static func short(_ commit: String) -> String { String(commit.prefix(7)) }

    /// "62%" of the total change.
    static func share(_ share: Double?) -> String {
        guard let share, share.isFinite else { return "–" }
        return String(format: "%.0f%%", share * 100)
    }

    static func testsText(_ tests: JournalEntry.Tests) -> String {
        switch tests {
        case .pass: return "yes"
        case .fail: return "no"
        case .unknown: return "not run"
        }
    }

    static func comparisonRows(_ comparison: Comparison?, full: Bool = false) -> [[String: Any]] {
        guard let comparison else { return [] }
        return comparison.benchmarks.map { b in
            var row: [String: Any] = [
                "benchmark": MarkdownEscape.inline(b.name),
                "before": ComparisonTable.centre(b.beforeValue, b),
                "after": ComparisonTable.centre(b.afterValue, b),
                "delta": delta(b.ratio, b.ci),
                "verdict": b.verdict.rawValue,
                "mark": mark(b.verdict),
            ]
            if full {
                row["p"] = ComparisonTable.pValue(b.pAdjusted)
                row["n"] = "\(b.runsBefore)/\(b.runsAfter)"
                row["test"] = b.test.rawValue
                row["reason"] = MarkdownEscape.inline(b.reason ?? "")
            }
            return row
        }
    }

    static func geometricMean(_ comparison: Comparison?) -> String? {
        guard let g = comparison?.geometricMean else { return nil }
        return "\(delta(g.ratio, g.ci)) over \(g.count) benchmark\(g.count == 1 ? "" : "s")"
    }

    // MARK: - The log

    static func logContext(_ model: JournalModel) -> [String: Any] {
        var context: [String: Any] = [
            "has_entries": !model.entries.isEmpty,
            "entry_count": model.entries.count,
            "other_commits": model.otherCommits,
            "has_other_commits": model.otherCommits > 0,
            "other_commits_sentence": model.otherCommits == 1
                ? "1 other commit since the baseline is not an optimization and has no entry."
                : "\(model.otherCommits) other commits since the baseline are not optimizations and have no entry.",
            "has_earlier": !(model.earlier ?? []).isEmpty,
            "earlier": (model.earlier ?? []).map(entryContext),
            "flagged_count": model.entries.filter { !$0.flags.isEmpty }.count,
        ]
        if let b = model.baseline { context["baseline"] = baselineContext(b) }
        let titles = Dictionary(model.entries.map { ($0.number, $0.title) }, uniquingKeysWith: { a, _ in a })
        context["entries"] = model.entries.map(entryContext)
        if let s = model.summary { context["summary"] = summaryContext(s, titles: titles) }
        return context
    }

    static func baselineContext(_ b: JournalBaseline) -> [String: Any] {
        [
            "commit": b.commit,
            "short": short(b.commit),
            "subject": MarkdownEscape.inline(b.subject),
            "committed": b.committed,
            "measured": b.measured,
            "machine": MarkdownEscape.code(b.machine),
            "command": b.command.map { MarkdownEscape.code($0) } ?? "results recorded from a \(b.format.rawValue) file",
            "benchmarks": b.benchmarks,
        ]
    }

    static func entryContext(_ e: JournalEntry) -> [String: Any] {
        var context: [String: Any] = [
            "number": e.number,
            "title": MarkdownEscape.inline(e.title),
            "subject": MarkdownEscape.inline(e.subject),
            "commit": e.commit,
            "short": short(e.commit),
            "body": MarkdownEscape.block(e.body),
            "has_body": !MarkdownEscape.block(e.body).isEmpty,
            "measured": e.measured,
            "rows": comparisonRows(e.comparison),
            "has_rows": !(e.comparison?.benchmarks.isEmpty ?? true),
            "mark": e.measured ? mark(e.comparison) : "❔",
            "tests": testsText(e.tests),
            "flagged": !e.flags.isEmpty,
            "flags": e.flags.map { ["label": $0.label, "kind": $0.kind.rawValue, "reason": MarkdownEscape.inline($0.reason)] },
            "flag_labels": e.flags.map(\.label).joined(separator: ", "),
        ]
        let evidence = whereTimeWentLines(e.whereTimeWent, benchmarkNames: e.comparison?.benchmarks.map(\.name) ?? [])
        context["where_time_went"] = evidence
        context["has_where_time_went"] = !evidence.isEmpty
        if let r = e.reference { context["reference"] = short(r) }
        if let g = geometricMean(e.comparison) { context["geomean"] = g }
        if let c = e.comparison {
            if !c.onlyBefore.isEmpty { context["only_before"] = c.onlyBefore.map { MarkdownEscape.inline($0) }.joined(separator: ", ") }
            if !c.onlyAfter.isEmpty { context["only_after"] = c.onlyAfter.map { MarkdownEscape.inline($0) }.joined(separator: ", ") }
        }
        return context
    }

    /// The most contributors named per benchmark in the summary; the rest are counted.
    static let contributorsShown = 5

    static func summaryContext(_ s: JournalSummary, titles: [Int: String]) -> [String: Any] {
        var byName: [String: JournalSummary.Benchmark] = [:]
        for b in s.benchmarks { byName[b.name] = b }
        let rows: [[String: Any]] = s.comparison.benchmarks.map { b in
            // Decided changes first, the biggest moves first; ties broken by entry number for stable output.
            let all = byName[b.name]?.contributions ?? []
            let sorted = all.sorted {
                let a = abs(log($0.ratio)), c = abs(log($1.ratio))
                return a != c ? a > c : $0.entry < $1.entry
            }
            var parts = sorted.prefix(contributorsShown).map { "#\($0.entry) \(Display.percentChange(ratio: $0.ratio)) (\(share($0.share)))" }
            if sorted.count > contributorsShown { parts.append("… \(sorted.count - contributorsShown) more") }
            return [
                "benchmark": MarkdownEscape.inline(b.name),
                "baseline": ComparisonTable.centre(b.beforeValue, b),
                "latest": ComparisonTable.centre(b.afterValue, b),
                "change": delta(b.ratio, b.ci),
                "mark": mark(b.verdict),
                "contributors": parts.isEmpty ? "–" : parts.joined(separator: ", "),
            ]
        }
        var context: [String: Any] = [
            "from": s.from,
            "from_short": short(s.from),
            "to": s.to,
            "to_short": short(s.to),
            "rows": rows,
            "shares": s.entryShares.map {
                [
                    "number": $0.entry,
                    "title": MarkdownEscape.inline(titles[$0.entry] ?? "", lineBreaks: false),
                    "change": Display.percentChange(ratio: $0.ratio),
                    "share": share($0.share),
                ] as [String: Any]
            },
            "has_shares": !s.entryShares.isEmpty,
        ]
        if let g = geometricMean(s.comparison) { context["geomean"] = g }
        return context
    }
}
