import Foundation
import Git

/// The profile of a commit: its newest run that has one.
public enum ProfileLookup {
    /// Nil when no run of `commit` has a profile. With `machine`, only runs made on it count; with `tree`,
    /// only runs of that tree (a run copied from an earlier version of the code profiled other code).
    /// Without `edges`, the profile has no caller→callee rows (`ProfileStore.note(at:edges:)`).
    public static func latest(
        at commit: ObjectID, in repository: Repository, machine: String? = nil, tree: ObjectID? = nil, edges: Bool = true
    ) throws -> (run: Run, profile: RunProfile)? {
        guard let note = try NoteStore(repository: repository).note(at: commit) else { return nil }
        return latest(of: note, in: repository, machine: machine, tree: tree, edges: edges)
    }

    /// The newest run of `note` that has a profile (the note already read).
    public static func latest(
        of note: Note, in repository: Repository, machine: String? = nil, tree: ObjectID? = nil, edges: Bool = true
    ) -> (run: Run, profile: RunProfile)? {
        let profiles = ProfileStore(repository: repository)
        for run in note.runs.reversed() where (machine == nil || run.machine.id == machine) && (tree == nil || run.tree == tree!.hex) {
            if let profile = profiles.profile(of: run, edges: edges), !profile.benchmarks.isEmpty { return (run, profile) }
        }
        return nil
    }
}

/// Two profiles of the same benchmarks compared function by function, matched by "file:name".
public struct ProfileDiff: Sendable {
    public struct Side: Sendable, Equatable {
        public var line: Int
        /// Calls per loop (one call of the benchmarked function).
        public var calls: Double
        public var selfSeconds: Double
        public var cumulativeSeconds: Double
        public var selfShare: Double
        public var cumulativeShare: Double
    }

    public struct FunctionChange: Sendable, Equatable {
        public var file: String
        public var name: String
        /// "pkg/mod.py:func"
        public var key: String { file + ":" + name }
        /// Nil when the function is new (before) or gone (after).
        public var before: Side?
        public var after: Side?
        /// Cumulative seconds a call, after minus before.
        public var changeSeconds: Double { (after?.cumulativeSeconds ?? 0) - (before?.cumulativeSeconds ?? 0) }
        /// Cumulative share, after minus before (-1...1).
        public var shareChange: Double { (after?.cumulativeShare ?? 0) - (before?.cumulativeShare ?? 0) }
    }

    public struct Benchmark: Sendable {
        public var name: String
        public var before: BenchmarkProfile?
        public var after: BenchmarkProfile?
        /// Sorted by the size of their change in seconds, largest first.
        public var functions: [FunctionChange]

        /// The functions whose share moved most (at least `minimum`, absolute), largest first.
        public func movedMost(_ count: Int, minimum: Double = 0.02) -> [FunctionChange] {
            Array(functions.filter { abs($0.shareChange) >= minimum }.sorted { abs($0.shareChange) > abs($1.shareChange) }.prefix(count))
        }

        /// Peak memory before and after when it changed by more than max(5%, 64 KiB).
        public var memoryChange: (before: Int, after: Int)? {
            guard let a = before?.peakMemoryBytes, let b = after?.peakMemoryBytes else { return nil }
            let threshold = max(0.05 * Double(a), 65536)
            return abs(Double(b - a)) > threshold ? (a, b) : nil
        }
    }

    public var benchmarks: [Benchmark]

    /// Benchmarks present on either side, in the order of `after` then the ones only `before` has.
    public static func compare(_ before: RunProfile, _ after: RunProfile) -> ProfileDiff {
        var names = after.benchmarks.map(\.name)
        let afterNames = Set(names)
        names += before.benchmarks.map(\.name).filter { !afterNames.contains($0) }
        let beforeByName = Dictionary(before.benchmarks.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let afterByName = Dictionary(after.benchmarks.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        return ProfileDiff(benchmarks: names.map { compare(name: $0, beforeByName[$0], afterByName[$0]) })
    }

    public static func compare(name: String, _ before: BenchmarkProfile?, _ after: BenchmarkProfile?) -> Benchmark {
        let a = before?.byKey() ?? [:]
        let b = after?.byKey() ?? [:]
        func side(_ function: ProfiledFunction?, _ profile: BenchmarkProfile?) -> Side? {
            guard let function, let profile else { return nil }
            let loops = Double(max(1, profile.loops ?? 1))
            return Side(
                line: function.line, calls: Double(function.calls) / loops, selfSeconds: function.selfSeconds,
                cumulativeSeconds: function.cumulativeSeconds, selfShare: profile.selfShare(function),
                cumulativeShare: profile.cumulativeShare(function))
        }
        var changes: [(size: Double, key: ProfiledFunction.Key, change: FunctionChange)] = []
        changes.reserveCapacity(max(a.count, b.count))
        for (key, function) in b {
            let change = FunctionChange(file: key.file, name: key.name, before: side(a[key], before), after: side(function, after))
            changes.append((abs(change.changeSeconds), key, change))
        }
        for (key, function) in a where b[key] == nil {
            let change = FunctionChange(file: key.file, name: key.name, before: side(function, before), after: nil)
            changes.append((abs(change.changeSeconds), key, change))
        }
        // Largest change first; ties by file, then name, for the same output every time.
        changes.sort { $0.size != $1.size ? $0.size > $1.size : $0.key < $1.key }
        return Benchmark(name: name, before: before, after: after, functions: changes.map(\.change))
    }
}
