import Foundation
import Git
import Results
import Rules
import Statistics
import Store
import Support

/// What `perfjournal report --html` draws, read once from the history: the measured commits of one
/// machine in first-parent order, each benchmark's run-level value at each of them, the optimizations
/// with their verdicts, the checklist and the machines. Built from `Journal.Session` (so the rules are
/// judged where `check` and the log judge them) and from the notes; like every read-only command it runs
/// no repository-defined command (the check engine only reads `rules.api_command`'s recorded surfaces).
package struct ReportModel: Sendable {
    package struct Commit: Sendable, Equatable {
        package var hash: String
        package var subject: String
        /// "2026-11-29 17:03 +0100".
        package var date: String
        /// The journal entry's number when the commit is an optimization.
        package var entry: Int?
        /// Every run of the commit on the report's machine was disturbed (drawn hollow).
        package var disturbed: Bool
    }

    /// One benchmark's value at one commit: the mean of its runs' values on a log scale, and a 95% interval.
    package struct Point: Sendable, Equatable {
        /// Index into `commits`.
        package var commit: Int
        package var value: Double
        package var low: Double
        package var high: Double
        /// The verdict of this benchmark when the commit is an optimization with a comparison.
        package var verdict: Verdict?
        package var disturbed: Bool
    }

    package struct Benchmark: Sendable, Equatable {
        package var name: String
        package var unit: String
        package var direction: Direction
        /// The value at the baseline commit, when the baseline measured it.
        package var baseline: Double?
        package var points: [Point]
    }

    package struct Machine: Sendable, Equatable {
        package var fingerprint: MachineFingerprint
        package var runs: Int
        package var commits: Int
        /// The machine the charts are drawn for (the baseline's).
        package var charted: Bool
    }

    /// The overall verdict of an optimization, for colour and wording.
    package enum EntryVerdict: String, Sendable {
        case improved, regressed, noise, unmeasured, unknown

        package var label: String {
            switch self {
            case .improved: return "improved"
            case .regressed: return "regressed"
            case .noise: return "not beyond noise"
            case .unmeasured: return "no run yet"
            case .unknown: return "not judged"
            }
        }
    }

    package var title: String
    package var range: String
    package var head: String
    package var baseline: JournalBaseline?
    /// Index of the baseline commit in `commits`, when it is in the range.
    package var baselineIndex: Int?
    package var commits: [Commit]
    package var benchmarks: [Benchmark]
    /// The geometric-mean ratio against the baseline (below 1 is better) at each commit, with its index.
    package var geometricMean: [(commit: Int, ratio: Double)]
    package var entries: [JournalEntry]
    package var checklist: Checklist
    package var machines: [Machine]
    package var commitURL: CommitURL?

    package func verdict(of entry: JournalEntry) -> EntryVerdict {
        if !entry.measured { return .unmeasured }
        if entry.flags.contains(where: { $0.kind == .regression }) { return .regressed }
        if entry.flags.contains(where: { $0.kind == .noise }) { return .noise }
        if entry.comparison?.benchmarks.contains(where: { $0.verdict == .improved }) == true { return .improved }
        return .unknown
    }
}

/// Links to a commit on GitHub or GitLab, read from `remote.origin.url` (HTTPS, SSH or scp-like form).
package struct CommitURL: Sendable, Equatable {
    package var base: String
    package var gitlab: Bool

    package init?(remote: String) {
        var text = remote.trimmingCharacters(in: .whitespacesAndNewlines)
        var host = "", path = ""
        if let scheme = text.range(of: "://") {
            text = String(text[scheme.upperBound...])
            if let at = text.firstIndex(of: "@"), text[..<at].firstIndex(of: "/") == nil { text = String(text[text.index(after: at)...]) }
            guard let slash = text.firstIndex(of: "/") else { return nil }
            host = String(text[..<slash])
            path = String(text[text.index(after: slash)...])
            if let colon = host.firstIndex(of: ":") { host = String(host[..<colon]) }
        } else if let colon = text.firstIndex(of: ":") {
            // scp-like: git@github.com:owner/name.git
            host = String(text[..<colon])
            if let at = host.firstIndex(of: "@") { host = String(host[host.index(after: at)...]) }
            path = String(text[text.index(after: colon)...])
        } else {
            return nil
        }
        host = host.lowercased()
        if path.hasSuffix("/") { path.removeLast() }
        if path.hasSuffix(".git") { path.removeLast(4) }
        let parts = path.split(separator: "/")
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        guard parts.count >= 2, parts.allSatisfy({ !$0.isEmpty && $0.unicodeScalars.allSatisfy(allowed.contains) }),
            host.unicodeScalars.allSatisfy(allowed.contains)
        else { return nil }
        if host == "github.com" || host.hasPrefix("github.") {
            guard parts.count == 2 else { return nil }
            gitlab = false
        } else if host == "gitlab.com" || host.hasPrefix("gitlab.") {
            gitlab = true
        } else {
            return nil
        }
        base = "https://\(host)/\(parts.joined(separator: "/"))"
    }

    package func link(_ hash: String) -> String {
        gitlab ? "\(base)/-/commit/\(hash)" : "\(base)/commit/\(hash)"
    }
}

