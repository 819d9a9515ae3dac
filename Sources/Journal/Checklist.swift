// swift-format-ignore-file
import Rules

/// The six items of the optimization discipline, each ✓ / ✗ / – with the commits that fail and why.
public struct Checklist: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        /// ✓
        case pass
        /// ✗: at least one commit fails.
        case fail
        /// –: nothing to judge yet, or some commits cannot be judged yet (not measured).
        case pending

        public var mark: String {
            switch self {
            case .pass: return "✓"
            case .fail: return "✗"
            case .pending: return "–"
            }
        }
    }

    public struct Evidence: Codable, Sendable, Equatable {
        /// Full hash; nil for evidence about no particular commit (a missing baseline, the log file).
        public var commit: String?
        public var subject: String
        public var reason: String

        public init(commit: String?, subject: String, reason: String) {
            self.commit = commit
            self.subject = subject
            self.reason = reason
        }
    }

    public struct Item: Codable, Sendable, Equatable {
        /// Stable key: baseline, one-change, improvement, tests, log, api.
        public var key: String
        public var title: String
        public var status: Status
        /// One line saying what was judged.
        public var summary: String
        public var evidence: [Evidence]
    }

    /// Whether the progress log file matches what `perfjournal log` generates.
    public enum LogState: Sendable, Equatable {
        case upToDate
        case stale(String)
    }

    public var items: [Item]

    /// False when any item fails.
    public var passed: Bool { !items.contains { $0.status == .fail } }

    public init(items: [Item]) { self.items = items }

    /// `hasBaseline`: a baseline run exists on HEAD or its ancestors; `logPath` for the wording;
    /// `failedBaseline`: the baseline commit, when its own tests failed (the tests item fails with it).
    public init(checks: [CommitCheck], hasBaseline: Bool, log: LogState, logPath: String, failedBaseline: Evidence? = nil) {
        let optimizations = checks.filter { $0.kind == .optimization }
        var items: [Item] = []

        var baseline = Self.ruleItem(.baseline, "A baseline saved before any change", optimizations)
        if !hasBaseline {
            baseline.status = .fail
            baseline.summary = "no baseline run on HEAD or its ancestors"
            baseline.evidence.insert(
                Evidence(commit: nil, subject: "", reason: "run `perfjournal baseline` on the commit before the first change"), at: 0)
        }
        items.append(baseline)
        items.append(Self.ruleItem(.oneChange, "Each optimization a separate focused change", optimizations))
        items.append(Self.ruleItem(.improvement, "A measurable improvement beyond noise", optimizations))
        var tests = Self.ruleItem(.tests, "The full test suite passes", checks.filter { $0.kind != .merge })
        if let failedBaseline {
            tests.status = .fail
            tests.summary = "the baseline's tests FAILED; " + tests.summary
            tests.evidence.insert(failedBaseline, at: 0)
        }
        items.append(tests)
        switch log {
        case .upToDate:
            items.append(Item(key: "log", title: "The progress log updated", status: .pass,
                              summary: "\(logPath) in HEAD matches the generated log", evidence: []))
        case .stale(let reason):
            items.append(Item(key: "log", title: "The progress log updated", status: .fail,
                              summary: "\(logPath) is not up to date",
                              evidence: [Evidence(commit: nil, subject: logPath, reason: reason)]))
        }
        items.append(Self.ruleItem(.api, "No public API changes, or documented ones", optimizations))
        self.items = items
    }

    /// ✗ when any commit fails the rule, – when some cannot be judged yet (or there is nothing to judge),
    /// ✓ when every commit passes.
    static func ruleItem(_ rule: RuleName, _ title: String, _ checks: [CommitCheck]) -> Item {
        var failing: [Evidence] = []
        var unknown: [Evidence] = []
        var passing = 0
        for check in checks {
            guard let outcome = check.rule(rule) else { continue }
            let evidence = Evidence(commit: check.commit, subject: check.subject, reason: outcome.reason)
            switch outcome.status {
            case .pass: passing += 1
            case .fail: failing.append(evidence)
            case .unknown: unknown.append(evidence)
            case .warn: passing += 1
            }
        }
        let judged = passing + failing.count + unknown.count
        let noun = rule == .tests ? "commit" : "optimization"
        let status: Status
        let summary: String
        if judged == 0 {
            status = .pending
            summary = "no \(noun)s to judge yet"
        } else if !failing.isEmpty {
            status = .fail
            summary = "\(failing.count) of \(judged) \(noun)\(judged == 1 ? "" : "s") fail"
                + (unknown.isEmpty ? "" : ", \(unknown.count) not judged yet")
        } else if !unknown.isEmpty {
            status = .pending
            summary = "\(unknown.count) of \(judged) \(noun)\(judged == 1 ? "" : "s") not judged yet"
        } else {
            status = .pass
            summary = "all \(judged) \(noun)\(judged == 1 ? "" : "s") pass"
        }
        return Item(key: rule.rawValue, title: title, status: status, summary: summary, evidence: failing + unknown)
    }

    /// The checklist for a terminal: plain text, no Markdown escapes, at most `limit` commits per item
    /// (0: all), the rest counted.
    public func text(limit: Int) -> String {
        var lines: [String] = []
        for item in items {
            lines.append("\(item.status.mark) \(item.title): \(item.summary)")
            let shown = limit > 0 ? Array(item.evidence.prefix(limit)) : item.evidence
            for e in shown {
                let commit = e.commit.map { String($0.prefix(7)) + " " } ?? ""
                let subject = e.subject.isEmpty ? "" : e.subject + ": "
                lines.append("    \(commit)\(subject)\(e.reason)")
            }
            if shown.count < item.evidence.count {
                lines.append("    … \(item.evidence.count - shown.count) more (--limit 0 lists all)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func context() -> [String: Any] {
        [
            "passed": passed,
            "items": items.map { item -> [String: Any] in
                [
                    "key": item.key,
                    "title": item.title,
                    "mark": item.status.mark,
                    "status": item.status.rawValue,
                    "summary": MarkdownEscape.inline(item.summary),
                    "has_evidence": !item.evidence.isEmpty,
                    "evidence": item.evidence.map { e -> [String: Any] in
                        var row: [String: Any] = [
                            "subject": MarkdownEscape.inline(e.subject),
                            "reason": MarkdownEscape.inline(e.reason),
                            "has_subject": !e.subject.isEmpty,
                        ]
                        if let commit = e.commit {
                            row["commit"] = commit
                            row["short"] = JournalFormat.short(commit)
                        }
                        return row
                    },
                ]
            },
        ]
    }
}
