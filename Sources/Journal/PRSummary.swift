// swift-format-ignore-file
import Foundation
import Git
import Results
import Statistics
import Store
import Support
import protocol Support.OutputStream

/// The PR body for the commits in base..head: the overall change, the optimizations, the checklist,
/// warnings, a Mermaid chart and the full numbers.
public struct PRSummary: Codable, Sendable, Equatable {
    public struct Overall: Codable, Sendable, Equatable {
        /// The measured commits compared (base, or its nearest measured ancestor; head, or its nearest
        /// measured ancestor in the range).
        public var from: String
        public var to: String
        public var comparison: Comparison
    }

    public struct Warning: Codable, Sendable, Equatable {
        /// regression | noise | bundled | tests-failed | unmeasured | other-machine
        public var kind: String
        public var commit: String?
        public var text: String
    }

    public var base: String
    public var head: String
    /// How the base was chosen: "--base", "upstream merge-base" or "baseline".
    public var baseSource: String
    public var notes: [String]
    public var overall: Overall?
    /// The optimizations of base..head, numbered from 1.
    public var entries: [JournalEntry]
    public var checklist: Checklist
    public var warnings: [Warning]
    public var chart: MermaidChart?

    enum CodingKeys: String, CodingKey {
        case base, head, notes, overall, entries, checklist, warnings, chart
        case baseSource = "base_source"
    }

    public enum Format: String, Sendable, CaseIterable {
        case markdown, json
    }

    // MARK: - Building

    public static func run(
        at path: String, base: String?, head: String?, format: Format, output: OutputStream
    ) throws {
        let workspace = try Workspace.open(at: path)
        let headID = try head.map { try workspace.resolve($0) } ?? workspace.head()
        let session = try Journal.Session(workspace: workspace, head: headID, extraBase: nil)
        var notes: [String] = []
        let baseID: ObjectID
        let source: String
        if let base {
            baseID = try workspace.resolve(base)
            source = "--base"
            // base..head of a base that is not behind the head is not a PR: `--base HEAD --head HEAD~3`.
            guard try workspace.repository.isAncestor(baseID, of: headID) else {
                throw PerfJournalError(.usage, "the base \(base) (\(baseID.short)) is not an ancestor of the head \(head ?? "HEAD") (\(headID.short)); did you swap --base and --head?")
            }
        } else if let upstream = try? workspace.repository.resolveCommit("@{upstream}"),
                  let mergeBase = try workspace.repository.mergeBase(upstream, headID) {
            baseID = mergeBase
            source = "upstream merge-base"
        } else if let baseline = session.baseline {
            baseID = baseline.commit
            source = "baseline"
            notes.append("no upstream branch: comparing from the baseline \(baseline.commit.short) (use --base to choose)")
        } else {
            throw PerfJournalError(.usage, "no upstream branch and no baseline to compare from: pass --base <rev>")
        }
        // One evaluation serves the log (for the checklist) and the range, when the range lies inside it.
        let full = baseID == session.baseline?.commit || session.baseline == nil
            ? session
            : try Journal.Session(workspace: workspace, head: headID, extraBase: baseID)
        let summary = try make(session: full, base: baseID, head: headID, source: source, notes: notes)
        switch format {
        case .json: output.write(try JSONText.encode(summary))
        case .markdown: output.write(full.templates.render(.prSummary, summary.context()))
        }
    }

