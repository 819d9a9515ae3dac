import Statistics

/// What `perfjournal check` finds about one commit: its kind and each rule's outcome. The journal
/// (log, checklist, PR summary) is rendered from these, and the commit-msg hook gets the one-change and
/// baseline rules from the same code (`CheckEngine.judgeStaged`, through `Context.judge`), so the rules
/// are judged in one place only.

public enum CommitKind: String, Codable, Sendable, Equatable {
    /// A `perf:` commit, one with a `Perf-Change:` trailer, or any non-merge commit in mode "all".
    case optimization
    /// Measured, but not a journal entry (tests, benchmarks, docs, build…).
    case support
    case merge
}

public enum RuleStatus: String, Codable, Sendable, Equatable {
    /// `warn` is reported but does not fail `check` (rule hot-path's default).
    case pass, fail, unknown, warn
}

public struct RuleOutcome: Codable, Sendable, Equatable {
    public var status: RuleStatus
    public var reason: String

    public init(_ status: RuleStatus, _ reason: String) {
        self.status = status
        self.reason = reason
    }
}

/// The rules, by their names in `check --json`. As a dictionary key it encodes as that name
/// (`CodingKeyRepresentable`), so `rules` stays a JSON object keyed by rule name.
public enum RuleName: String, Codable, CodingKeyRepresentable, Sendable, CaseIterable {
    case baseline
    case oneChange = "one-change"
    case improvement
    case tests
    case api
    case hotPath = "hot-path"
}

public struct CommitCheck: Codable, Sendable, Equatable {
    /// Full hash.
    public var commit: String
    public var subject: String
    public var kind: CommitKind
    /// Every rule is present for an optimization, and for other kinds the
    /// rules that apply to them (tests) with the rest "unknown".
    public var rules: [RuleName: RuleOutcome]
    /// The journal title: the `Perf-Change:` trailer, else the subject without its `perf(scope):` prefix.
    public var title: String
    /// The commit body without trailers: the description in the log.
    public var body: String
    /// The measured commit this one is compared against (nearest measured first-parent ancestor, or the
    /// baseline), and that comparison; nil when either side has no run.
    public var reference: String?
    public var comparison: Comparison?
    /// True when the commit has a stored run.
    public var measured: Bool
    /// Touched symbols by file, for the one-change evidence.
    public var symbolsByFile: [String: [String]]
    /// Every path the commit changed (both sides of a rename); empty for a merge. Not in the JSON.
    public var changedPaths: [String] = []
    /// The one-change rule's finding for an optimization (its groups, for the split advice). Not in the JSON.
    public var oneChange: OneChangeFinding? = nil
    /// Its only run of its own code is a failed measurement (the rules say so). Not in the JSON.
    public var measurementFailed = false

    public init(
        commit: String, subject: String, kind: CommitKind, rules: [RuleName: RuleOutcome], title: String, body: String,
        reference: String? = nil, comparison: Comparison? = nil, measured: Bool, symbolsByFile: [String: [String]] = [:],
        changedPaths: [String] = [], oneChange: OneChangeFinding? = nil, measurementFailed: Bool = false
    ) {
        self.oneChange = oneChange
        self.changedPaths = changedPaths
        self.measurementFailed = measurementFailed
        self.commit = commit
        self.subject = subject
        self.kind = kind
        self.rules = rules
        self.title = title
        self.body = body
        self.reference = reference
        self.comparison = comparison
        self.measured = measured
        self.symbolsByFile = symbolsByFile
    }

    public func rule(_ name: RuleName) -> RuleOutcome? { rules[name] }

    enum CodingKeys: String, CodingKey {
        case commit, subject, kind, rules, title, body, reference, comparison, measured
        case symbolsByFile = "symbols_by_file"
    }
}