extension ReportModel {
    /// `range`: "A..B" (first-parent commits after A up to B) or nil for the baseline to HEAD.
    package static func make(workspace: Workspace, range: String?) throws -> ReportModel {
        var head = try workspace.head()
        var from: ObjectID?
        if let range {
            guard let dots = range.range(of: "..") else {
                throw PerfJournalError(.usage, "--range takes A..B (for example main~50..main), not \(range)")
            }
            let a = String(range[..<dots.lowerBound]), b = String(range[dots.upperBound...])
            head = try workspace.resolve(b.isEmpty ? "HEAD" : b)
            if !a.isEmpty { from = try workspace.resolve(a) }
        }
        let session = try Journal.Session(workspace: workspace, head: head)
        let history = session.history
        let baseline = session.baseline

        // First-parent commits, newest first, down to A (exclusive) or the baseline (inclusive).
        let hidden: Set<ObjectID> = try from.map { Set(try history.graph.commits(from: $0)) } ?? []
        var line: [ObjectID] = []
        try history.graph.firstParents(from: head) { c in
            if hidden.contains(c) { return false }
            line.append(c)
            return from != nil || c != baseline?.commit
        }
        line.reverse()

        // The machine charted: the baseline's, else the one with the most measured commits. The notes are
        // those the rules read already (decoded once, by `History`).
        let notes = try history.notes(of: line).filter { !$0.note.runs.isEmpty }
        var machines: [String: Machine] = [:]
        var machineOrder: [String] = []
        for (_, note) in notes {
            var seen = Set<String>()
            for run in note.runs {
                if machines[run.machine.id] == nil {
                    machines[run.machine.id] = Machine(fingerprint: run.machine, runs: 0, commits: 0, charted: false)
                    machineOrder.append(run.machine.id)
                }
                machines[run.machine.id]!.runs += 1
                if seen.insert(run.machine.id).inserted { machines[run.machine.id]!.commits += 1 }
            }
        }
        let charted =
            baseline?.run.machine.id ?? machineOrder.max { (machines[$0]?.commits ?? 0) < (machines[$1]?.commits ?? 0) }
        if let charted {
            machines[charted]?.charted = true
            if machines[charted] == nil, let baseline {
                machines[charted] = Machine(fingerprint: baseline.run.machine, runs: 0, commits: 0, charted: true)
                machineOrder.insert(charted, at: 0)
            }
        }

        let checks = Dictionary(session.allChecks.map { ($0.commit, $0) }, uniquingKeysWith: { a, _ in a })
        let model = try session.model()
        let entriesByCommit = Dictionary(model.entries.map { ($0.commit, $0) }, uniquingKeysWith: { a, _ in a })

        var commits: [Commit] = []
        var values: [String: [Point]] = [:]
        var units: [String: (String, Direction)] = [:]
        var order: [String] = []
        var baselineIndex: Int?
        // Each commit's values, on every core; the runs charted are the charted machine's, undisturbed ones
        // when there are any.
        let estimates = Parallel.map(notes.map(\.1)) { note -> (disturbed: Bool, values: [(String, Estimate)])? in
            let runs = charted.map { note.runs(on: $0) } ?? []
            guard !runs.isEmpty else { return nil }
            let calm = runs.filter { !Self.isDisturbed($0) }
            return (calm.isEmpty, Self.values(of: calm.isEmpty ? runs : calm))
        }
        for ((id, _), estimate) in zip(notes, estimates) {
            guard let estimate else { continue }
            let hex = id.hex
            let info =
                try checks[hex].map { ($0.subject, try workspace.commit(id)) }
                ?? {
                    let c = try workspace.commit(id); return (c.subject, c)
                }()
            let entry = entriesByCommit[hex]
            let index = commits.count
            commits.append(
                Commit(
                    hash: hex, subject: info.0,
                    date: Timestamp.commitTime(info.1.committer.time, offsetMinutes: info.1.committer.offsetMinutes),
                    entry: entry?.number, disturbed: estimate.disturbed))
            if id == baseline?.commit { baselineIndex = index }
            let verdicts = Dictionary(
                (entry?.comparison?.benchmarks ?? []).map { ($0.name, $0.verdict) }, uniquingKeysWith: { a, _ in a })
            for (name, value) in estimate.values {
                if values[name] == nil {
                    order.append(name)
                    units[name] = (value.unit, value.direction)
                }
                values[name, default: []].append(
                    Point(
                        commit: index, value: exp(value.log), low: exp(value.log - 1.96 * value.error),
                        high: exp(value.log + 1.96 * value.error), verdict: verdicts[name], disturbed: estimate.disturbed))
            }
        }

        // The baseline's values: from its own runs even when the range starts after it.
        var baselineValues: [String: Double] = [:]
        if baseline != nil {
            let runs = try session.baselineRuns()
            for (name, estimate) in Self.values(of: runs) { baselineValues[name] = exp(estimate.log) }
        }
        let benchmarks = order.sorted().map { name in
            Benchmark(name: name, unit: units[name]!.0, direction: units[name]!.1, baseline: baselineValues[name], points: values[name]!)
        }

        // Geometric mean of each commit's ratios to the baseline (or to the first commit charted), better below 1.
        var reference = baselineValues
        if reference.isEmpty {
            for b in benchmarks { if let first = b.points.first { reference[b.name] = first.value } }
        }
        var sums = [Double](repeating: 0, count: commits.count)
        var counts = [Int](repeating: 0, count: commits.count)
        for b in benchmarks {
            guard let r = reference[b.name], r > 0 else { continue }
            for p in b.points where p.value > 0 {
                let ratio = b.direction == .higherIsBetter ? r / p.value : p.value / r
                sums[p.commit] += log(ratio)
                counts[p.commit] += 1
            }
        }
        let geometricMean = commits.indices.compactMap { i in counts[i] > 0 ? (commit: i, ratio: exp(sums[i] / Double(counts[i]))) : nil }

        let inRange = Set(line.map(\.hex))
        let remote = (try? workspace.repository.configString("remote.origin.url")) ?? nil
        let title = (workspace.root as NSString).lastPathComponent
        return ReportModel(
            title: title, range: range ?? "\(baseline.map { $0.commit.short } ?? "root")..\(head.short)", head: head.hex,
            baseline: try session.baselineInfo(), baselineIndex: baselineIndex, commits: commits, benchmarks: benchmarks,
            geometricMean: geometricMean, entries: model.entries.filter { inRange.contains($0.commit) },
            checklist: try session.checklist(rendered: try session.renderLog()),
            machines: machineOrder.compactMap { machines[$0] }, commitURL: remote.flatMap(CommitURL.init(remote:)))
    }

