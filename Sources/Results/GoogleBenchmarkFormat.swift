/// Google Benchmark's `--benchmark_format=json` (or `--benchmark_out`): `context` plus `benchmarks[]`
/// rows. With repetitions each repetition is an `iteration` row and the library adds `aggregate` rows
/// (mean, median, stddev, cv) per `run_name`; `--benchmark_report_aggregates_only` keeps only those.
/// `real_time` is per iteration, in `time_unit`. A row whose benchmark called `SkipWithError` has
/// `error_occurred` + `error_message`; since 1.8, `SkipWithMessage` gives `skipped` + `skip_message`.
enum GoogleBenchmarkFormat {
    static func matches(_ document: JSONValue) -> Bool {
        guard document["context"]?.object != nil, let rows = document["benchmarks"]?.elements else { return false }
        return rows.isEmpty || rows.contains { $0["run_type"] != nil || $0["time_unit"] != nil }
    }

    /// Everything the file says about one benchmark (one `run_name`), in file order.
    private struct Run {
        var name: String
        var samples: [Double] = []
        var aggregates: [String: Double] = [:]
        var repetitions: Int?
    }

    static func read(_ document: JSONValue, _ reader: FieldReader) throws -> ResultSet {
        guard let rows = document["benchmarks"]?.elements else { throw reader.error(ResultFileReader.unknownFormatMessage) }
        guard !rows.isEmpty else { throw reader.error("no benchmarks in file") }

        var runs: [Run] = []
        var runIndex: [String: Int] = [:]
        var problems: [String] = []
        for (position, row) in rows.enumerated() {
            let label = "#\(position + 1)"
            let fields = try reader.object(row, "benchmarks[\(position)]", of: label)
            let rowName = try reader.string(fields["name"], "name", of: label)
            // run_name groups a benchmark's repetitions and aggregates (absent before 1.5: name is it).
            let name = try fields["run_name"].map { try reader.string($0, "run_name", of: rowName) } ?? rowName

            if fields["error_occurred"]?.bool == true {
                problems.append("\(name): \(fields["error_message"]?.string ?? "error (no message)")")
                continue
            }
            if fields["skipped"]?.bool == true {
                problems.append("\(name): skipped: \(fields["skip_message"]?.string ?? "(no message)")")
                continue
            }

            let index: Int
            if let existing = runIndex[name] {
                index = existing
            } else {
                index = runs.count
                runIndex[name] = index
                runs.append(Run(name: name))
            }
            if let repetitions = fields["repetitions"] {
                // Some versions write 0 when repetitions were not asked for.
                runs[index].repetitions = Swift.max(1, try reader.count(repetitions, "repetitions", of: rowName, minimum: 0))
            }

            let isAggregate = fields["run_type"]?.string == "aggregate" || fields["aggregate_name"] != nil
            if isAggregate {
                // Only time aggregates of the usual statistics; cv is a ratio, BigO/RMS rows have no real_time.
                guard let statistic = fields["aggregate_name"]?.string, ["mean", "median", "stddev"].contains(statistic),
                    (fields["aggregate_unit"]?.string ?? "time") == "time"
                else { continue }
                runs[index].aggregates[statistic] = try seconds(fields, of: rowName, reader)
            } else {
                runs[index].samples.append(try seconds(fields, of: rowName, reader))
            }
        }

        var benchmarks: [BenchmarkResult] = []
        for run in runs {
            if let stats = SummaryStats(samples: run.samples) {
                benchmarks.append(BenchmarkResult(name: run.name, unit: "s", samples: run.samples, stats: stats))
            } else if let mean = run.aggregates["mean"] {
                // Aggregates only (--benchmark_report_aggregates_only): a summary without samples.
                let stats = SummaryStats.estimated(
                    n: run.repetitions ?? 1, mean: mean, stddev: run.aggregates["stddev"] ?? 0,
                    median: run.aggregates["median"] ?? mean)
                benchmarks.append(BenchmarkResult(name: run.name, unit: "s", samples: nil, stats: stats))
            } else {
                problems.append("\(run.name): no timings (neither iteration rows nor a mean aggregate)")
            }
        }
        problems = problems.uniqued()
        guard !benchmarks.isEmpty else {
            throw reader.error("no usable benchmarks (\(problems.joined(separator: "; ")))")
        }
        return ResultSet(format: .googleBenchmark, benchmarks: benchmarks, problems: problems)
    }

    /// A row's `real_time` (per iteration, wall clock) in seconds.
    static func seconds(_ fields: [String: JSONValue], of name: String, _ reader: FieldReader) throws -> Double {
        let value = try reader.nonNegative(fields["real_time"], "real_time", of: name)
        let unit = try reader.string(fields["time_unit"], "time_unit", of: name)
        switch unit {
        case "ns": return value / 1e9
        case "us": return value / 1e6
        case "ms": return value / 1e3
        case "s": return value
        default: throw reader.error("benchmark \(name): unknown time_unit '\(unit)'")
        }
    }
}
