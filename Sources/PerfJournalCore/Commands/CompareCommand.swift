import Foundation
import Git

/// `perfjournal compare A B`: benchmark by benchmark, is B better, worse, the same, or can't we tell?
/// A side is a result file (any supported format) or a revision (the runs stored on that commit,
/// pooled when there are several on the same machine).
public enum CompareCommand {
    public struct Options: Sendable {
        public var json = false
        public var allowCrossMachine = false
        /// Re-run both revisions (interleaved) while verdicts are inconclusive, within the config's budget.
        public var rerun = false

        public init(json: Bool = false, allowCrossMachine: Bool = false, rerun: Bool = false) {
            self.json = json
            self.allowCrossMachine = allowCrossMachine
            self.rerun = rerun
        }
    }

    /// Returns the comparison; throws nothing for a regression (the CLI maps `anyRegressed` to exit 1).
    @discardableResult
    public static func run(
        at path: String, before: String, after: String, options: Options, output: OutputStream, progress: OutputStream
    ) throws -> Comparison {
        let workspace = try? Workspace.open(at: path)
        let config = try workspace.flatMap { ws in try? ws.config() }
        var comparisonOptions = config.map { ComparisonOptions(stats: $0.stats) } ?? ComparisonOptions()

        var sides = try Sides.resolve(before: before, after: after, workspace: workspace, allowCrossMachine: options.allowCrossMachine)
        var comparison: Comparison
        if options.rerun {
            guard let workspace, let config, case .revision(let a) = sides.before.origin, case .revision(let b) = sides.after.origin else {
                throw PerfJournalError(.usage, "--rerun needs two revisions in a repository with a perfjournal config")
            }
            comparison = try Rerun.untilDecided(
                a: a, b: b, workspace: workspace, config: config, options: &comparisonOptions, sides: &sides,
                allowCrossMachine: options.allowCrossMachine, progress: progress)
        } else {
            comparison = Comparator.compare(before: sides.before.results, after: sides.after.results, options: comparisonOptions)
        }
        if options.json {
            output.write(try JSONText.encode(ComparisonJSON(before: sides.before.label, after: sides.after.label, comparison: comparison)))
        } else {
            output.write(ComparisonTable.render(comparison, beforeLabel: sides.before.label, afterLabel: sides.after.label))
            for note in sides.notes { output.line("note: \(note)") }
        }
        return comparison
    }

    struct ComparisonJSON: Encodable {
        var before: String
        var after: String
        var comparison: Comparison

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(before, forKey: .beforeLabel)
            try container.encode(after, forKey: .afterLabel)
            try container.encode(comparison.benchmarks, forKey: .benchmarks)
            try container.encode(comparison.onlyBefore, forKey: .onlyBefore)
            try container.encode(comparison.onlyAfter, forKey: .onlyAfter)
            try container.encode(comparison.geometricMean, forKey: .geometricMean)
            try container.encode(comparison.anyRegressed, forKey: .regressed)
        }

        enum Keys: String, CodingKey {
            case beforeLabel = "before_label", afterLabel = "after_label", benchmarks
            case onlyBefore = "only_before", onlyAfter = "only_after", geometricMean = "geometric_mean", regressed
        }
    }
}

extension ComparisonOptions {
    init(stats: StatsConfig) {
        self.init(alpha: stats.alpha, minEffect: stats.minEffect, minEffectByBenchmark: stats.minEffectByBenchmark)
    }
}

/// The two sides of a comparison, resolved to results.
struct Sides {
    struct Side {
        enum Origin { case file(String), revision(ObjectID) }
        var origin: Origin
        var label: String
        var results: [BenchmarkResult]
        var machine: MachineFingerprint?
    }

    var before: Side
    var after: Side
    var notes: [String] = []

    static func resolve(before: String, after: String, workspace: Workspace?, allowCrossMachine: Bool) throws -> Sides {
        let a: Side, b: Side
        if isFile(before) && isFile(after) {
            // Two big files parse in about the time of one on two cores.
            (a, b) = try Parallel.both({ try fileSide(before) }, { try fileSide(after) })
        } else {
            a = try side(before, workspace: workspace, machine: nil)
            // Prefer B's runs from A's machine; any machine only if it has none there.
            b = try side(after, workspace: workspace, machine: a.machine?.id)
        }
        var notes: [String] = []
        if let ma = a.machine, let mb = b.machine, ma.id != mb.id {
            guard allowCrossMachine else {
                throw PerfJournalError(.incomparable, "\(a.label) was measured on machine \(ma.id) (\(ma.hostname)) and \(b.label) on \(mb.id) (\(mb.hostname)); timings from different machines are not comparable (--allow-cross-machine to compare anyway)")
            }
            notes.append("comparing runs from different machines: \(ma.id) (\(ma.hostname)) vs \(mb.id) (\(mb.hostname))")
        }
        return Sides(before: a, after: b, notes: notes)
    }

