import Foundation
import Git
import Support

/// The profile of a commit: its newest run that has one.
public enum ProfileLookup {
    /// Nil when no run of `commit` has a profile; throws when its profile note cannot be read. With `machine`,
    /// only runs made on it count; with `tree`, only runs of that tree (a run copied from an earlier version
    /// of the code profiled other code).
    /// Without `edges`, the profile has no caller→callee rows (`ProfileStore.note(at:edges:)`), and comes
    /// from `cache` when it holds the note.
    public static func latest(
        at commit: ObjectID, in repository: Repository, machine: String? = nil, tree: ObjectID? = nil, edges: Bool = true,
        cache: ProfileNoteCache? = nil
    ) throws -> (run: Run, profile: RunProfile)? {
        guard let note = try NoteStore(repository: repository).note(at: commit) else { return nil }
        return try latest(of: note, in: repository, machine: machine, tree: tree, edges: edges, cache: cache)
    }

    /// The newest run of `note` that has a profile (the note already read).
    public static func latest(
        of note: Note, in repository: Repository, machine: String? = nil, tree: ObjectID? = nil, edges: Bool = true,
        cache: ProfileNoteCache? = nil
    ) throws -> (run: Run, profile: RunProfile)? {
        let profiles = ProfileStore(repository: repository, cache: cache)
        for run in note.runs.reversed() where (machine == nil || run.machine.id == machine) && (tree == nil || run.tree == tree!.hex) {
            if let profile = try profiles.profile(of: run, edges: edges), !profile.benchmarks.isEmpty { return (run, profile) }
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
        // Each benchmark is compared apart (300 functions a side), so they are spread over the cores.
        return ProfileDiff(benchmarks: Parallel.map(names) { compare(name: $0, beforeByName[$0], afterByName[$0]) })
    }

    public static func compare(name: String, _ before: BenchmarkProfile?, _ after: BenchmarkProfile?) -> Benchmark {
        // Every function of both sides is compared (the order is by size of change): 300 a benchmark, 100
        // benchmarks a view. So functions are matched through `FunctionKeys` (a table of slots, not a
        // dictionary of strings), and a side's figures are taken from numbers, not by copying its profile.
        let capacity = (before?.functions.count ?? 0) + (after?.functions.count ?? 0)
        var keys = FunctionKeys(capacity: capacity)
        // After first: a key both sides spell differently (canonically equal strings) is after's spelling.
        let b = MergedFunctions(after, capacity: capacity, &keys)
        let a = MergedFunctions(before, capacity: capacity, &keys)
        func side(_ function: ProfiledFunction?, of profile: BenchmarkProfile?) -> Side? {
            guard let function else { return nil }
            let loops = Double(max(1, profile?.loops ?? 1))
            let total = profile?.totalSeconds
            return Side(
                line: function.line, calls: Double(function.calls) / loops, selfSeconds: function.selfSeconds,
                cumulativeSeconds: function.cumulativeSeconds, selfShare: BenchmarkProfile.share(function.selfSeconds, of: total),
                cumulativeShare: BenchmarkProfile.share(function.cumulativeSeconds, of: total))
        }
        let changes = (0..<keys.count).map { slot in
            FunctionChange(file: keys[slot].file, name: keys[slot].name, before: side(a[slot], of: before), after: side(b[slot], of: after))
        }
        var order = changes.indices.map { (size: abs(changes[$0].changeSeconds), slot: $0) }
        // Largest change first; ties by file, then name, for the same output every time.
        order.sort { $0.size != $1.size ? $0.size > $1.size : keys[$0.slot] < keys[$1.slot] }
        return Benchmark(name: name, before: before, after: after, functions: order.map { changes[$0.slot] })
    }

}

/// One side's functions by their slot in `FunctionKeys`; where a file defines a name twice, the entries are
/// summed (`ProfiledFunction.add`, as `BenchmarkProfile.byKey` sums them).
struct MergedFunctions {
    private var functions: [ProfiledFunction] = []
    /// The index in `functions` of each slot's function, -1 where this side has none.
    private var index: [Int32]

    init(_ profile: BenchmarkProfile?, capacity: Int, _ keys: inout FunctionKeys) {
        index = [Int32](repeating: -1, count: capacity)
        functions.reserveCapacity(profile?.functions.count ?? 0)
        for function in profile?.functions ?? [] {
            let slot = keys.slot(file: function.file, name: function.name)
            if index[slot] < 0 {
                index[slot] = Int32(functions.count)
                functions.append(ProfiledFunction.empty(like: function))
            }
            functions[Int(index[slot])].add(function)
        }
    }

    subscript(slot: Int) -> ProfiledFunction? { index[slot] < 0 ? nil : functions[Int(index[slot])] }
}

/// The (file, name) keys of one benchmark's functions, each given a slot 0, 1, … in the order first seen.
/// ASCII keys (nearly all) are found by an FNV-1a hash of their bytes in an open-addressed table, several
/// times cheaper than a dictionary's hashing of two strings. The first key with other bytes moves them all
/// to a dictionary: `String`'s == is canonical equivalence ("\u{212A}" == "K"), which bytes cannot tell.
struct FunctionKeys {
    private var keys: [ProfiledFunction.Key] = []
    /// Slot + 1 at each key's hash (linear probing), 0 where empty; at most half full.
    private var table: [Int32]
    private var dictionary: [ProfiledFunction.Key: Int]?

    /// For up to `capacity` distinct keys.
    init(capacity: Int) {
        var size = 16
        while size < 2 * capacity { size <<= 1 }
        table = [Int32](repeating: 0, count: size)
        keys.reserveCapacity(capacity)
    }

    var count: Int { keys.count }

    subscript(slot: Int) -> ProfiledFunction.Key { keys[slot] }

    /// The slot of (file, name), a new one for a key not seen before.
    mutating func slot(file: String, name: String) -> Int {
        if dictionary == nil, let hash = Self.asciiHash(file, name) {
            let mask = table.count - 1
            var i = Int(truncatingIfNeeded: hash) & mask
            while table[i] != 0 {
                let slot = Int(table[i]) - 1
                if keys[slot].file == file && keys[slot].name == name { return slot }
                i = (i + 1) & mask
            }
            precondition(keys.count < table.count / 2, "FunctionKeys holds at most its capacity")
            table[i] = Int32(keys.count + 1)
            keys.append(ProfiledFunction.Key(file: file, name: name))
            return keys.count - 1
        }
        if dictionary == nil { dictionary = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, $0) }) }
        let key = ProfiledFunction.Key(file: file, name: name)
        if let slot = dictionary![key] { return slot }
        dictionary![key] = keys.count
        keys.append(key)
        return keys.count - 1
    }

    /// FNV-1a of file, a separator byte UTF-8 never has, and name; nil unless both are ASCII.
    static func asciiHash(_ file: String, _ name: String) -> UInt64? {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var seen: UInt8 = 0
        guard mix(file, &hash, &seen) else { return nil }
        hash = (hash ^ 0xFF) &* 0x100_0000_01b3
        guard mix(name, &hash, &seen), seen < 0x80 else { return nil }
        return hash
    }

    /// Adds `string`'s bytes to `hash`, and ORs them into `seen`; false when its bytes are not at hand.
    private static func mix(_ string: String, _ hash: inout UInt64, _ seen: inout UInt8) -> Bool {
        var h = hash
        var s = seen
        let done: Void? = string.utf8.withContiguousStorageIfAvailable { bytes in
            for byte in bytes {
                s |= byte
                h = (h ^ UInt64(byte)) &* 0x100_0000_01b3
            }
        }
        hash = h
        seen = s
        return done != nil
    }
}
