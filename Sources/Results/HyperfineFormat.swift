/// hyperfine's `--export-json`: `{"results": [{command, mean, stddev, median, user, system, min, max,
/// times[], exit_codes[], parameters{}}]}`, in seconds. `stddev` is null after a single run; `times`,
/// `exit_codes` and `parameters` may be absent (older versions, or no parameter scan).
enum HyperfineFormat {
    static func matches(_ document: JSONValue) -> Bool {
        guard let results = document["results"]?.elements else { return false }
        return results.isEmpty || results.contains { $0["command"] != nil && ($0["times"] != nil || $0["mean"] != nil) }
    }

    static func read(_ document: JSONValue, _ reader: FieldReader) throws -> ResultSet {
        guard let rows = document["results"]?.elements else { throw reader.error(ResultFileReader.unknownFormatMessage) }
        guard !rows.isEmpty else { throw reader.error("no benchmarks in file") }

        var commands: [(command: String, parameters: [String: JSONValue])] = []
        for (position, row) in rows.enumerated() {
            let label = "#\(position + 1)"
            let fields = try reader.object(row, "results[\(position)]", of: label)
            let command = try reader.string(fields["command"], "command", of: label)
            commands.append((command, fields["parameters"]?.object ?? [:]))
        }
        let names = uniqueNames(commands)

        var benchmarks: [BenchmarkResult] = []
        var problems: [String] = []
        for (row, name) in zip(rows, names) {
            let fields = row.object ?? [:]
            func time(_ key: String) throws -> Double { try reader.nonNegative(fields[key], key, of: name) }
            let mean = try time("mean")
            // hyperfine writes null when there was a single run: no spread to speak of.
            let stddev = fields["stddev"] == .null ? 0 : try time("stddev")
            let median = try time("median")
            let min = try time("min")
            let max = try time("max")
            var samples: [Double]?
            var stats: SummaryStats
            if let timesValue = fields["times"], !(timesValue == .null) {
                let times = try reader.times(timesValue, "times", of: name)
                guard let fromTimes = SummaryStats(samples: times) else {
                    throw reader.error("benchmark \(name): 'times' is empty")
                }
                samples = times
                // The file's own numbers where it has them; the quartiles it does not write come from the times.
                stats = SummaryStats(
                    n: times.count, mean: mean, stddev: stddev, median: median, min: min, max: max,
                    q1: fromTimes.q1, q3: fromTimes.q3)
            } else {
                let runs = fields["exit_codes"]?.elements?.count ?? 1
                stats = .estimated(n: Swift.max(runs, 1), mean: mean, stddev: stddev, median: median, min: min, max: max)
            }
            if let codes = fields["exit_codes"]?.elements {
                let failing = codes.compactMap(\.number).filter { $0 != 0 }
                if !failing.isEmpty {
                    let distinct = Array(Set(failing.map { Int($0) })).sorted().map(String.init).joined(separator: ", ")
                    problems.append("\(name): exited non-zero in \(failing.count) of \(codes.count) runs (exit code \(distinct))")
                }
            }
            benchmarks.append(BenchmarkResult(name: name, unit: "s", samples: samples, stats: stats))
        }
        return ResultSet(format: .hyperfine, benchmarks: benchmarks, problems: problems)
    }

    /// Result names must be unique. A command repeated (the same command across a parameter scan whose
    /// parameter it does not use, or the same `--command-name`) gets its parameters, then its position.
    static func uniqueNames(_ commands: [(command: String, parameters: [String: JSONValue])]) -> [String] {
        func counts(_ names: [String]) -> [String: Int] { names.reduce(into: [:]) { $0[$1, default: 0] += 1 } }
        var names = commands.map(\.command)
        let byCommand = counts(names)
        for i in names.indices where byCommand[names[i], default: 0] > 1 && !commands[i].parameters.isEmpty {
            let parameters = commands[i].parameters.keys.sorted()
                .map { "\($0)=\(commands[i].parameters[$0]?.string ?? commands[i].parameters[$0]?.number.map { "\($0)" } ?? "?")" }
            names[i] += " [" + parameters.joined(separator: ", ") + "]"
        }
        let stillRepeated = counts(names)
        var seen: [String: Int] = [:]
        for i in names.indices where stillRepeated[names[i], default: 0] > 1 {
            let original = names[i]
            let occurrence = seen[original, default: 0] + 1
            seen[original] = occurrence
            names[i] = "\(original) #\(occurrence)"
        }
        return names
    }
}
