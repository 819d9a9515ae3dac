import Foundation
import Results
import Rules
import Statistics

/// The progress log as data: the baseline, one entry per optimization in history order, and the
/// cumulative change. Built from `CommitCheck`s alone (plus the baseline and the cumulative comparison),
/// so the rules are judged in one place; `--json` prints it, and the templates get a formatted view of it.
public struct JournalModel: Codable, Sendable, Equatable {
    public var baseline: JournalBaseline?
    public var entries: [JournalEntry]
    public var summary: JournalSummary?
    /// Commits in the range that are not journal entries (support commits, merges).
    public var otherCommits: Int
    /// Optimizations made before the newest baseline (after an earlier one), judged against the baseline
    /// they were made on; nil when there are none. A new baseline never makes entries vanish.
    public var earlier: [JournalEntry]?

    public init(baseline: JournalBaseline?, entries: [JournalEntry], summary: JournalSummary?, otherCommits: Int) {
        self.baseline = baseline
        self.entries = entries
        self.summary = summary
        self.otherCommits = otherCommits
    }

    /// Entries numbered from 1 in the order of `checks` (oldest first); only optimizations are entries.
    public init(baseline: JournalBaseline?, checks: [CommitCheck], cumulative: JournalSummary.Cumulative?) {
        var entries: [JournalEntry] = []
        for check in checks where check.kind == .optimization {
            entries.append(JournalEntry(number: entries.count + 1, check: check))
        }
        self.init(
            baseline: baseline, entries: entries,
            summary: cumulative.map { JournalSummary(cumulative: $0, entries: entries) },
            otherCommits: checks.count - entries.count)
    }

    enum CodingKeys: String, CodingKey {
        case baseline, entries, summary, earlier
        case otherCommits = "other_commits"
    }
}

public struct JournalBaseline: Codable, Sendable, Equatable {
    public var commit: String
    public var subject: String
    /// The commit's committer date, "2026-11-29 17:03 +0100".
    public var committed: String
    /// When the baseline run was made (ISO 8601, UTC).
    public var measured: String
    public var machine: String
    /// The benchmark command as run; nil for recorded or imported results.
    public var command: String?
    public var format: ResultFormat
    public var benchmarks: Int

    public init(
        commit: String, subject: String, committed: String, measured: String, machine: String, command: String?,
        format: ResultFormat, benchmarks: Int
    ) {
        self.commit = commit
        self.subject = subject
        self.committed = committed
        self.measured = measured
        self.machine = machine
        self.command = command
        self.format = format
        self.benchmarks = benchmarks
    }
}

/// Why an entry is marked: a rule it fails, or no run yet.
public struct JournalFlag: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case noBaseline = "no-baseline"
        case bundled
        case noise
        case regression
        case testsFailed = "tests-failed"
        case api
        case unmeasured
        /// Rule hot-path failed (rules.hot_path = "fail"): the changed code is cold in every benchmark.
        case cold
    }

    public var kind: Kind
    public var reason: String

    public init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    /// The short label shown in the log.
    public var label: String {
        switch kind {
        case .noBaseline: return "no baseline"
        case .bundled: return "bundled"
        case .noise: return "not beyond noise"
        case .regression: return "regression"
        case .testsFailed: return "tests fail"
        case .api: return "undocumented API change"
        case .unmeasured: return "no run yet"
        case .cold: return "cold code"
        }
    }
}

public struct JournalEntry: Codable, Sendable, Equatable {
    public enum Tests: String, Codable, Sendable { case pass, fail, unknown }

    /// 1-based, in history order.
    public var number: Int
    public var commit: String
    public var subject: String
    public var title: String
    public var body: String
    public var measured: Bool
    public var reference: String?
    public var comparison: Comparison?
    public var tests: Tests
    public var flags: [JournalFlag]
    /// What the profiles say the change did; nil (absent from the JSON) unless the commit and its
    /// reference both have a profile and a changed benchmark or peak memory has something to show.
    public var whereTimeWent: WhereTimeWent?

    public init(number: Int, check: CommitCheck) {
        self.number = number
        commit = check.commit
        subject = check.subject
        title = check.title.isEmpty ? check.subject : check.title
        body = check.body
        measured = check.measured
        reference = check.reference
        comparison = check.comparison
        switch check.rule(.tests)?.status {
        case .pass: tests = .pass
        case .fail: tests = .fail
        case .unknown, .warn, nil: tests = .unknown
        }
        flags = Self.flags(check)
    }

