import Git

/// Short human summaries of runs, shared by every command that reports one.
package enum RunSummary {
    package static func oneLine(_ run: Run, commit: ObjectID) -> String {
        "\(run.baseline ? "baseline" : "run") stored on \(commit.short), " + details(run)
    }

    /// "4 benchmarks, tests passed (12 passed)".
    package static func details(_ run: Run) -> String {
        var parts = ["\(run.results.count) benchmark\(run.results.count == 1 ? "" : "s")"]
        parts.append(testsText(run.tests))
        if !run.problems.isEmpty { parts.append("\(run.problems.count) problem\(run.problems.count == 1 ? "" : "s") reported") }
        return parts.joined(separator: ", ")
    }

    package static func testsText(_ tests: TestOutcome?) -> String {
        guard let tests else { return "tests not run" }
        var counts: [String] = []
        if let p = tests.passed { counts.append("\(p) passed") }
        if let f = tests.failed { counts.append("\(f) failed") }
        if let e = tests.errors { counts.append("\(e) errors") }
        if let s = tests.skipped { counts.append("\(s) skipped") }
        let detail = counts.isEmpty ? "" : " (\(counts.joined(separator: ", ")))"
        switch tests.status {
        case .passed: return "tests passed" + detail
        case .failed: return "tests FAILED" + detail
        case .timeout: return "tests TIMED OUT"
        }
    }
}
