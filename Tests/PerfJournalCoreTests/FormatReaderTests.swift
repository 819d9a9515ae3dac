import Foundation
import Testing

@testable import Results
@testable import Support

/// The files under Tests/Fixtures (real tool output; see its README.md).
enum FormatFixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func path(_ relative: String) -> String {
        root.appendingPathComponent(relative).path
    }

    static func text(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }

    /// Reads a fixture and returns the one-line error it must produce.
    static func error(_ relative: String, format: ResultFormat? = nil) throws -> PerfJournalError {
        let path = path(relative)
        let error = try #require(throws: PerfJournalError.self) {
            try ResultFileReader.read(path: path, format: format)
        }
        #expect(error.kind == .resultFile)
        #expect(error.file == path)
        #expect(!error.message.contains("\n"))
        return error
    }

    /// The error reading in-memory bytes produces.
    static func error(data: String, path: String = "memory.json", format: ResultFormat? = nil) throws -> PerfJournalError {
        let error = try #require(throws: PerfJournalError.self) {
            try ResultFileReader.read(data: Data(data.utf8), path: path, format: format)
        }
        #expect(error.kind == .resultFile)
        #expect(error.file == path)
        #expect(!error.message.contains("\n"))
        return error
    }
}

@Suite struct FormatReaderTests {
    // MARK: pytest-benchmark

    @Test func pytestBenchmarkJSONExport() throws {
        let set = try ResultFileReader.read(path: FormatFixtures.path("pytest-benchmark/run.json"))
        #expect(set.format == .pytestBenchmark)
        #expect(
            set.benchmarks.map(\.name) == [
                "test_sample.py::test_sum_small", "test_sample.py::test_sort[100]",
                "test_sample.py::test_sort[1000]", "test_sample.py::test_sleep",
            ])
        #expect(set.problems.isEmpty)
        // Not run inside a git repository: pytest-benchmark records "unversioned", which is no commit.
        #expect(set.commit == nil)
        for result in set.benchmarks {
            #expect(result.unit == "s")
            #expect(result.direction == .lowerIsBetter)
            #expect(result.stats.n == 5)
            #expect(result.samples?.count == 5)
        }