    /// Whether the run was flagged as disturbed by other work on the machine (`Run.disturbed`).
    static func isDisturbed(_ run: Run) -> Bool { run.disturbed != nil }

    struct Estimate: Sendable {
        var unit: String
        var direction: Direction
        var log: Double
        var error: Double
    }

    /// Each benchmark's value over `runs`: every run reduced to one value (the 25th percentile of its
    /// rounds, on a log scale, as the run-level comparison does), then their mean; the interval is the
    /// spread between runs when there are several, else the run's own error of that quantile.
    static func values(of runs: [Run]) -> [(String, Estimate)] {
        var order: [String] = []
        // Per benchmark: the first run's unit and direction, then every run's value and error.
        var byName: [String: (unit: String, direction: Direction, values: [(log: Double, error: Double)])] = [:]
        for run in runs {
            for result in run.results {
                guard let v = runValue(result) else { continue }
                if byName[result.name] == nil {
                    order.append(result.name)
                    byName[result.name] = (result.unit, result.direction, [])
                }
                byName[result.name]!.values.append(v)
            }
        }
        return order.map { name in
            let (unit, direction, parts) = byName[name]!
            let logs = parts.map(\.log)
            let mean = logs.reduce(0, +) / Double(logs.count)
            let within = (parts.map { $0.error * $0.error }.reduce(0, +)).squareRoot() / Double(parts.count)
            var error = within
            if logs.count > 1 {
                let variance = logs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(logs.count - 1)
                error = max(within, (variance / Double(logs.count)).squareRoot())
            }
            return (name, Estimate(unit: unit, direction: direction, log: mean, error: error))
        }
    }

    /// One run's value of one benchmark, as the run-level comparison takes it (`RunLevel.value`: the log of
    /// the 25th percentile of the run's rounds, and that quantile's standard error within the run).
    static func runValue(_ result: BenchmarkResult) -> (log: Double, error: Double)? {
        RunLevel.value(of: result).map { ($0.log, $0.withinError) }
    }
}