    /// Every failing rule, in the order of `RuleName`, plus "no run yet". A failed improvement rule is a
    /// regression when any benchmark regressed, else a change not beyond noise.
    static func flags(_ check: CommitCheck) -> [JournalFlag] {
        var flags: [JournalFlag] = []
        for name in RuleName.allCases {
            guard let outcome = check.rule(name), outcome.status == .fail else { continue }
            switch name {
            case .baseline: flags.append(.init(.noBaseline, outcome.reason))
            case .oneChange: flags.append(.init(.bundled, outcome.reason))
            case .improvement:
                flags.append(.init(check.comparison?.anyRegressed == true ? .regression : .noise, outcome.reason))
            case .tests: flags.append(.init(.testsFailed, outcome.reason))
            case .api: flags.append(.init(.api, outcome.reason))
            case .hotPath: flags.append(.init(.cold, outcome.reason))
            }
        }
        if check.comparison?.anyRegressed == true && !flags.contains(where: { $0.kind == .regression }) {
            let names = check.comparison?.benchmarks.filter { $0.verdict == .regressed }.map(\.name) ?? []
            flags.append(.init(.regression, "regressed: " + names.joined(separator: ", ")))
        }
        if !check.measured && !check.measurementFailed {
            flags.append(.init(.unmeasured, "no stored run yet (perfjournal run \(check.commit.prefix(7)))"))
        }
        return flags
    }

    enum CodingKeys: String, CodingKey {
        case number, commit, subject, title, body, measured, reference, comparison, tests, flags
        case whereTimeWent = "where_time_went"
    }
}

/// The change from the baseline to the newest measured commit of the journal, and each entry's part in it.
public struct JournalSummary: Codable, Sendable, Equatable {
    /// What the summary is computed from: two measured commits and their comparison.
    public struct Cumulative: Sendable, Equatable {
        public var from: String
        public var to: String
        public var comparison: Comparison

        public init(from: String, to: String, comparison: Comparison) {
            self.from = from
            self.to = to
            self.comparison = comparison
        }
    }

    /// One entry's change of one benchmark, and its share on a log scale, with its sign: the entry's log
    /// ratio over the sum of every entry's log ratio, so the shares add up to 100% (an entry that worked
    /// against the total has a negative share); nil when that sum is ~0.
    public struct Contribution: Codable, Sendable, Equatable {
        public var entry: Int
        public var ratio: Double
        public var share: Double?
    }

    public struct Benchmark: Codable, Sendable, Equatable {
        public var name: String
        public var contributions: [Contribution]
    }

    public var from: String
    public var to: String
    public var comparison: Comparison
    /// In the order of `comparison.benchmarks`.
    public var benchmarks: [Benchmark]
    /// Each measured entry's geometric-mean change and its share of the cumulative geometric mean.
    public var entryShares: [Contribution]

    public init(cumulative: Cumulative, entries: [JournalEntry]) {
        from = cumulative.from
        to = cumulative.to
        comparison = cumulative.comparison
        // The entries' own changes, per benchmark and as geometric means; each share is then taken of
        // their sum (not of the baseline-to-latest estimate, which unmeasured and support commits and
        // noise make differ from it), so the shares always add up.
        var byName: [String: [(entry: Int, ratio: Double)]] = [:]
        for b in comparison.benchmarks { byName[b.name] = [] }
        var means: [(entry: Int, ratio: Double)] = []
        for entry in entries {
            guard let c = entry.comparison else { continue }
            for b in c.benchmarks where b.ci.count == 2 && b.ratio > 0 && b.ratio.isFinite {
                byName[b.name]?.append((entry.number, b.ratio))
            }
            if let g = c.geometricMean, g.ratio > 0, g.ratio.isFinite { means.append((entry.number, g.ratio)) }
        }
        benchmarks = comparison.benchmarks.map { Benchmark(name: $0.name, contributions: Self.contributions(byName[$0.name] ?? [])) }
        entryShares = Self.contributions(means)
    }

    /// Each change with its signed share of the changes' sum on a log scale; the shares add up to 1.
    package static func contributions(_ changes: [(entry: Int, ratio: Double)]) -> [Contribution] {
        let total = changes.reduce(0.0) { $0 + log($1.ratio) }
        return changes.map { Contribution(entry: $0.entry, ratio: $0.ratio, share: share(log($0.ratio), of: total)) }
    }

    static func share(_ part: Double, of total: Double) -> Double? {
        abs(total) < 1e-9 || !part.isFinite ? nil : part / total
    }

    enum CodingKeys: String, CodingKey {
        case from, to, comparison, benchmarks
        case entryShares = "entry_shares"
    }
}
