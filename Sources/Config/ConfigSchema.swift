// swift-format-ignore-file
import Results
import Support

/// The one list of perfjournal's config keys: path, type and check, default (through the structs'
/// initialisers), and the comment `init` writes. Adding a key is one line in `keys` plus its field.
enum ConfigSchema {
    struct Section {
        let name: String
        let doc: String
        /// Written commented-out by `tomlText` when false (the optional `[test]` table).
        var isPresent: (Config) -> Bool = { _ in true }
        /// Fills in example values for a section written commented-out.
        var example: (inout Config) -> Void = { _ in }
    }

    static var sections: [Section] {[
        Section(name: "bench", doc: "How to run the benchmarks."),
        Section(name: "test", doc: "How to run the tests (optional): checked before a result is recorded.",
                isPresent: { $0.test != nil }, example: { $0.test = TestConfig(command: "pytest -q") }),
        Section(name: "watch", doc: "What the daemon watches."),
        Section(name: "stats", doc: "How comparisons decide improved / regressed / unchanged / inconclusive.",
),
        Section(name: "rules", doc: "The one-change-per-optimization discipline."),
        Section(name: "log", doc: "The human-readable performance log."),
        Section(name: "daemon", doc: "The background runner."),
        Section(name: "profile", doc: "The cProfile and peak-memory capture that comes with every pytest-benchmark run."),
    ]}

    static var keys: [ConfigKey] {
        [
            .init("bench.command", \.bench.command, .command, required: true,
                  doc: "Shell command that runs the benchmarks and writes the result file."),
            .init("bench.format", \.bench.format, .optional(.choice(ResultFormat.self)),
                  example: "\"pytest-benchmark\"",
                  doc: "Result format: pytest-benchmark | hyperfine | google-benchmark. Leave out to detect it from the file."),
            .init("bench.results", \.bench.results, .nonEmptyString,
                  doc: "The result file the command writes, relative to the checkout it runs in."),
            .init("bench.timeout", \.bench.timeout, .seconds, doc: "Seconds before the command is killed."),
            .init("bench.files", \.bench.files, .stringArray,
                  doc: "Globs of the benchmark definitions; changing them needs a new baseline."),

            .init("test.command", \.testOrEmpty.command, .command, required: true,
                  doc: "Shell command that runs the tests."),
            .init("test.timeout", \.testOrEmpty.timeout, .seconds, doc: "Seconds before the command is killed."),

            .init("watch.branches", \.watch.branches, .stringArray, doc: "Branches whose new commits get benchmarked."),

            .init("stats.alpha", \.stats.alpha, .number(above: 0, below: 0.5),
                  doc: "Significance level of the comparison (0 < alpha < 0.5)."),
            .init("stats.min_effect", \.stats.minEffect, .number(above: 0, below: 1),
                  doc: "Smallest relative change that counts (0.01 = 1%)."),
            .init("stats.max_reruns", \.stats.maxReruns, .integer(atLeast: 0),
                  doc: "How many times an inconclusive comparison may rerun the benchmarks."),
            .init("stats.max_seconds", \.stats.maxSeconds, .seconds, doc: "Time budget for those reruns, in seconds."),
            .init("stats.calibration_runs", \.stats.calibrationRuns, .integer(atLeast: 2),
                  doc: "Runs `perfjournal calibrate` (and `baseline --runs`) makes to learn this machine's noise."),
            .init("stats.detect_disturbance", \.stats.detectDisturbance, .boolean,
                  doc: "Flag runs during which other work took the machine; they never give improved or regressed."),
            .init("stats.min_effect_by_benchmark", \.stats.minEffectByBenchmark, .numberTable(above: 0, below: 1),
                  example: "\"tests/test_x.py::test_parse\" = 0.03",
                  doc: "min_effect for particular benchmarks, by name."),

            .init("rules.mode", \.rules.mode, .choice(RulesConfig.Mode.self),
                  doc: "\"perf\": only perf: commits and Perf-Change trailers follow the rules; \"all\": every commit."),
            .init("rules.ignore", \.rules.ignore, .stringArray, doc: "Globs of tests, benchmarks and docs: they follow a change and are never one of their own."),
            .init("rules.max_files", \.rules.maxFiles, .integer(atLeast: 1), doc: "Most files one optimization may change, when its code cannot be grouped (no python3, a syntax error)."),
            .init("rules.max_symbols", \.rules.maxSymbols, .integer(atLeast: 1), doc: "Most functions or classes it may change, in that case."),
            .init("rules.max_modules", \.rules.maxModules, .integer(atLeast: 1), doc: "Most modules it may touch, in that case."),
            .init("rules.api_command", \.rules.apiCommand, .optional(.command), example: "\"python tools/print_api.py\"",
                  doc: "Command printing the public API, to catch API changes (optional)."),
            .init("rules.changelog", \.rules.changelog, .nonEmptyString, doc: "The changelog file."),
            .init("rules.hot_threshold", \.rules.hotThreshold, .number(above: 0, below: 1),
                  doc: "Rule hot-path: a changed function below this share of every benchmark's time (0.01 = 1%) is cold."),
            .init("rules.hot_path", \.rules.hotPath, .choice(RulesConfig.HotPathMode.self),
                  doc: "\"warn\": an optimization of cold code is reported; \"fail\": check fails; \"off\"."),
            .init("rules.require_runs", \.rules.requireRuns, .boolean,
                  doc: "A commit with no run yet fails the tests and improvement rules (for CI; also `check --require-runs`)."),

            .init("log.path", \.log.path, .nonEmptyString, doc: "The performance log file."),
            .init("log.auto_write", \.log.autoWrite, .boolean, doc: "Update the log automatically whenever a result is recorded."),

            .init("daemon.autostart", \.daemon.autostart, .boolean, doc: "Start the daemon from the git hooks when it is not running."),

            .init("profile.enabled", \.profile.enabled, .boolean, doc: "Profile every pytest-benchmark run (after its timed rounds)."),
            .init("profile.loops", \.profile.loops, .profileLoops,
                  doc: "Calls in the profiled pass: a number, or \"auto\" (as many as one timed round)."),
            .init("profile.memory", \.profile.memory, .choice(ProfileConfig.Memory.self),
                  doc: "Peak memory per benchmark: \"tracemalloc\", \"memray\" (when installed) or \"off\"."),
        ]
    }

