import Foundation

/// Where a run's time went, kept in `refs/notes/perfjournal-profiles` (see `ProfileStore`): per benchmark,
/// the functions of pytest-benchmark's profiled pass (converted by the embedded
/// `Helpers/profile_convert.py`), caller→callee edges and the peak memory of one call.

/// The note on one commit: every profiled run of it, by run id.
public struct ProfileNote: Codable, Sendable, Equatable {
    public static let currentSchema = 1
    public var schema: Int
    public var runs: [String: RunProfile]

    public init(runs: [String: RunProfile] = [:]) {
        self.schema = Self.currentSchema
        self.runs = runs
    }
}

/// The profile of one run (`Run.id`).
public struct RunProfile: Codable, Sendable, Equatable {
    /// The interpreter that wrote the dumps, "3.12.3".
    public var python: String?
    public var benchmarks: [BenchmarkProfile]

    public init(python: String?, benchmarks: [BenchmarkProfile]) {
        self.python = python
        self.benchmarks = benchmarks
    }

    public func benchmark(_ name: String) -> BenchmarkProfile? { benchmarks.first { $0.name == name } }
}

/// One benchmark's profile. Seconds are per loop (one call of the benchmarked function); call counts
/// are totals over `loops`.
public struct BenchmarkProfile: Codable, Sendable, Equatable {
    public var name: String
    /// Calls in the profiled pass; nil when only the memory was captured.
    public var loops: Int?
    /// Seconds of one call under the profiler (the sum of every function's self time).
    public var totalSeconds: Double?
    public var peakMemoryBytes: Int?
    /// What measured `peakMemoryBytes`: "tracemalloc" or "memray" (nil in profiles stored before it was recorded).
    public var peakMemoryTool: String?
    /// Functions left out by the size budget (each under 0.5% of the time cumulatively).
    public var omitted: Int?
    /// The raw dump's file name in the run's directory (`.git/perfjournal/profiles/<run id>/`).
    public var dump: String?
    public var functions: [ProfiledFunction]
    public var edges: [ProfileEdge]

    enum CodingKeys: String, CodingKey {
        case name, loops, omitted, dump, functions, edges
        case totalSeconds = "total_seconds"
        case peakMemoryBytes = "peak_memory_bytes"
        case peakMemoryTool = "peak_memory_tool"
    }

    public init(
        name: String, loops: Int?, totalSeconds: Double?, peakMemoryBytes: Int?, peakMemoryTool: String? = nil, omitted: Int? = nil,
        dump: String? = nil, functions: [ProfiledFunction] = [], edges: [ProfileEdge] = []
    ) {
        self.name = name
        self.loops = loops
        self.totalSeconds = totalSeconds
        self.peakMemoryBytes = peakMemoryBytes
        self.peakMemoryTool = peakMemoryTool
        self.omitted = omitted
        self.dump = dump
        self.functions = functions
        self.edges = edges
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        loops = try c.decodeIfPresent(Int.self, forKey: .loops)
        totalSeconds = try c.decodeIfPresent(Double.self, forKey: .totalSeconds)
        peakMemoryBytes = try c.decodeIfPresent(Int.self, forKey: .peakMemoryBytes)
        peakMemoryTool = try c.decodeIfPresent(String.self, forKey: .peakMemoryTool)
        omitted = try c.decodeIfPresent(Int.self, forKey: .omitted)
        dump = try c.decodeIfPresent(String.self, forKey: .dump)
        functions = try c.decodeIfPresent([ProfiledFunction].self, forKey: .functions) ?? []
        edges = try c.decodeIfPresent([ProfileEdge].self, forKey: .edges) ?? []
    }

    /// Has a cProfile part (not only a memory figure).
    public var hasFunctions: Bool { !functions.isEmpty && (totalSeconds ?? 0) > 0 }

    /// Cumulative share of `function` in this benchmark (0...1).
    public func cumulativeShare(_ function: ProfiledFunction) -> Double { Self.share(function.cumulativeSeconds, of: totalSeconds) }

    public func selfShare(_ function: ProfiledFunction) -> Double { Self.share(function.selfSeconds, of: totalSeconds) }

    /// `seconds` as a share (0...1) of a benchmark's `total` seconds a call; 0 without a total.
    static func share(_ seconds: Double, of total: Double?) -> Double {
        guard let total, total > 0 else { return 0 }
        return min(1, seconds / total)
    }

