import Foundation
import Git
import Statistics
import Store
import Support

/// "Where the time went" for one journal entry: what the optimization did, from the profiles of its
/// commit and of the reference it is compared with (`refs/notes/perfjournal-profiles`), matched function by
/// function by `ProfileDiff`. Per benchmark whose verdict is improved or regressed, the functions whose
/// cumulative share moved most; per benchmark whose peak memory moved beyond max(5%, 64 KiB), a memory
/// line whatever its time verdict (a memory change is a change of its own). Benchmarks whose time is
/// unchanged or undecided get no function lines: one profiled pass is noisy, and the shares of a benchmark
/// that did not change are that noise. Nil (the log says nothing) unless both sides have a profile.
public struct WhereTimeWent: Codable, Sendable, Equatable {
    public struct Function: Codable, Sendable, Equatable {
        /// "pkg/mod.py:func", as functions are matched across commits.
        public var function: String
        /// Cumulative share of the benchmark's time (0...1) in the reference's profile; nil when new.
        public var beforeShare: Double?
        /// In the commit's profile; nil when the function is gone.
        public var afterShare: Double?
        /// Cumulative seconds a call of the benchmarked function, after minus before.
        public var changeSeconds: Double

        public init(function: String, beforeShare: Double?, afterShare: Double?, changeSeconds: Double) {
            self.function = function
            self.beforeShare = beforeShare
            self.afterShare = afterShare
            self.changeSeconds = changeSeconds
        }

        enum CodingKeys: String, CodingKey {
            case function
            case beforeShare = "before_share"
            case afterShare = "after_share"
            case changeSeconds = "change_seconds"
        }

        // A new or gone function says so with null, as `profile A B --json` does.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(function, forKey: .function)
            try c.encode(beforeShare, forKey: .beforeShare)
            try c.encode(afterShare, forKey: .afterShare)
            try c.encode(changeSeconds, forKey: .changeSeconds)
        }
    }

    /// Peak memory of one call, before and after (`peak_memory_bytes` of each profile).
    public struct Memory: Codable, Sendable, Equatable {
        public var beforeBytes: Int
        public var afterBytes: Int

        enum CodingKeys: String, CodingKey {
            case beforeBytes = "before_bytes"
            case afterBytes = "after_bytes"
        }
    }

    public struct Benchmark: Codable, Sendable, Equatable {
        public var name: String
        /// The entry's time verdict for this benchmark.
        public var verdict: Verdict
        /// The functions whose share moved most, largest move first; empty unless improved or regressed.
        public var functions: [Function]
        /// Present only when peak memory changed beyond max(5%, 64 KiB).
        public var peakMemory: Memory?

        enum CodingKeys: String, CodingKey {
            case name, verdict, functions
            case peakMemory = "peak_memory"
        }
    }

    public var benchmarks: [Benchmark]

    /// "Two or three" functions a benchmark: enough to show where the time went, few enough to read.
    static let functionsShown = 3

    /// What the two profiles say about the benchmarks of `comparison`; nil when nothing is worth saying.
    static func make(diff: ProfileDiff, comparison: Comparison) -> WhereTimeWent? {
        var byName: [String: ProfileDiff.Benchmark] = [:]
        for b in diff.benchmarks { byName[b.name] = b }
        var benchmarks: [Benchmark] = []
        for compared in comparison.benchmarks {
            guard let profiled = byName[compared.name], profiled.before != nil, profiled.after != nil else { continue }
            var functions: [Function] = []
            let changed = compared.verdict == .improved || compared.verdict == .regressed
            if changed, profiled.before?.hasFunctions == true, profiled.after?.hasFunctions == true {
                functions = profiled.movedMost(functionsShown).map {
                    Function(
                        function: $0.key, beforeShare: $0.before?.cumulativeShare, afterShare: $0.after?.cumulativeShare,
                        changeSeconds: $0.changeSeconds)
                }
            }
            let memory = profiled.memoryChange.map { Memory(beforeBytes: $0.before, afterBytes: $0.after) }
            guard !functions.isEmpty || memory != nil else { continue }
            benchmarks.append(Benchmark(name: compared.name, verdict: compared.verdict, functions: functions, peakMemory: memory))
        }
        return benchmarks.isEmpty ? nil : WhereTimeWent(benchmarks: benchmarks)
    }

    /// The entry's evidence, from the profiles of the runs its comparison used: the commit's own runs on
    /// the machine of its newest one (as `RunComparison` chooses), and the reference's on that machine.
    /// Reading is best effort: a profile note that cannot be read costs these lines, never the log.
    static func of(_ entry: JournalEntry, history: History, repository: Repository, profiles: inout ProfileCache) -> WhereTimeWent? {
        guard let comparison = entry.comparison, !comparison.benchmarks.isEmpty, let reference = entry.reference,
            let commit = ObjectID(hex: entry.commit), let referenceID = ObjectID(hex: reference),
            let note = try? history.note(at: commit), let machine = note.runs.last?.machine.id,
            let after = profiles.latest(at: commit, machine: machine, history: history, repository: repository),
            let before = profiles.latest(at: referenceID, machine: machine, history: history, repository: repository)
        else { return nil }
        return make(diff: ProfileDiff.compare(before.profile, after.profile), comparison: comparison)
    }

    /// Profiles already looked up while building one journal: an entry's reference is often the entry before it.
    struct ProfileCache {
        private var found: [String: (run: Run, profile: RunProfile)?] = [:]
        /// False when the repository has no profiles ref at all (then nothing is read).
        let any: Bool

        init(repository: Repository) {
            any = ((try? repository.referenceTarget(ProfileStore.ref)) ?? nil) != nil
        }

        mutating func latest(at commit: ObjectID, machine: String, history: History, repository: Repository) -> (run: Run, profile: RunProfile)? {
            guard any else { return nil }
            let key = commit.hex + " " + machine
            if let known = found[key] { return known }
            // `History.note` holds the commit's own runs that measured something.
            let result = (try? history.note(at: commit)).flatMap { $0 }.flatMap { try? ProfileLookup.latest(of: $0, in: repository, machine: machine) }
            found[key] = result
            return result
        }
    }
}

