// swift-format-ignore-file
import Foundation
import Testing
import Git
@testable import Journal
@testable import Results
@testable import Rules
@testable import Statistics

@Suite struct JournalEscapeTests {
    @Test func inlineTextCannotBreakATableOrInjectHTML() {
        let text = "a | b `c` *d* _e_ <script>alert(1)</script> [x](y) & \\ ~f~\nnext"
        let escaped = MarkdownEscape.inline(text)
        #expect(escaped == "a \\| b \\`c\\` \\*d\\* \\_e\\_ &lt;script&gt;alert(1)&lt;/script&gt; \\[x\\](y) &amp; \\\\ \\~f\\~ next")
        #expect(MarkdownEscape.inline("one\ntwo", lineBreaks: true) == "one<br>two")
        #expect(MarkdownEscape.inline("bell\u{07}tab\t") == "belltab ")
    }

    @Test func bodyKeepsMarkdownButNotHTMLOrHeadings() {
        let body = "Intro <b>bold</b> & more\n# Heading?\nTitle\n===\n- a list item\n"
        #expect(MarkdownEscape.block(body) == "Intro &lt;b&gt;bold&lt;/b&gt; &amp; more\n\\# Heading?\nTitle\n\\===\n- a list item")
    }

    @Test func anUnclosedFenceIsClosedAndItsContentLeftAlone() {
        let body = "See:\n```\n<raw> & code\n"
        #expect(MarkdownEscape.block(body) == "See:\n```\n<raw> & code\n```")
        #expect(MarkdownEscape.block("~~~~\nx\n~~~~\nafter <i>") == "~~~~\nx\n~~~~\nafter &lt;i&gt;")
    }

    @Test func codeSpansOutlastTheirContent() {
        #expect(MarkdownEscape.code("a`b") == "``a`b``")
        #expect(MarkdownEscape.code("`x`") == "`` `x` ``")
        #expect(MarkdownEscape.code("a | b", inTable: true) == "`a \\| b`")
        #expect(MarkdownEscape.code("a | b") == "`a | b`")
    }

    @Test func mermaidLabelsCannotEndTheirString() {
        #expect(MarkdownEscape.mermaidLabel("a\"b]c\nd") == "a'b_c d")
    }
}

@Suite struct JournalModelTests {
    static func result(_ name: String, _ median: Double, seed: Double) -> BenchmarkResult {
        let samples = (0..<12).map { median * (1 + 0.01 * sin(Double($0) * 1.7 + seed)) }
        return BenchmarkResult(name: name, unit: "s", samples: samples, stats: SummaryStats(samples: samples)!)
    }

    /// One run a side, with a small spread learned as if the machine had been calibrated.
    static func comparison(_ before: Double, _ after: Double) -> Comparison {
        Comparator.compare(
            before: [result("b|x", before, seed: 1)], after: [result("b|x", after, seed: 2)],
            noise: NoiseModel(byBenchmark: ["b|x": LearnedSpread(spread: 0.01, degreesOfFreedom: 9)]))
    }

    static func check(
        _ n: Int, kind: CommitKind = .optimization, _ rules: [RuleName: RuleStatus], comparison: Comparison? = nil,
        measured: Bool = true, subject: String? = nil
    ) -> CommitCheck {
        var outcomes: [RuleName: RuleOutcome] = [:]
        for (rule, status) in rules { outcomes[rule] = RuleOutcome(status, "\(rule.rawValue) \(status.rawValue)") }
        let commit = String(repeating: String(n), count: 40).prefix(40)
        return CommitCheck(
            commit: String(commit), subject: subject ?? "perf: change \(n)", kind: kind, rules: outcomes,
            title: subject ?? "change \(n)", body: "", reference: nil, comparison: comparison, measured: measured)
    }

    static let allPass: [RuleName: RuleStatus] = [.baseline: .pass, .oneChange: .pass, .improvement: .pass, .tests: .pass, .api: .pass]

    @Test func entriesAreOptimizationsNumberedInHistoryOrderWithFlags() {
        var bundled = Self.allPass
        bundled[.oneChange] = .fail
        var regressed = Self.allPass
        regressed[.improvement] = .fail
        var noise = Self.allPass
        noise[.improvement] = .fail
        let checks = [
            Self.check(1, Self.allPass, comparison: Self.comparison(1.0, 0.8)),
            Self.check(2, kind: .support, [.tests: .pass]),
            Self.check(3, bundled, comparison: Self.comparison(0.8, 0.7)),
            Self.check(4, regressed, comparison: Self.comparison(0.7, 0.9)),
            Self.check(5, noise, comparison: Self.comparison(0.9, 0.9)),
            Self.check(6, [.tests: .unknown, .improvement: .unknown], measured: false),
        ]
        let model = JournalModel(baseline: nil, checks: checks, cumulative: nil)
        #expect(model.entries.map(\.number) == [1, 2, 3, 4, 5])
        #expect(model.otherCommits == 1)
        #expect(model.entries.map { $0.flags.map(\.kind) } == [[], [.bundled], [.regression], [.noise], [.unmeasured]])
        #expect(model.entries[4].tests == .unknown)
    }