    // MARK: - Decoding

    static func decode(_ table: TOMLTable, file: String, keyPrefix: String) throws -> Config {
        var config = Config(bench: BenchConfig(command: ""))
        let byPath = Dictionary(keys.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        let sectionNames = Set(sections.map(\.name))
        var seen: Set<String> = []

        func walk(_ table: TOMLTable, _ prefix: [String]) throws {
            for name in table.keys {
                guard let value = table[name] else { continue }
                let path = prefix + [name]
                let dotted = path.joined(separator: ".")
                if let key = byPath[dotted] {
                    do {
                        try key.apply(&config, value)
                    } catch let problem as ValueProblem {
                        throw PerfJournalError(.config, file: file,
                                               "line \(problem.line): '\(keyPrefix)\(problem.path ?? display(path))' must be \(problem.expected), got \(problem.got)")
                    }
                    seen.insert(dotted)
                    config.keyLines[dotted] = value.line
                } else if path.count == 1, sectionNames.contains(name) {
                    guard let sub = value.table else {
                        throw PerfJournalError(.config, file: file,
                                               "line \(value.line): '\(keyPrefix)\(name)' must be a table, got \(value.tomlText)")
                    }
                    if name == "test" { config.test = config.testOrEmpty }
                    try walk(sub, path)
                } else {
                    throw PerfJournalError(.config, file: file,
                                           "line \(value.line): unknown key '\(keyPrefix)\(display(path))'" + suggestion(for: path, keyPrefix: keyPrefix))
                }
            }
        }
        try walk(table, [])

        for key in keys where key.required {
            let section = key.path.split(separator: ".").first.map(String.init) ?? ""
            // A required key of an optional section is only required when the section is there.
            if section == "test" && config.test == nil { continue }
            if !seen.contains(key.path) {
                throw PerfJournalError(.config, file: file, "missing required key '\(keyPrefix)\(key.path)' (in [\(keyPrefix)\(section)])")
            }
        }
        return config
    }

    private static func display(_ path: [String]) -> String {
        path.map(TOMLValue.key).joined(separator: ".")
    }

    /// " (did you mean 'bench.command'?)" for a near miss or a key put in the wrong table; "" otherwise.
    static func suggestion(for path: [String], keyPrefix: String) -> String {
        let typed = path.joined(separator: ".")
        let candidates = keys.map(\.path) + sections.map(\.name)
        var best: (path: String, distance: Int)?
        for candidate in candidates {
            let d = editDistance(typed, candidate)
            if d < (best?.distance ?? Int.max) { best = (candidate, d) }
        }
        if let best, best.distance <= max(1, min(3, typed.count / 4)) {
            return " (did you mean '\(keyPrefix)\(best.path)'?)"
        }
        if let last = path.last, path.count > 1,
           let moved = keys.first(where: { $0.path.hasSuffix("." + last) }) {
            return " (did you mean '\(keyPrefix)\(moved.path)'?)"
        }
        return ""
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    // MARK: - Writing

    static func tomlText(_ config: Config) -> String {
        var out = """
        # perfjournal configuration. Only bench.command is required; a key left out takes its default.
        # Run `perfjournal trust` after editing this file.

        """
        for section in sections {
            let sectionKeys = keys.filter { $0.path.hasPrefix(section.name + ".") }
            let present = section.isPresent(config)
            let comment = present ? "" : "# "
            var shown = config
            if !present { section.example(&shown) }
            out += "\n# \(section.doc)\n\(comment)[\(section.name)]\n"
            var tables: [(ConfigKey, [String]?)] = []
            for key in sectionKeys {
                let name = String(key.path.dropFirst(section.name.count + 1))
                let lines = key.encode(shown)
                if key.isTable {
                    tables.append((key, lines))
                    continue
                }
                out += "# \(key.doc)\n"
                if let lines {
                    out += lines.map { comment + name + " = " + $0 + "\n" }.joined()
                } else if let example = key.example {
                    out += "# \(name) = \(example)\n"
                }
            }
            // Sub-tables come after the section's plain keys, or those keys would land inside them.
            for (key, lines) in tables {
                out += "# \(key.doc)\n"
                if let lines, !lines.isEmpty {
                    out += "\(comment)[\(key.path)]\n" + lines.map { comment + $0 + "\n" }.joined()
                } else {
                    out += "# [\(key.path)]\n" + (key.example.map { "# \($0)\n" } ?? "")
                }
            }
        }
        return out
    }
}

/// A value that has the wrong type or is out of range.
struct ValueProblem: Error {
    var line: Int
    var expected: String
    var got: String
    /// Set when the problem is inside the key's value (an entry of a table), to name that entry.
    var path: String?
}

/// One config key: how to read it from TOML into `Config`, and how to write it back.
struct ConfigKey {
    let path: String
    let doc: String
    let required: Bool
    /// Shown commented-out by `tomlText` when the value is absent.
    let example: String?
    /// Written as its own `[path]` table rather than `key = value`.
    let isTable: Bool
    let apply: (inout Config, TOMLValue) throws -> Void
    /// TOML for the current value: one `value` for plain keys, `key = value` lines for tables; nil when absent.
    let encode: (Config) -> [String]?

    init<T>(_ path: String, _ keyPath: WritableKeyPath<Config, T>, _ type: ValueType<T>, required: Bool = false,
            example: String? = nil, doc: String) {
        self.path = path
        self.doc = doc
        self.required = required
        self.example = example
        self.isTable = type.isTable
        apply = { config, value in config[keyPath: keyPath] = try type.decode(value, path) }
        encode = { config in type.encode(config[keyPath: keyPath]) }
    }
}

/// How one kind of value is checked, read and written.
struct ValueType<T> {
    let decode: (TOMLValue, _ path: String) throws -> T
    let encode: (T) -> [String]?
    var isTable = false

    /// A check on a single TOML value described by `expected` ("a number greater than 0").
    static func simple(_ expected: String, _ read: @escaping (TOMLValue) -> T?, _ write: @escaping (T) -> String) -> ValueType {
        ValueType(decode: { value, _ in
            guard let v = read(value) else { throw ValueProblem(line: value.line, expected: expected, got: value.tomlText) }
            return v
        }, encode: { [write($0)] })
    }
}

extension ValueType where T == String {
    static var nonEmptyString: ValueType {
        .simple("a non-empty string", { v in v.string.flatMap { $0.isEmpty ? nil : $0 } }, TOMLValue.quoted)
    }

    /// A shell command: a non-empty string.
    static var command: ValueType {
        .simple("a command (a non-empty string)", { v in
            v.string.flatMap { $0.allSatisfy(\.isWhitespace) ? nil : $0 }
        }, TOMLValue.quoted)
    }
}

extension ValueType where T == [String] {
    static var stringArray: ValueType {
        .simple("an array of strings", { v in
            guard let items = v.array else { return nil }
            let strings = items.compactMap(\.string)
            return strings.count == items.count ? strings : nil
        }, { "[" + $0.map(TOMLValue.quoted).joined(separator: ", ") + "]" })
    }
}

extension ValueType where T == Bool {
    static var boolean: ValueType {
        .simple("true or false", \.boolean, { $0 ? "true" : "false" })
    }
}

extension ValueType where T == Int {
    static func integer(atLeast minimum: Int) -> ValueType {
        .simple("an integer >= \(minimum)", { v in
            guard let i = v.integer, i >= Int64(minimum), let n = Int(exactly: i) else { return nil }
            return n
        }, { String($0) })
    }
}

extension ValueType where T == Double {
    /// Seconds: a finite number > 0, integer or float.
    static var seconds: ValueType {
        .simple("a number of seconds greater than 0", { v in
            v.number.flatMap { $0 > 0 && $0.isFinite ? $0 : nil }
        }, formatNumber)
    }

    static func number(above low: Double, below high: Double) -> ValueType {
        .simple("a number between \(formatNumber(low)) and \(formatNumber(high))", { v in
            v.number.flatMap { $0 > low && $0 < high ? $0 : nil }
        }, formatNumber)
    }

    /// Whole numbers without ".0" so `timeout = 1800` reads back as written.
    static func formatNumber(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return String(d)
    }
}

extension ValueType where T == [String: Double] {
    /// A table of names to numbers in (low, high), written `"name" = 0.03`.
    static func numberTable(above low: Double, below high: Double) -> ValueType {
        let entry = ValueType<Double>.number(above: low, below: high)
        return ValueType(decode: { value, path in
            guard let table = value.table else {
                throw ValueProblem(line: value.line, expected: "a table of benchmark names to numbers", got: value.tomlText)
            }
            var out: [String: Double] = [:]
            for name in table.keys {
                guard let item = table[name] else { continue }
                do {
                    out[name] = try entry.decode(item, path)
                } catch var problem as ValueProblem {
                    problem.path = path + "." + TOMLValue.key(name)
                    throw problem
                }
            }
            return out
        }, encode: { map in
            map.keys.sorted().map { TOMLValue.quoted($0) + " = " + ValueType<Double>.formatNumber(map[$0] ?? 0) }
        }, isTable: true)
    }
}

extension ValueType where T == ProfileConfig.Loops {
    static var profileLoops: ValueType {
        .simple("an integer >= 1 or \"auto\"", { v in
            if v.string == "auto" { return .auto }
            guard let i = v.integer, i >= 1, let n = Int(exactly: i) else { return nil }
            return .count(n)
        }, { $0 == .auto ? "\"auto\"" : $0.argument })
    }
}

extension ValueType where T: RawRepresentable & CaseIterable, T.RawValue == String {
    /// One of an enum's raw values; the message lists them all.
    static func choice(_: T.Type) -> ValueType {
        .simple("one of " + T.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", "),
                { v in v.string.flatMap(T.init(rawValue:)) }, { TOMLValue.quoted($0.rawValue) })
    }
}

extension ValueType {
    /// The same check, for a key that may be left out.
    static func optional<Wrapped>(_ inner: ValueType<Wrapped>) -> ValueType<Wrapped?> where T == Wrapped? {
        ValueType<Wrapped?>(decode: { value, path in try inner.decode(value, path) },
                            encode: { $0.flatMap(inner.encode) }, isTable: inner.isTable)
    }
}