extension JournalFormat {
    /// The "where the time went" lines of an entry, each already escaped for Markdown:
    /// "`fastlib/core.py:dedupe` 96% → 31% of test_dedupe (−2.10 ms a call)", "peak memory of test_x: …".
    static func whereTimeWentLines(_ evidence: WhereTimeWent?, benchmarkNames: [String]) -> [[String: Any]] {
        guard let evidence else { return [] }
        var lines: [[String: Any]] = []
        for b in evidence.benchmarks {
            let name = MarkdownEscape.inline(displayName(b.name, among: benchmarkNames))
            for f in b.functions {
                let text =
                    "\(MarkdownEscape.code(f.function)) \(profileShare(f.beforeShare, missing: "new")) → \(profileShare(f.afterShare, missing: "gone")) of \(name) (\(secondsChange(f.changeSeconds)) a call)"
                lines.append(["kind": "function", "benchmark": name, "function": MarkdownEscape.code(f.function), "text": text])
            }
            if let m = b.peakMemory {
                let change = m.beforeBytes > 0 ? " (\(Display.percentChange(ratio: Double(m.afterBytes) / Double(m.beforeBytes))))" : ""
                let text = "peak memory of \(name): \(Display.bytes(m.beforeBytes)) → \(Display.bytes(m.afterBytes))\(change)"
                lines.append(["kind": "memory", "benchmark": name, "text": text])
            }
        }
        return lines
    }

    /// "−2.10 ms", "+600 µs"; "same time" when the function's time did not move (only its share did).
    static func secondsChange(_ seconds: Double) -> String {
        guard abs(seconds) >= 5e-10 else { return "same time" }
        return (seconds < 0 ? "−" : "+") + Display.seconds(abs(seconds))
    }

    /// "96%" of a benchmark's time; "<1%" for a sliver that is not nothing.
    static func profileShare(_ share: Double?, missing: String) -> String {
        guard let share else { return missing }
        return share > 0 && share < 0.005 ? "<1%" : String(format: "%.0f%%", share * 100)
    }

    /// "test_dedupe" for "benchmarks/test_bench.py::test_dedupe" when no other benchmark of the entry has
    /// that short name; the full name otherwise.
    static func displayName(_ name: String, among names: [String]) -> String {
        func short(_ n: String) -> String {
            guard let range = n.range(of: "::", options: .backwards) else { return n }
            return String(n[range.upperBound...])
        }
        let mine = short(name)
        return names.filter { short($0) == mine }.count > 1 ? name : mine
    }
}