    /// Functions by their matching key, (file, name) (line numbers move between commits); where a file
    /// defines the name twice, the entries are summed.
    public func byKey() -> [ProfiledFunction.Key: ProfiledFunction] {
        var out: [ProfiledFunction.Key: ProfiledFunction] = [:]
        out.reserveCapacity(functions.count)
        for function in functions {
            // One hash of the two strings; no "file:name" string is made per function.
            out[ProfiledFunction.Key(file: function.file, name: function.name), default: ProfiledFunction.empty(like: function)].add(function)
        }
        return out
    }
}

/// One function of a profile, stored as a row `[file, name, line, primitive_calls, calls, self, cumulative]`
/// to keep notes small.
public struct ProfiledFunction: Codable, Sendable, Equatable {
    /// Relative to the repository root; `<stdlib>/…`, `<site-packages>/…`, or `~` for built-ins.
    public var file: String
    public var name: String
    public var line: Int
    public var primitiveCalls: Int
    public var calls: Int
    public var selfSeconds: Double
    public var cumulativeSeconds: Double

    public init(file: String, name: String, line: Int, primitiveCalls: Int, calls: Int, selfSeconds: Double, cumulativeSeconds: Double) {
        self.file = file
        self.name = name
        self.line = line
        self.primitiveCalls = primitiveCalls
        self.calls = calls
        self.selfSeconds = selfSeconds
        self.cumulativeSeconds = cumulativeSeconds
    }

    /// "pkg/mod.py:func", how functions are matched across commits.
    public var key: String { file + ":" + name }

    /// What functions are matched by across commits, without building `key`'s string.
    public struct Key: Hashable, Sendable, Comparable {
        public var file: String
        public var name: String

        public static func < (a: Key, b: Key) -> Bool { a.file != b.file ? a.file < b.file : a.name < b.name }
    }

    /// Nothing yet, at `function`'s place: what a second definition of the same name is added to.
    static func empty(like function: ProfiledFunction) -> ProfiledFunction {
        ProfiledFunction(
            file: function.file, name: function.name, line: function.line, primitiveCalls: 0, calls: 0, selfSeconds: 0, cumulativeSeconds: 0)
    }

    /// Another definition of the same name in the same file: calls and self time add up; the cumulative
    /// time is the larger (one may call the other).
    mutating func add(_ other: ProfiledFunction) {
        calls += other.calls
        primitiveCalls += other.primitiveCalls
        selfSeconds += other.selfSeconds
        cumulativeSeconds = max(cumulativeSeconds, other.cumulativeSeconds)
    }

    public init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        file = try c.decode(String.self)
        name = try c.decode(String.self)
        line = try c.decode(Int.self)
        primitiveCalls = try c.decode(Int.self)
        calls = try c.decode(Int.self)
        selfSeconds = try c.decode(Double.self)
        cumulativeSeconds = try c.decode(Double.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(file)
        try c.encode(name)
        try c.encode(line)
        try c.encode(primitiveCalls)
        try c.encode(calls)
        try c.encode(selfSeconds)
        try c.encode(cumulativeSeconds)
    }
}

/// caller → callee totals (pstats keeps no stacks), as `[caller, callee, calls, cumulative seconds per loop]`
/// with indexes into `functions`.
public struct ProfileEdge: Codable, Sendable, Equatable {
    public var caller: Int
    public var callee: Int
    public var calls: Int
    public var cumulativeSeconds: Double

    public init(caller: Int, callee: Int, calls: Int, cumulativeSeconds: Double) {
        self.caller = caller
        self.callee = callee
        self.calls = calls
        self.cumulativeSeconds = cumulativeSeconds
    }

    public init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        caller = try c.decode(Int.self)
        callee = try c.decode(Int.self)
        calls = try c.decode(Int.self)
        cumulativeSeconds = try c.decode(Double.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(caller)
        try c.encode(callee)
        try c.encode(calls)
        try c.encode(cumulativeSeconds)
    }
}

/// The helper's output (`Helpers/profile_convert.py`): profiles plus the warnings of dumps it could not read.
public struct ConvertedProfiles: Decodable, Sendable {
    public var python: String?
    public var benchmarks: [BenchmarkProfile]
    public var warnings: [String]
}