    /// A result file if `spec` names an existing file, else a revision's pooled runs (on `machine`, when given).
    static func isFile(_ spec: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: spec, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    static func fileSide(_ path: String) throws -> Side {
        let set = try ResultFileReader.read(path: path)
        return Side(origin: .file(path), label: (path as NSString).lastPathComponent, results: set.benchmarks, machine: nil)
    }

    static func side(_ spec: String, workspace: Workspace?, machine: String?) throws -> Side {
        if isFile(spec) { return try fileSide(spec) }
        guard let workspace else {
            throw PerfJournalError(.resultFile, file: spec, "no such file, and not in a git repository to read it as a revision")
        }
        let commit = try workspace.resolve(spec)
        guard let note = try workspace.store.note(at: commit), let latest = note.runs.last else {
            throw PerfJournalError(.notMeasured, file: workspace.root, "\(spec) (\(commit.short)) has no stored runs (`perfjournal run \(spec)`)")
        }
        var chosen = machine ?? latest.machine.id
        var runs = note.runs(on: chosen)
        if runs.isEmpty {
            chosen = latest.machine.id
            runs = note.runs(on: chosen)
        }
        let machineInfo = (runs.last ?? latest).machine
        return Side(origin: .revision(commit), label: commit.short, results: RunPool.pool(runs.isEmpty ? [latest] : runs), machine: machineInfo)
    }
}

/// Several runs of one commit as one result per benchmark: raw samples concatenated when every run
/// kept them; otherwise summary stats combined (pooled mean and variance).
enum RunPool {
    static func pool(_ runs: [Run]) -> [BenchmarkResult] {
        guard runs.count > 1 else { return runs.first?.results ?? [] }
        var order: [String] = []
        var byName: [String: [BenchmarkResult]] = [:]
        for run in runs {
            for r in run.results {
                if byName[r.name] == nil { order.append(r.name) }
                byName[r.name, default: []].append(r)
            }
        }
        return order.map { name in
            let parts = byName[name]!
            guard parts.count > 1 else { return parts[0] }
            if parts.allSatisfy({ $0.samples != nil }) {
                let samples = parts.flatMap { $0.samples! }
                return BenchmarkResult(name: name, unit: parts[0].unit, direction: parts[0].direction, samples: samples, stats: SummaryStats(samples: samples)!)
            }
            let n = parts.reduce(0) { $0 + $1.stats.n }
            let mean = parts.reduce(0.0) { $0 + Double($1.stats.n) * $1.stats.mean } / Double(n)
            // Total sum of squares = within-run + between-run parts.
            let ss = parts.reduce(0.0) { acc, p in
                acc + Double(p.stats.n - 1) * p.stats.stddev * p.stats.stddev + Double(p.stats.n) * (p.stats.mean - mean) * (p.stats.mean - mean)
            }
            let sorted = parts.map(\.stats.median).sorted()
            let stats = SummaryStats(
                n: n, mean: mean, stddev: n > 1 ? (ss / Double(n - 1)).squareRoot() : 0,
                median: SummaryStats.quantile(sorted, 0.5), min: parts.map(\.stats.min).min()!, max: parts.map(\.stats.max).max()!,
                q1: SummaryStats.quantile(parts.map(\.stats.q1).sorted(), 0.5), q3: SummaryStats.quantile(parts.map(\.stats.q3).sorted(), 0.5))
            return BenchmarkResult(name: name, unit: parts[0].unit, direction: parts[0].direction, samples: nil, stats: stats)
        }
    }
}

/// A commit's runs against its reference's, on the machine of the commit's latest run; nil when either
/// side has no run there. `check` and `status` judge a commit this way.
enum RunComparison {
    static func compare(_ note: Note, with reference: Note, stats: StatsConfig) -> Comparison? {
        guard let machine = note.runs.last?.machine.id else { return nil }
        let before = reference.runs(on: machine)
        guard !before.isEmpty else { return nil }
        return Comparator.compare(
            before: RunPool.pool(before), after: RunPool.pool(note.runs(on: machine)), options: ComparisonOptions(stats: stats))
    }
}

/// The sequential re-run design: at most K = 1 + max_reruns looks, each tested at alpha/K (Bonferroni
/// over looks), so stopping as soon as everything is decided cannot inflate the error rate.
enum Rerun {
    static func untilDecided(
        a: ObjectID, b: ObjectID, workspace: Workspace, config: Config, options: inout ComparisonOptions, sides: inout Sides,
        allowCrossMachine: Bool, progress: OutputStream
    ) throws -> Comparison {
        let looks = 1 + config.stats.maxReruns
        options.maxLooks = looks
        let start = CommandRunner.monotonicSeconds()
        var look = 1
        while true {
            options.look = look
            let comparison = Comparator.compare(before: sides.before.results, after: sides.after.results, options: options)
            let undecided = comparison.benchmarks.filter { $0.verdict == .inconclusive }
            if undecided.isEmpty {
                progress.line("decided after \(look) look\(look == 1 ? "" : "s")")
                return comparison
            }
            if look >= looks || CommandRunner.monotonicSeconds() - start > config.stats.maxSeconds {
                progress.line("budget spent (\(look) look\(look == 1 ? "" : "s"), stats.max_reruns = \(config.stats.maxReruns), stats.max_seconds = \(Int(config.stats.maxSeconds))): \(undecided.count) still inconclusive")
                return comparison
            }
            look += 1
            progress.line("look \(look) of \(looks): \(undecided.count) inconclusive; measuring \(a.short) and \(b.short) again, interleaved")
            let lock = try FileLock(path: workspace.stateDirectory + "/run.lock") {
                progress.line("waiting for another perfjournal run in this repository to finish…")
            }
            // A then B in their own worktrees, so drift over time hits both sides alike.
            for (commit, worktree) in [(a, "a"), (b, "b")] {
                let run = try Measurement.measure(commit, in: workspace, config: config, baseline: false, worktree: worktree, progress: progress)
                try workspace.store.append(run, to: commit)
            }
            withExtendedLifetime(lock) {}
            sides = try Sides.resolve(before: a.hex, after: b.hex, workspace: workspace, allowCrossMachine: allowCrossMachine)
        }
    }
}
