/// pytest-benchmark's JSON (`--benchmark-json`, and the files `--benchmark-autosave` keeps in
/// `.benchmarks/`): `machine_info`, `commit_info`, `datetime`, `version` and `benchmarks[]`, each with
/// `fullname` and `stats` in seconds. `stats.data` holds the raw per-round times, already divided by
/// the round's iterations; storage files have it only when saved with `--benchmark-save-data`.
enum PytestBenchmarkFormat {
    /// What one file says beyond its results: the run's commit and when it was made.
    struct Document {
        var results: ResultSet
        /// `commit_info.id`; nil when pytest-benchmark found no VCS ("unversioned") or recorded none.
        var commit: String?
        var dirty: Bool
        /// `datetime`: when the run was made (ISO 8601, UTC).
        var time: String?
    }

    static func matches(_ document: JSONValue) -> Bool {
        guard document["machine_info"]?.object != nil, let benchmarks = document["benchmarks"]?.elements else { return false }
        // Any one benchmark with stats is enough: a row missing a field is then reported by name, not as
        // "unknown format".
        return benchmarks.isEmpty || benchmarks.contains { $0["stats"] != nil }
    }

    static func read(_ document: JSONValue, _ reader: FieldReader) throws -> Document {
        guard let rows = document["benchmarks"]?.elements else { throw reader.error(ResultFileReader.unknownFormatMessage) }
        guard !rows.isEmpty else { throw reader.error("no benchmarks in file") }

        var benchmarks: [BenchmarkResult] = []
        var problems: [String] = []
        var names = Set<String>()
        for (position, row) in rows.enumerated() {
            let label = "#\(position + 1)"
            let fields = try reader.object(row, "benchmarks[\(position)]", of: label)
            let name = try reader.string(fields["fullname"], "fullname", of: label)
            guard names.insert(name).inserted else { throw reader.error("benchmark \(name) appears twice") }
            if fields["stats"] == .null {
                // pytest-benchmark writes null stats for a benchmark that was collected but never ran.
                problems.append("\(name): no stats (the benchmark did not run)")
                continue
            }
            benchmarks.append(try result(name: name, fields: fields, reader))
        }
        guard !benchmarks.isEmpty else {
            throw reader.error("no usable benchmarks (\(problems.joined(separator: "; ")))")
        }

        let commitInfo = document["commit_info"]?.object ?? [:]
        var commit = commitInfo["id"]?.string
        if commit == "unversioned" || commit == "" { commit = nil }
        return Document(
            results: ResultSet(format: .pytestBenchmark, benchmarks: benchmarks, problems: problems, commit: commit),
            commit: commit,
            dirty: commitInfo["dirty"]?.bool ?? false,
            time: document["datetime"]?.string)
    }

    static func result(name: String, fields: [String: JSONValue], _ reader: FieldReader) throws -> BenchmarkResult {
        let stats = try reader.object(fields["stats"], "stats", of: name)
        func time(_ key: String) throws -> Double { try reader.nonNegative(stats[key], "stats.\(key)", of: name) }
        let rounds = try reader.count(stats["rounds"], "stats.rounds", of: name)
        let summary = SummaryStats(
            n: rounds, mean: try time("mean"), stddev: try time("stddev"), median: try time("median"),
            min: try time("min"), max: try time("max"), q1: try time("q1"), q3: try time("q3"))
        var samples: [Double]?
        if let data = stats["data"], data != .null {
            let values = try reader.times(data, "stats.data", of: name)
            guard values.count == rounds else {
                throw reader.error("benchmark \(name): stats.data has \(values.count) values but stats.rounds is \(rounds)")
            }
            samples = values
        }
        return BenchmarkResult(name: name, unit: "s", samples: samples, stats: summary)
    }
}