    @Test func summarySharesAddUpOnALogScale() {
        let first = Self.comparison(1.0, 0.8), second = Self.comparison(0.8, 0.64)
        let checks = [Self.check(1, Self.allPass, comparison: first), Self.check(2, Self.allPass, comparison: second)]
        let cumulative = JournalSummary.Cumulative(from: "a", to: "b", comparison: Self.comparison(1.0, 0.64))
        let model = JournalModel(baseline: nil, checks: checks, cumulative: cumulative)
        let shares = model.summary?.benchmarks.first?.contributions.compactMap(\.share) ?? []
        #expect(shares.count == 2)
        #expect(abs(shares.reduce(0, +) - 1) < 0.05)
    }

    @Test func renderedLogEscapesBenchmarkNamesAndTitles() throws {
        let checks = [Self.check(1, Self.allPass, comparison: Self.comparison(1.0, 0.8), subject: "perf: a|b <i>")]
        let model = JournalModel(baseline: nil, checks: checks, cumulative: nil)
        let text = try JournalTemplates(root: nil).render(.log, JournalFormat.logContext(model))
        #expect(text.contains("### Optimization 1: perf: a\\|b &lt;i&gt; ✅"))
        #expect(text.contains("| b\\|x | "))
        #expect(!text.contains("<i>"))
    }

    @Test func checklistFailsOnAnyFailurePendsOnUnknownAndPassesOtherwise() {
        var bundled = Self.allPass
        bundled[.oneChange] = .fail
        let checks = [
            Self.check(1, Self.allPass), Self.check(2, bundled),
            Self.check(3, [.baseline: .pass, .oneChange: .pass, .improvement: .unknown, .tests: .unknown, .api: .pass], measured: false),
        ]
        let checklist = Checklist(checks: checks, hasBaseline: true, log: .stale("old"), logPath: "PERFORMANCE.md")
        let status = Dictionary(uniqueKeysWithValues: checklist.items.map { ($0.key, $0.status) })
        #expect(checklist.items.map(\.key) == ["baseline", "one-change", "improvement", "tests", "log", "api"])
        #expect(status == ["baseline": .pass, "one-change": .fail, "improvement": .pending, "tests": .pending, "log": .fail, "api": .pass])
        #expect(checklist.items[1].evidence.map(\.commit) == [checks[1].commit])
        #expect(!checklist.passed)
        let none = Checklist(checks: [], hasBaseline: false, log: .upToDate, logPath: "PERFORMANCE.md")
        #expect(none.items[0].status == .fail)
        #expect(none.items[1].status == .pending)
    }
}

@Suite struct JournalMermaidTests {
    static func point(_ id: Int, _ values: [String: (Double, String)]) -> (ObjectID, [BenchmarkResult]) {
        let oid = ObjectID(hex: String(repeating: String(id % 10), count: 40))!
        return (oid, values.keys.sorted().map { name in
            let (v, unit) = values[name]!
            return BenchmarkResult(name: name, unit: unit, samples: [v, v, v], stats: SummaryStats(samples: [v, v, v])!)
        })
    }

    @Test func oneAbsoluteScaleWhenReadableElseRelativeToBase() throws {
        let close = MermaidChart.make(points: [Self.point(1, ["a": (0.010, "s"), "b": (0.005, "s")]),
                                               Self.point(2, ["a": (0.008, "s"), "b": (0.005, "s")])])
        let chart = try #require(close)
        #expect(chart.unit == "ms")
        #expect(chart.series.map(\.values) == [[10, 8], [5, 5]])
        #expect(chart.source.contains("line [10, 8]"))

        let mixed = try #require(MermaidChart.make(points: [Self.point(1, ["a": (2.0, "s"), "c": (1e6, "ops/s")]),
                                                            Self.point(2, ["a": (1.0, "s"), "c": (2e6, "ops/s")])]))
        #expect(mixed.unit == "% of base")
        #expect(mixed.series.map(\.values).sorted { $0[1] < $1[1] } == [[100, 50], [100, 200]])
    }

    @Test func onlyBenchmarksPresentEverywhereAndAtMostFive() throws {
        var first: [String: (Double, String)] = [:], second: [String: (Double, String)] = [:]
        for i in 0..<8 { first["b\(i)"] = (Double(i + 1) * 1e-3, "s"); second["b\(i)"] = (Double(i + 1) * 1e-3, "s") }
        second["b7"] = nil
        let chart = try #require(MermaidChart.make(points: [Self.point(1, first), Self.point(2, second)]))
        #expect(chart.series.map(\.name) == ["b6", "b5", "b4", "b3", "b2"])
        #expect(chart.series.allSatisfy { $0.values.count == chart.labels.count })
        #expect(MermaidChart.make(points: [Self.point(1, first)]) == nil)
    }

    @Test func numbersNeverUseExponents() {
        #expect(MermaidChart.number(0.00001234) == "0.000012")
        #expect(MermaidChart.number(1234567) == "1234567")
        #expect(MermaidChart.number(-0.0) == "0")
    }
}