    static func make(session: Journal.Session, base: ObjectID, head: ObjectID, source: String, notes: [String]) throws -> PRSummary {
        let repository = session.workspace.repository
        let inRange = Set(try repository.commits(from: head, hiding: [base]).map(\.hex))
        let checks = session.allChecks.filter { inRange.contains($0.commit) }
        var entries: [JournalEntry] = []
        for check in checks where check.kind == .optimization {
            entries.append(JournalEntry(number: entries.count + 1, check: check))
        }
        entries = session.withWhereTimeWent(entries)
        let rendered = try session.renderLog()
        // The checklist of the PR's commits, not of the whole journal.
        let checklist = Checklist(
            checks: checks, hasBaseline: session.baseline != nil, log: try session.logState(rendered: rendered, workingTree: false),
            logPath: session.logPath)

        // The machine: the one most of the range's runs were made on (else the reference's).
        let rangeCommits = checks.filter { $0.kind != .merge }.compactMap { ObjectID(hex: $0.commit) }
        var machine = try majorityMachine(of: rangeCommits, session: session)
        // The measured stand-ins for base and head.
        var notes = notes
        let reference = try self.reference(base: base, rangeCommits: rangeCommits, machine: machine, session: session)
        let from = reference?.commit
        if let reference { notes.append(contentsOf: reference.note.map { [$0] } ?? []) }
        let to = try nearestMeasured(from: head, session: session, within: inRange)
        var overall: Overall?
        if let from, let fromNote = try session.history.note(at: from), let latest = fromNote.runs.last {
            if machine == nil || fromNote.runs(on: machine!).isEmpty { machine = latest.machine.id }
            let machine = machine!
            if let to, to != from, let toNote = try session.history.note(at: to) {
                if to != head { notes.append("head \(head.short) has no run: \(to.short) is the newest measured commit") }
                let before = fromNote.runs(on: machine)
                var after = toNote.runs(on: machine)
                if after.isEmpty, let last = toNote.runs.last {
                    after = toNote.runs(on: last.machine.id)
                    notes.append("\(to.short) has no run on machine \(machine): compared across machines")
                }
                overall = Overall(from: from.hex, to: to.hex, comparison: Comparator.compare(
                    before: before.map(\.measured), after: after.map(\.measured),
                    noise: session.history.noise(machine: after.last?.machine.id ?? latest.machine.id),
                    options: ComparisonOptions(stats: session.config.stats)))
            }
        } else {
            notes.append("nothing measured at or before the base \(base.short), no baseline, and nothing measured in the range: no overall change")
        }

        var warnings: [Warning] = []
        for entry in entries {
            for flag in entry.flags {
                let kind: String
                switch flag.kind {
                case .regression: kind = "regression"
                case .noise: kind = "noise"
                case .bundled: kind = "bundled"
                case .testsFailed: kind = "tests-failed"
                default: continue
                }
                warnings.append(Warning(kind: kind, commit: entry.commit, text: "\(entry.title) — \(flag.reason)"))
            }
        }
        for check in checks where check.kind != .merge && !check.measured {
            warnings.append(Warning(kind: "unmeasured", commit: check.commit, text: "not measured yet: \(check.subject)"))
        }
        var points: [(ObjectID, [BenchmarkResult])] = []
        if let from, let note = try session.history.note(at: from) {
            points.append((from, RunPool.pool(machine.map { note.runs(on: $0) } ?? [])))
        }
        for check in checks where check.measured && check.kind != .merge && check.commit != from?.hex {
            guard let id = ObjectID(hex: check.commit), let note = try session.history.note(at: id) else { continue }
            let same = machine.map { note.runs(on: $0) } ?? []
            if same.isEmpty, let other = note.runs.last {
                warnings.append(Warning(kind: "other-machine", commit: check.commit,
                                        text: "measured only on another machine (\(other.machine.id)): \(check.subject)"))
                continue
            }
            points.append((id, RunPool.pool(same)))
        }
        return PRSummary(
            base: base.hex, head: head.hex, baseSource: source, notes: notes, overall: overall, entries: entries,
            checklist: checklist, warnings: warnings, chart: MermaidChart.make(points: points))
    }