        // Spot-check against the file: stats are the file's own, samples are stats.data.
        let sum = set.benchmarks[0]
        #expect(
            sum.samples == [
                1.6249999816864148e-07, 1.499499973078855e-07, 1.4960000100927572e-07,
                1.4734999922438874e-07, 1.5269999948941403e-07,
            ])
        #expect(
            sum.stats
                == SummaryStats(
                    n: 5, mean: 1.524199990399211e-07, stddev: 5.946490104787039e-09, median: 1.499499973078855e-07,
                    min: 1.4734999922438874e-07, max: 1.6249999816864148e-07,
                    q1: 1.4903750056305398e-07, q3: 1.551499991592209e-07))
        // test_sum_small ran 20 iterations per round; stats.data is already per iteration,
        // on the same scale as stats.min/max, so no further division.
        #expect(sum.samples?.min() == sum.stats.min)
        #expect(sum.samples?.max() == sum.stats.max)

        let sleep = set.benchmarks[3]
        #expect(sleep.stats.mean == 0.000576793599998382)
        #expect(sleep.stats.median == 0.0005768639999814695)
        #expect(sleep.samples?.first == 0.0005848560000458747)
    }

    @Test func pytestBenchmarkStorageFileWithoutDataIsSummaryOnly() throws {
        let path = FormatFixtures.path(
            "pytest-benchmark/storage/Linux-CPython-3.11-64bit/0003_4e05a6559bda2eaa44f2a491d08b84d3fa92cbee_20261129_165412_uncommited-changes.json")
        let set = try ResultFileReader.read(path: path)
        #expect(set.format == .pytestBenchmark)
        #expect(set.commit == "4e05a6559bda2eaa44f2a491d08b84d3fa92cbee")
        #expect(set.benchmarks.count == 4)
        #expect(set.benchmarks.allSatisfy { $0.samples == nil && $0.stats.n == 5 })
    }

    @Test func pytestBenchmarkNullDataIsSummaryOnly() throws {
        var text = try FormatFixtures.text(
            "pytest-benchmark/storage/Linux-CPython-3.11-64bit/0003_4e05a6559bda2eaa44f2a491d08b84d3fa92cbee_20261129_165412_uncommited-changes.json")
        #expect(text.contains("\"rounds\": 5,"))
        text = text.replacingOccurrences(of: "\"rounds\": 5,", with: "\"rounds\": 5, \"data\": null,")
        let set = try ResultFileReader.read(data: Data(text.utf8), path: "null-data.json")
        #expect(set.benchmarks.count == 4 && set.benchmarks.allSatisfy { $0.samples == nil })
    }

    @Test func pytestBenchmarkMalformedVariants() throws {
        #expect(try FormatFixtures.error("malformed/pytest-zero-benchmarks.json").message == "no benchmarks in file")
        #expect(
            try FormatFixtures.error("malformed/pytest-nan.json").message
                == "NaN in benchmark test_sample.py::test_sum_small (stats.mean)")
        let negative = try FormatFixtures.error("malformed/pytest-negative.json").message
        #expect(negative.hasPrefix("negative time in benchmark test_sample.py::test_sort[100]: stats.min = -"))
        #expect(
            try FormatFixtures.error("malformed/pytest-missing-median.json").message
                == "benchmark test_sample.py::test_sort[1000]: missing field 'stats.median'")
    }

    @Test func pytestBenchmarkNaNInRawDataOnly() throws {
        // NaN in a sample with sane summary fields is still caught, and named by position.
        var text = try FormatFixtures.text("pytest-benchmark/run.json")
        text = text.replacingOccurrences(of: "1.4960000100927572e-07", with: "NaN")
        let error = try FormatFixtures.error(data: text)
        #expect(error.message == "NaN in benchmark test_sample.py::test_sum_small (stats.data[2])")
    }

    @Test func pytestBenchmarkRowWithoutFullnameIsNamedByPosition() throws {
        var text = try FormatFixtures.text("pytest-benchmark/run.json")
        text = text.replacingOccurrences(of: "\"fullname\": \"test_sample.py::test_sort[100]\"", with: "\"full\": \"x\"")
        #expect(try FormatFixtures.error(data: text).message == "benchmark #2: missing field 'fullname'")
    }

    @Test func pytestBenchmarkDataThatDisagreesWithRounds() throws {
        var text = try FormatFixtures.text("pytest-benchmark/run.json")
        text = text.replacingOccurrences(of: "1.5269999948941403e-07\n", with: "1.5269999948941403e-07, 1e-07\n")
        let error = try FormatFixtures.error(data: text)
        #expect(error.message == "benchmark test_sample.py::test_sum_small: stats.data has 6 values but stats.rounds is 5")
    }

    // MARK: hyperfine

    @Test func hyperfineBasic() throws {
        let set = try ResultFileReader.read(path: FormatFixtures.path("hyperfine/basic.json"))
        #expect(set.format == .hyperfine)
        #expect(set.benchmarks.map(\.name) == ["sleep 0.001", "true"])
        #expect(set.problems.isEmpty)
        #expect(set.commit == nil)
        let sleep = set.benchmarks[0]
        #expect(sleep.unit == "s" && sleep.direction == .lowerIsBetter)
        #expect(sleep.samples?.count == 10)
        #expect(sleep.samples?[4] == 0.0096562884)
        #expect(sleep.stats.n == 10)
        #expect(sleep.stats.mean == 0.0027427151000000006)
        #expect(sleep.stats.stddev == 0.0033275793177509703)
        #expect(sleep.stats.median == 0.0007370184000000009)
        #expect(sleep.stats.min == 0.00019919740000000092)
        #expect(sleep.stats.max == 0.0096562884)
        // hyperfine writes no quartiles; they come from the times.
        let times = try #require(sleep.samples)
        let fromTimes = try #require(SummaryStats(samples: times))
        #expect(sleep.stats.q1 == fromTimes.q1 && sleep.stats.q3 == fromTimes.q3)
        #expect(sleep.stats.q1 < sleep.stats.median && sleep.stats.median < sleep.stats.q3)
    }

    @Test func hyperfineSingleRunHasNullStddev() throws {
        let set = try ResultFileReader.read(path: FormatFixtures.path("hyperfine/single-run.json"))
        let only = try #require(set.benchmarks.first)
        #expect(set.benchmarks.count == 1)
        #expect(only.stats.n == 1)
        #expect(only.stats.stddev == 0)
        #expect(only.samples == [0.0014167352200000001])
        #expect(only.stats.q1 == 0.0014167352200000001 && only.stats.q3 == 0.0014167352200000001)
    }

    @Test func hyperfineParameterScan() throws {
        let set = try ResultFileReader.read(path: FormatFixtures.path("hyperfine/parameter-scan.json"))
        #expect(set.benchmarks.map(\.name) == ["sleep 0.001", "sleep 0.002", "sleep 0.003"])
        #expect(set.benchmarks[1].samples == [0.00475196596, 0.0030027269600000003, 0.00543442396])
        #expect(set.benchmarks[1].stats.mean == 0.004396372293333333)
    }

    @Test func hyperfineRepeatedCommandIsDisambiguatedByParameters() throws {
        // The same command across a parameter scan (as when the command ignores the parameter).
        var text = try FormatFixtures.text("hyperfine/parameter-scan.json")
        for ms in 1...3 {
            text = text.replacingOccurrences(of: "\"command\": \"sleep 0.00\(ms)\"", with: "\"command\": \"sleep\"")
        }
        let set = try ResultFileReader.read(data: Data(text.utf8), path: "scan.json")
        #expect(set.benchmarks.map(\.name) == ["sleep [ms=1]", "sleep [ms=2]", "sleep [ms=3]"])
    }

    @Test func hyperfineRepeatedCommandNameIsDisambiguatedByPosition() throws {
        let set = try ResultFileReader.read(path: FormatFixtures.path("hyperfine/same-name.json"))
        #expect(set.benchmarks.map(\.name) == ["same #1", "same #2"])
        #expect(set.benchmarks[1].stats.mean == 0.0023944427200000003)
    }

    @Test func hyperfineNonZeroExitCodesAreProblemsButResultsAreKept() throws {
        let set = try ResultFileReader.read(path: FormatFixtures.path("hyperfine/failing.json"))
        #expect(set.benchmarks.map(\.name) == ["true", "sh -c \"exit 3\""])
        #expect(set.benchmarks[1].samples?.count == 4)
        #expect(set.problems == ["sh -c \"exit 3\": exited non-zero in 4 of 4 runs (exit code 3)"])
    }

    @Test func hyperfineWithoutTimesIsSummaryOnly() throws {
        let text = """
            {"results": [{"command": "make", "mean": 0.002, "stddev": 0.0005, "median": 0.0019,
              "user": 0.001, "system": 0.0, "min": 0.0012, "max": 0.004, "exit_codes": [0, 0, 0]}]}
            """
        let set = try ResultFileReader.read(data: Data(text.utf8), path: "old.json")
        let make = try #require(set.benchmarks.first)
        #expect(make.samples == nil)
        #expect(make.stats.n == 3)
        #expect(make.stats.mean == 0.002 && make.stats.median == 0.0019 && make.stats.stddev == 0.0005)
        #expect(make.stats.min == 0.0012 && make.stats.max == 0.004)
        #expect(make.stats.min <= make.stats.q1 && make.stats.q1 < make.stats.median)
        #expect(make.stats.median < make.stats.q3 && make.stats.q3 <= make.stats.max)
    }

    @Test func hyperfineMalformedVariants() throws {
        #expect(
            try FormatFixtures.error("malformed/hyperfine-negative.json").message
                == "negative time in benchmark sleep 0.001: times[2] = -0.5")
        #expect(
            try FormatFixtures.error("malformed/hyperfine-infinite.json").message
                == "infinite value in benchmark true (mean)")
        #expect(try FormatFixtures.error(data: #"{"results": []}"#).message == "no benchmarks in file")
        #expect(
            try FormatFixtures.error(data: #"{"results": [{"command": "x", "mean": 1}]}"#).message
                == "benchmark x: missing field 'stddev'")
    }

    // MARK: Google Benchmark

    @Test func googleBenchmarkRepetitions() throws {
        let set = try ResultFileReader.read(path: FormatFixtures.path("google-benchmark/repetitions.json"))
        #expect(set.format == .googleBenchmark)
        #expect(set.benchmarks.map(\.name) == ["BM_StringCopy", "BM_VectorPushBack/8", "BM_VectorPushBack/512"])
        // Five repetitions of BM_Broken, all with the same error: reported once, not dropped.
        #expect(set.problems == ["BM_Broken: resource not available"])
        let copy = set.benchmarks[0]
        #expect(copy.unit == "s" && copy.direction == .lowerIsBetter)
        #expect(copy.stats.n == 5)
        #expect(
            copy.samples == [
                27.302623002926836 / 1e9, 27.586492513150468 / 1e9, 49.83447962034337 / 1e9,
                48.09028806876108 / 1e9, 30.23795533971076 / 1e9,
            ])
        // Stats come from the samples, and agree with the library's own aggregate rows.
        #expect(abs(copy.stats.mean - 36.61036770897851e-9) < 1e-20)
        #expect(copy.stats.median == 30.23795533971076 / 1e9)
        #expect(abs(copy.stats.stddev - 11.350526218838521e-9) < 1e-20)
    }

    @Test func googleBenchmarkAggregatesOnlyIsSummaryOnly() throws {
        let set = try ResultFileReader.read(path: FormatFixtures.path("google-benchmark/aggregates-only.json"))
        #expect(set.benchmarks.map(\.name) == ["BM_StringCopy", "BM_VectorPushBack/8", "BM_VectorPushBack/512"])
        #expect(set.problems == ["BM_Broken: resource not available"])
        let copy = set.benchmarks[0]
        #expect(copy.samples == nil)
        #expect(copy.stats.n == 5)
        #expect(copy.stats.mean == 31.739977260460012 / 1e9)
        #expect(copy.stats.median == 26.812021753505697 / 1e9)
        #expect(copy.stats.stddev == 13.373424526570727 / 1e9)
        #expect(copy.stats.min <= copy.stats.q1 && copy.stats.q1 <= copy.stats.median)
        #expect(copy.stats.median <= copy.stats.q3 && copy.stats.q3 <= copy.stats.max)
    }

    @Test func googleBenchmarkWithoutRepetitions() throws {
        let set = try ResultFileReader.read(path: FormatFixtures.path("google-benchmark/single.json"))
        #expect(set.benchmarks.count == 3)
        #expect(set.benchmarks.allSatisfy { $0.stats.n == 1 && $0.samples?.count == 1 && $0.stats.stddev == 0 })
        #expect(set.benchmarks[2].samples == [1907.508397718914 / 1e9])
        #expect(set.problems == ["BM_Broken: resource not available"])
    }

    @Test func googleBenchmarkEveryBenchmarkErroredThrows() throws {
        let error = try FormatFixtures.error("google-benchmark/all-errored.json")
        #expect(error.message == "no usable benchmarks (BM_Broken: resource not available)")
    }

    @Test func googleBenchmarkSkippedRowsAreProblems() throws {
        // Google Benchmark >= 1.8 writes SkipWithMessage as skipped/skip_message.
        var text = try FormatFixtures.text("google-benchmark/single.json")
        text = text.replacingOccurrences(
            of: "\"error_occurred\": true,\n      \"error_message\": \"resource not available\"",
            with: "\"skipped\": true,\n      \"skip_message\": \"needs a GPU\"")
        let set = try ResultFileReader.read(data: Data(text.utf8), path: "skip.json")
        #expect(set.problems == ["BM_Broken: skipped: needs a GPU"])
        #expect(set.benchmarks.count == 3)
    }

    @Test func googleBenchmarkTimeUnitsConvertToSeconds() throws {
        var text = try FormatFixtures.text("google-benchmark/single.json")
        text = text.replacingOccurrences(of: "\"real_time\": 2.5408982002124212e+01,\n      \"cpu_time\"", with: "\"real_time\": 2.5,\n      \"cpu_time\"")
        for (unit, perSecond) in [("us", 1e6), ("ms", 1e3), ("s", 1.0)] {
            let changed = text.replacingOccurrences(of: "\"time_unit\": \"ns\"", with: "\"time_unit\": \"\(unit)\"")
            let set = try ResultFileReader.read(data: Data(changed.utf8), path: "units.json")
            #expect(set.benchmarks[0].samples == [2.5 / perSecond])
        }
        let odd = text.replacingOccurrences(of: "\"time_unit\": \"ns\"", with: "\"time_unit\": \"fortnights\"")
        #expect(try FormatFixtures.error(data: odd).message == "benchmark BM_StringCopy: unknown time_unit 'fortnights'")
    }

    @Test func googleBenchmarkMalformedVariant() throws {
        #expect(
            try FormatFixtures.error("malformed/google-missing-real-time.json").message
                == "benchmark BM_StringCopy: missing field 'real_time'")
    }

    // MARK: detection and general validation

    @Test func detectsEveryRealFixture() throws {
        let expected: [(String, ResultFormat)] = [
            ("pytest-benchmark/run.json", .pytestBenchmark),
            ("pytest-benchmark/storage/Linux-CPython-3.11-64bit/0001_cca60ba6ef24d3825ae091dfdc9d356859db72fd_20261129_165405.json", .pytestBenchmark),
            ("hyperfine/basic.json", .hyperfine), ("hyperfine/single-run.json", .hyperfine),
            ("hyperfine/failing.json", .hyperfine), ("hyperfine/parameter-scan.json", .hyperfine),
            ("google-benchmark/repetitions.json", .googleBenchmark),
            ("google-benchmark/aggregates-only.json", .googleBenchmark),
            ("google-benchmark/single.json", .googleBenchmark),
        ]
        for (file, format) in expected {
            let data = try Data(contentsOf: URL(fileURLWithPath: FormatFixtures.path(file)))
            #expect(ResultFileReader.detect(data: data) == format, "\(file)")
            // Naming the right format reads it too.
            #expect(try ResultFileReader.read(path: FormatFixtures.path(file), format: format).format == format)
        }
        for file in ["malformed/wrong-shape.json", "malformed/truncated.json", "malformed/empty.json"] {
            let data = try Data(contentsOf: URL(fileURLWithPath: FormatFixtures.path(file)))
            #expect(ResultFileReader.detect(data: data) == nil, "\(file)")
        }
    }

    @Test func namedFormatThatDoesNotMatchTheContent() throws {
        let error = try FormatFixtures.error("pytest-benchmark/run.json", format: .hyperfine)
        #expect(error.message == "not a hyperfine result file (it looks like pytest-benchmark output)")
        let google = try FormatFixtures.error("hyperfine/basic.json", format: .googleBenchmark)
        #expect(google.message == "not a google-benchmark result file (it looks like hyperfine output)")
        let unknown = try FormatFixtures.error("malformed/wrong-shape.json", format: .pytestBenchmark)
        #expect(unknown.message == "not a pytest-benchmark result file (its content is of no known result format)")
    }

    @Test func brokenFiles() throws {
        #expect(try FormatFixtures.error("malformed/empty.json").message == "empty file")
        #expect(try FormatFixtures.error("malformed/truncated.json").message.hasPrefix("malformed JSON (truncated?"))
        #expect(try FormatFixtures.error("malformed/wrong-shape.json").message.hasPrefix("unknown result format"))
        #expect(try FormatFixtures.error("no/such/file.json").message == "no such file")
        #expect(try FormatFixtures.error(data: "  \n\t").message == "empty file")
        #expect(try FormatFixtures.error(data: "[1, 2, 3]").message.hasPrefix("unknown result format"))
        #expect(
            try FormatFixtures.error(data: "{\"results\": [1,\n 2,, 3]}").message
                == "malformed JSON at line 2, column 4: unexpected character ','")
        #expect(
            try FormatFixtures.error(data: "{\"results\": []} trailing").message
                == "malformed JSON at line 1, column 17: unexpected text after the document")
    }

    @Test func directoryIsNotAResultFile() throws {
        let error = try FormatFixtures.error("hyperfine")
        #expect(error.message == "is a directory, not a result file")
    }

    @Test func formatsParseFromTheirCommandLineNames() {
        #expect(ResultFormat(commandLineName: "pytest-benchmark") == .pytestBenchmark)
        #expect(ResultFormat(commandLineName: "hyperfine") == .hyperfine)
        #expect(ResultFormat(commandLineName: "Google-Benchmark") == .googleBenchmark)
        #expect(ResultFormat(commandLineName: "pytest") == nil)
        #expect(ResultFormat.commandLineNames == "pytest-benchmark|hyperfine|google-benchmark")
    }
}
