import Foundation
import Git
import Results
import Statistics
import Support

/// Comparisons of a commit's runs with its reference's, kept in `.git/perfjournal/cache/comparisons`, so
/// that a long history is not compared again on every `check`, `log` or `report` (100,000 benchmark
/// comparisons on 2,000 measured commits of 50 benchmarks).
///
/// An entry is found by a key that holds everything the comparison is a function of: both note blobs and
/// trees (a blob never changes), the comparison options (`stats` in the config) and the noise learned on
/// the machine; and the file is that of one build of perfjournal (`KeyedCacheFile`), so a change in the
/// statistics misses every earlier entry instead of reading a verdict the code would no longer give.
final class ComparisonCache {
    /// The cache file, which any thread may read and add to.
    let file: KeyedCacheFile
    private var noiseKeys: [String: (noise: NoiseModel, key: String)] = [:]

    init(cacheFile: String) {
        file = KeyedCacheFile(path: cacheFile, format: "comparisons 1", keySize: 32)
    }

    /// The key of a comparison under these inputs (worked out on one thread: the noise keys are remembered).
    func key(
        commit: (blob: ObjectID, tree: ObjectID), reference: (blob: ObjectID, tree: ObjectID), machine: String,
        options: ComparisonOptions, noise: NoiseModel
    ) -> [UInt8] {
        var text = "\(Self.describe(options))\n\(noiseKey(machine: machine, noise))\n"
        text += "\(commit.blob.hex) \(commit.tree.hex) \(reference.blob.hex) \(reference.tree.hex)\n"
        return SHA256.digest(Array(text.utf8))
    }

    /// The comparison kept under `key` in `file`, else `compute`d and kept; safe on any thread.
    static func comparison(key: [UInt8], in file: KeyedCacheFile, compute: () -> Comparison?) -> Comparison? {
        if let payload = file.payload(key), let cached = try? ComparisonCoding.decode(payload) { return cached }
        let comparison = compute()
        file.add(key, ComparisonCoding.encode(comparison))
        return comparison
    }

    /// The noise model as key text, remembered per machine while the model is the same (hashing 50
    /// benchmarks' spreads for every commit would cost more than comparing them).
    private func noiseKey(machine: String, _ noise: NoiseModel) -> String {
        if let known = noiseKeys[machine], known.noise == noise { return known.key }
        let text = noise.byBenchmark.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.spread.bitPattern)/\($0.value.degreesOfFreedom)" }.joined(separator: "\n")
        let key = SHA256.hex(Array(text.utf8))
        noiseKeys[machine] = (noise, key)
        return key
    }

    static func describe(_ options: ComparisonOptions) -> String {
        let byBenchmark = options.minEffectByBenchmark.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.bitPattern)" }
        return "\(options.alpha.bitPattern) \(options.minEffect.bitPattern) \(options.maxLooks) \(byBenchmark.joined(separator: " "))"
    }
}

/// A `Comparison` as bytes, every field: what the cache stores.
enum ComparisonCoding {
    static func encode(_ comparison: Comparison?) -> [UInt8] {
        var out = ByteWriter()
        guard let comparison else {
            out.byte(0)
            return out.bytes
        }
        out.byte(1)
        out.count(comparison.benchmarks.count)
        for b in comparison.benchmarks {
            out.string(b.name)
            out.string(b.unit)
            out.string(b.direction.rawValue)
            out.stats(b.before)
            out.stats(b.after)
            out.double(b.beforeValue)
            out.double(b.afterValue)
            out.double(b.ratio)
            out.doubles(b.ci)
            out.double(b.pValue)
            out.double(b.pAdjusted)
            out.string(b.test.rawValue)
            out.string(b.verdict.rawValue)
            out.integer(b.runsBefore)
            out.integer(b.runsAfter)
            out.double(b.noise)
            out.string(b.noiseSource?.rawValue)
            out.string(b.reason)
            out.double(b.detectableEffect)
            out.integer(b.runsNeeded)
        }
        out.count(comparison.onlyBefore.count)
        for name in comparison.onlyBefore { out.string(name) }
        out.count(comparison.onlyAfter.count)
        for name in comparison.onlyAfter { out.string(name) }
        if let mean = comparison.geometricMean {
            out.byte(1)
            out.double(mean.ratio)
            out.doubles(mean.ci)
            out.integer(mean.count)
        } else {
            out.byte(0)
        }
        return out.bytes
    }

    static func decode(_ bytes: [UInt8]) throws -> Comparison? {
        var input = ByteReader(bytes: bytes)
        guard try input.byte() == 1 else { return nil }
        func optional<T>(_ read: () throws -> T) throws -> T? {
            try input.present() ? try read() : nil
        }
        func value<T: RawRepresentable>(_ type: T.Type) throws -> T where T.RawValue == String {
            guard let value = T(rawValue: try input.string()) else { throw ByteReader.Truncated() }
            return value
        }
        var benchmarks: [BenchmarkComparison] = []
        let count = try input.count()
        benchmarks.reserveCapacity(count)
        for _ in 0..<count {
            let name = try input.string(), unit = try input.string(), direction = try value(Direction.self)
            let before = try input.stats(), after = try input.stats()
            let beforeValue = try optional { try input.double() }, afterValue = try optional { try input.double() }
            let ratio = try input.double(), ci = try input.doubles(), pValue = try input.double(), pAdjusted = try input.double()
            var b = BenchmarkComparison(
                name: name, unit: unit, direction: direction, before: before, after: after, ratio: ratio, ci: ci,
                pValue: pValue, pAdjusted: pAdjusted, test: try value(StatisticalTest.self), verdict: try value(Verdict.self),
                runsBefore: try input.integer(), runsAfter: try input.integer())
            b.beforeValue = beforeValue
            b.afterValue = afterValue
            b.noise = try optional { try input.double() }
            b.noiseSource = try optional { try value(NoiseSource.self) }
            b.reason = try optional { try input.string() }
            b.detectableEffect = try optional { try input.double() }
            b.runsNeeded = try optional { try input.integer() }
            benchmarks.append(b)
        }
        let onlyBefore = try (0..<input.count()).map { _ in try input.string() }
        let onlyAfter = try (0..<input.count()).map { _ in try input.string() }
        let mean = try optional { GeometricMean(ratio: try input.double(), ci: try input.doubles(), count: try input.integer()) }
        guard input.atEnd else { throw ByteReader.Truncated() }
        return Comparison(benchmarks: benchmarks, onlyBefore: onlyBefore, onlyAfter: onlyAfter, geometricMean: mean)
    }
}

// A `SummaryStats` as its count and seven figures.
extension ByteWriter {
    mutating func stats(_ s: SummaryStats) {
        integer(s.n)
        for value in [s.mean, s.stddev, s.median, s.min, s.max, s.q1, s.q3] { double(value) }
    }
}

extension ByteReader {
    mutating func stats() throws -> SummaryStats {
        SummaryStats(
            n: try integer(), mean: try double(), stddev: try double(), median: try double(), min: try double(),
            max: try double(), q1: try double(), q3: try double())
    }
}
