/// The one results model every input format is read into, and every note stores.

/// Which way is better for a benchmark's numbers; it follows from the unit.
public enum Direction: String, Codable, Sendable, Equatable {
    case lowerIsBetter = "lower"
    case higherIsBetter = "higher"

    /// Times and sizes are better small; rates ("ops/s", "items/s", "bytes/s") are better large.
    public init(unit: String) {
        self = unit.hasSuffix("/s") || unit == "Hz" ? .higherIsBetter : .lowerIsBetter
    }
}

/// Summary statistics of one benchmark, in its unit. Quartiles use linear interpolation
/// (numpy's default), matching what pytest-benchmark reports.
public struct SummaryStats: Codable, Sendable, Equatable {
    public var n: Int
    public var mean: Double
    public var stddev: Double
    public var median: Double
    public var min: Double
    public var max: Double
    public var q1: Double
    public var q3: Double

    public init(n: Int, mean: Double, stddev: Double, median: Double, min: Double, max: Double, q1: Double, q3: Double) {
        self.n = n
        self.mean = mean
        self.stddev = stddev
        self.median = median
        self.min = min
        self.max = max
        self.q1 = q1
        self.q3 = q3
    }

    /// Stats computed from raw samples; `nil` for an empty sample. stddev is the sample (n-1) one.
    public init?(samples: [Double]) {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        let n = sorted.count
        let mean = sorted.reduce(0, +) / Double(n)
        var ss = 0.0
        for x in sorted { ss += (x - mean) * (x - mean) }
        self.init(
            n: n, mean: mean, stddev: n > 1 ? (ss / Double(n - 1)).squareRoot() : 0,
            median: Self.quantile(sorted, 0.5), min: sorted[0], max: sorted[n - 1],
            q1: Self.quantile(sorted, 0.25), q3: Self.quantile(sorted, 0.75))
    }

    /// Linear-interpolation quantile of an ascending, non-empty array.
    public static func quantile(_ sorted: [Double], _ p: Double) -> Double {
        let h = Double(sorted.count - 1) * p
        let lo = Int(h.rounded(.down))
        let hi = Swift.min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }
}

/// One benchmark's measurement: what it is, which way is better, and its numbers.
public struct BenchmarkResult: Codable, Sendable, Equatable {
    /// Unique within a result set (pytest-benchmark's `fullname`, hyperfine's command, Google Benchmark's `name`).
    public var name: String
    /// "s" for times (every reader converts to seconds), or the counter's unit ("items/s", "B", ...).
    public var unit: String
    public var direction: Direction
    /// Raw per-round values in `unit`, when the tool kept them.
    public var samples: [Double]?
    public var stats: SummaryStats

    public init(name: String, unit: String, direction: Direction? = nil, samples: [Double]?, stats: SummaryStats) {
        self.name = name
        self.unit = unit
        self.direction = direction ?? Direction(unit: unit)
        self.samples = samples
        self.stats = stats
    }
}

/// The input formats perfjournal reads.
public enum ResultFormat: String, Codable, Sendable, CaseIterable {
    case pytestBenchmark = "pytest-benchmark"
    case hyperfine
    case googleBenchmark = "google-benchmark"
}

/// What one result file held: the benchmarks, plus what the reader had to report rather than drop
/// (Google Benchmark's errored or skipped rows, for instance).
public struct ResultSet: Codable, Sendable, Equatable {
    public var format: ResultFormat
    public var benchmarks: [BenchmarkResult]
    /// One human-readable line per benchmark that produced no usable numbers.
    public var problems: [String]
    /// The commit the tool itself recorded (pytest-benchmark's `commit_info.id`), if any.
    public var commit: String?

    public init(format: ResultFormat, benchmarks: [BenchmarkResult], problems: [String] = [], commit: String? = nil) {
        self.format = format
        self.benchmarks = benchmarks
        self.problems = problems
        self.commit = commit
    }
}