    /// What the range is measured against, in this order: the base's nearest measured ancestor (the base
    /// itself when measured); otherwise the baseline; otherwise the first measured commit in the range.
    /// Among the candidates of each kind, one with runs on `machine` is preferred. `note` says which
    /// stood in, when it is not the base itself.
    static func reference(base: ObjectID, rangeCommits: [ObjectID], machine: String?, session: Journal.Session) throws -> (commit: ObjectID, note: String?)? {
        func hasRuns(_ commit: ObjectID) throws -> Bool {
            guard let note = try session.history.note(at: commit) else { return false }
            return machine.map { !note.runs(on: $0).isEmpty } ?? !note.runs.isEmpty
        }
        if let ancestor = try nearestMeasured(from: base, session: session, within: nil), try hasRuns(ancestor) {
            return (ancestor, ancestor == base ? nil : "base \(base.short) has no run: its nearest measured ancestor \(ancestor.short) stands in")
        }
        if let baseline = session.baseline?.commit, !session.logOnly.contains(baseline.hex), try hasRuns(baseline) {
            return (baseline, "base \(base.short) and its ancestors have no run: the baseline \(baseline.short) stands in")
        }
        for commit in rangeCommits where session.history.measured[commit] != nil && !session.logOnly.contains(commit.hex) {
            if try hasRuns(commit) {
                return (commit, "base \(base.short) and its ancestors have no run, and there is no baseline: the first measured commit in the range, \(commit.short), stands in (its own change is not in the overall figure)")
            }
        }
        // Nothing on that machine: any measured ancestor of the base, as before.
        return try nearestMeasured(from: base, session: session, within: nil).map { ($0, "base \(base.short) has no run: its nearest measured ancestor \($0.short) stands in") }
    }

    /// The machine most of these commits' runs were made on; ties go to the newest commit's. nil when
    /// none is measured.
    static func majorityMachine(of commits: [ObjectID], session: Journal.Session) throws -> String? {
        var counts: [String: Int] = [:]
        var lastSeen: [String: Int] = [:]
        for (position, commit) in commits.enumerated() where !session.logOnly.contains(commit.hex) {
            for run in try session.history.note(at: commit)?.runs ?? [] {
                counts[run.machine.id, default: 0] += 1
                lastSeen[run.machine.id] = position
            }
        }
        return counts.max { a, b in (a.value, lastSeen[a.key] ?? 0) < (b.value, lastSeen[b.key] ?? 0) }?.key
    }

    /// `start` or its nearest measured first-parent ancestor (staying inside `within` when given).
    static func nearestMeasured(from start: ObjectID, session: Journal.Session, within: Set<String>?) throws -> ObjectID? {
        var found: ObjectID?
        try session.workspace.repository.walk(from: start, firstParentOnly: true) { commit in
            if let within, !within.contains(commit.hex) { return false }
            if try session.history.isMeasured(commit) && !session.logOnly.contains(commit.hex) {
                found = commit
                return false
            }
            return true
        }
        return found
    }

    // MARK: - Rendering

    func context() -> [String: Any] {
        var context: [String: Any] = [
            "base": base,
            "base_short": JournalFormat.short(base),
            "head": head,
            "head_short": JournalFormat.short(head),
            "base_source": baseSource,
            "notes": notes.map { MarkdownEscape.inline($0) },
            "has_notes": !notes.isEmpty,
            "entries": entries.map { entry -> [String: Any] in
                var c = JournalFormat.entryContext(entry)
                c["full_rows"] = JournalFormat.comparisonRows(entry.comparison, full: true)
                return c
            },
            "has_entries": !entries.isEmpty,
            "has_where_time_went": entries.contains { $0.whereTimeWent != nil },
            "entry_count": entries.count,
            "checklist": checklist.context(),
            "warnings": warnings.map { w -> [String: Any] in
                var row: [String: Any] = ["kind": w.kind, "text": MarkdownEscape.inline(w.text)]
                if let c = w.commit { row["short"] = JournalFormat.short(c) }
                return row
            },
            "has_warnings": !warnings.isEmpty,
        ]
        if let overall {
            var o: [String: Any] = [
                "from_short": JournalFormat.short(overall.from),
                "to_short": JournalFormat.short(overall.to),
                "rows": JournalFormat.comparisonRows(overall.comparison),
                "full_rows": JournalFormat.comparisonRows(overall.comparison, full: true),
            ]
            if let g = JournalFormat.geometricMean(overall.comparison) { o["geomean"] = g }
            context["overall"] = o
        }
        if let chart { context["chart"] = chart.context() }
        return context
    }
}
