import Foundation
import TestSupport

/// pytest-benchmark JSON files with chosen numbers, for tests that need a known verdict (a real run's
/// verdict is noise-dependent, so asserting it would be flaky). Same shape as the real files in
/// Tests/Fixtures/pytest-benchmark; samples are lognormal around `median` with coefficient of variation
/// `cv`, from a seeded generator, so every run of a test writes the same bytes.
enum SyntheticResults {
    struct Benchmark {
        var name: String
        var median: Double
        var cv: Double = 0.02
        var n: Int = 20
    }

    static func pytestBenchmark(_ benchmarks: [Benchmark], seed: UInt64) -> String {
        var rng = SeededGenerator(seed: seed)
        let rows = benchmarks.map { b -> [String: Any] in
            let data = (0..<b.n).map { _ in b.median * exp(b.cv * rng.normal()) }
            let sorted = data.sorted()
            func q(_ p: Double) -> Double {
                let h = Double(sorted.count - 1) * p
                let lo = Int(h), hi = min(lo + 1, sorted.count - 1)
                return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
            }
            let mean = data.reduce(0, +) / Double(data.count)
            let sd = (data.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(data.count - 1)).squareRoot()
            let stats: [String: Any] = [
                "min": sorted.first!, "max": sorted.last!, "mean": mean, "stddev": sd, "rounds": b.n,
                "median": q(0.5), "q1": q(0.25), "q3": q(0.75), "iqr": q(0.75) - q(0.25), "iterations": 1,
                "ops": 1 / mean, "total": data.reduce(0, +), "outliers": "0;0", "iqr_outliers": 0,
                "stddev_outliers": 0, "ld15iqr": sorted.first!, "hd15iqr": sorted.last!, "data": data,
            ]
            return [
                "group": NSNull(), "name": b.name.split(separator: ":").last.map(String.init) ?? b.name, "fullname": b.name,
                "params": NSNull(), "param": NSNull(), "extra_info": [String: Any](), "options": [String: Any](), "stats": stats,
            ]
        }
        let document: [String: Any] = [
            "machine_info": ["node": "synthetic", "machine": "x86_64", "python_implementation": "CPython"],
            "commit_info": ["id": "unversioned", "dirty": false],
            "benchmarks": rows, "datetime": "2026-01-01T12:00:00.000000+00:00", "version": "5.2.3",
        ]
        let data = try! JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .prettyPrinted])
        return String(decoding: data, as: UTF8.self)
    }

    /// Benchmarks named by `medians`' keys (in sorted order), 20 rounds each with 2% spread.
    static func pytestBenchmark(medians: [String: Double], seed: UInt64) -> String {
        pytestBenchmark(medians.keys.sorted().map { Benchmark(name: $0, median: medians[$0]!) }, seed: seed)
    }
}
