import Foundation
import Testing

@testable import Journal
@testable import Results
@testable import Statistics
@testable import Store

/// "Where the time went" in the journal: which benchmarks get lines, which functions, the memory line.
@Suite struct WhereTimeWentTests {
    static func profile(_ name: String, total: Double, peak: Int?, _ functions: [(String, String, Double, Double)]) -> BenchmarkProfile {
        BenchmarkProfile(
            name: name, loops: 1, totalSeconds: total, peakMemoryBytes: peak,
            functions: functions.map {
                ProfiledFunction(file: $0.0, name: $0.1, line: 1, primitiveCalls: 1, calls: 1, selfSeconds: $0.2, cumulativeSeconds: $0.3)
            })
    }

    /// Three benchmarks compared, with the verdicts given (one run a side; the verdicts are then set).
    static func comparison(_ verdicts: [String: Verdict]) -> Comparison {
        let names = verdicts.keys.sorted()
        let results = names.map { BenchmarkResult(name: $0, unit: "s", samples: [1, 1.1, 0.9], stats: SummaryStats(samples: [1, 1.1, 0.9])!) }
        var c = Comparator.compare(before: results, after: results)
        for i in c.benchmarks.indices { c.benchmarks[i].verdict = verdicts[c.benchmarks[i].name]! }
        return c
    }

    static let before = RunProfile(
        python: "3.12.0",
        benchmarks: [
            profile(
                "a.py::test_dedupe", total: 0.010, peak: 1_000_000,
                [("lib/core.py", "process", 0.0001, 0.010), ("lib/core.py", "dedupe", 0.0096, 0.0096), ("~", "<built-in method sum>", 0.0003, 0.0003)]),
            profile("a.py::test_words", total: 0.002, peak: 1_000_000, [("lib/core.py", "words", 0.0010, 0.002), ("lib/core.py", "split", 0.0010, 0.0010)]),
            profile("b.py::test_words", total: 0.002, peak: 200_000, [("lib/core.py", "words", 0.0020, 0.002)]),
        ])
    static let after = RunProfile(
        python: "3.12.0",
        benchmarks: [
            profile(
                "a.py::test_dedupe", total: 0.001, peak: 1_030_000,
                [
                    ("lib/core.py", "process", 0.0001, 0.001), ("lib/core.py", "dedupe", 0.0001, 0.0003), ("~", "<built-in method sum>", 0.0003, 0.0003),
                    ("~", "<built-in method fromkeys>", 0.0002, 0.0002),
                ]),
            // Shares moved, but its time did not: no function lines; its memory grew by 50%.
            profile("a.py::test_words", total: 0.002, peak: 1_500_000, [("lib/core.py", "words", 0.0015, 0.002), ("lib/core.py", "split", 0.0005, 0.0005)]),
            // +60,000 bytes is 30% but under 64 KiB: no memory line.
            profile("b.py::test_words", total: 0.002, peak: 260_000, [("lib/core.py", "words", 0.0020, 0.002)]),
        ])

    @Test func changedBenchmarksGetTheFunctionsWhoseShareMovedMostAndMemoryItsOwnThreshold() throws {
        let comparison = Self.comparison(["a.py::test_dedupe": .improved, "a.py::test_words": .unchanged, "b.py::test_words": .inconclusive])
        let evidence = try #require(WhereTimeWent.make(diff: ProfileDiff.compare(Self.before, Self.after), comparison: comparison))
        #expect(evidence.benchmarks.map(\.name) == ["a.py::test_dedupe", "a.py::test_words"])
        let dedupe = evidence.benchmarks[0]
        #expect(dedupe.functions.map(\.function) == ["lib/core.py:dedupe", "~:<built-in method sum>", "~:<built-in method fromkeys>"])
        #expect(abs(dedupe.functions[0].beforeShare! - 0.96) < 1e-9 && abs(dedupe.functions[0].afterShare! - 0.3) < 1e-9)
        #expect(dedupe.functions[2].beforeShare == nil)
        // +3% of a megabyte is under the 5% threshold.
        #expect(dedupe.peakMemory == nil)
        #expect(evidence.benchmarks[1].functions.isEmpty)
        #expect(evidence.benchmarks[1].peakMemory == WhereTimeWent.Memory(beforeBytes: 1_000_000, afterBytes: 1_500_000))

        let lines = JournalFormat.whereTimeWentLines(evidence, benchmarkNames: comparison.benchmarks.map(\.name)).map { $0["text"] as! String }
        #expect(
            lines == [
                "`lib/core.py:dedupe` 96% → 30% of test\\_dedupe (−9.30 ms a call)",
                "`~:<built-in method sum>` 3% → 30% of test\\_dedupe (same time a call)",
                "`~:<built-in method fromkeys>` new → 20% of test\\_dedupe (+200 µs a call)",
                // Two benchmarks are called test_words: the full name says which.
                "peak memory of a.py::test\\_words: 976.6 KiB → 1.4 MiB (+50.0%)",
            ])

        // In the JSON a new function's before_share is null, not absent.
        let json = String(decoding: try JSONEncoder().encode(dedupe.functions[2]), as: UTF8.self)
        #expect(json.contains("\"before_share\":null"))
    }

    @Test func nothingToSayIsNil() {
        let unchanged = Self.comparison(["a.py::test_dedupe": .unchanged, "a.py::test_words": .inconclusive, "b.py::test_words": .unchanged])
        let same = RunProfile(python: nil, benchmarks: Self.before.benchmarks)
        #expect(WhereTimeWent.make(diff: ProfileDiff.compare(Self.before, same), comparison: unchanged) == nil)
        // A benchmark profiled on one side only says nothing.
        let one = RunProfile(python: nil, benchmarks: [Self.after.benchmarks[0]])
        let improved = Self.comparison(["a.py::test_dedupe": .unchanged, "a.py::test_words": .improved, "b.py::test_words": .improved])
        #expect(WhereTimeWent.make(diff: ProfileDiff.compare(Self.before, one), comparison: improved) == nil)
    }
}
