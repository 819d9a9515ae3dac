// swift-format-ignore-file
import Foundation
import Results
import Support

/// perfjournal's configuration: `.perfjournal.toml` at the repository root, or the `[tool.perfjournal]`
/// table of `pyproject.toml` (same keys under that prefix). When both exist `.perfjournal.toml` wins and
/// `pyproject.toml` is not read at all. The keys, their defaults and their checks are listed once, in
/// `ConfigSchema.keys`.
public struct Config: Sendable, Equatable {
    public var bench: BenchConfig
    /// `nil` when the config has no `[test]` table.
    public var test: TestConfig?
    public var watch: WatchConfig
    public var stats: StatsConfig
    public var rules: RulesConfig
    public var log: LogConfig
    public var daemon: DaemonConfig
    public var profile: ProfileConfig
    public var source: ConfigSource
    /// Hex SHA-256 of a canonical rendering of perfjournal's own table (keys sorted, values typed), so
    /// `perfjournal trust` approves exactly what will run: comments, formatting and the rest of
    /// `pyproject.toml` do not change it; any change of a key or value does.
    public var contentHash: String
    /// How the file was written: not part of what the config means (`contentHash` is), so two configs
    /// with the same keys and values are equal however they were laid out.
    public var written = Written()

    /// The line each key was written on (dotted path without the `tool.perfjournal.` prefix), so that a
    /// problem found after parsing (a path leading out of the repository) can still name its line.
    public var keyLines: [String: Int] {
        get { written.keyLines }
        set { written.keyLines = newValue }
    }

    /// Every value the config sets, by dotted key (sub-tables flattened), as TOML text: what `trust`
    /// records so that `trust --show` can say what changed since.
    public var settings: [String: String] {
        get { written.settings }
        set { written.settings = newValue }
    }

    public struct Written: Sendable, Equatable {
        public var keyLines: [String: Int] = [:]
        public var settings: [String: String] = [:]

        public init() {}

        /// Always equal: layout is not meaning.
        public static func == (_: Written, _: Written) -> Bool { true }
    }

    public init(
        bench: BenchConfig, test: TestConfig? = nil, watch: WatchConfig = .init(), stats: StatsConfig = .init(),
        rules: RulesConfig = .init(), log: LogConfig = .init(), daemon: DaemonConfig = .init(),
        profile: ProfileConfig = .init(), source: ConfigSource = .init(path: Config.fileName, isPyproject: false), contentHash: String = ""
    ) {
        self.bench = bench
        self.test = test
        self.watch = watch
        self.stats = stats
        self.rules = rules
        self.log = log
        self.daemon = daemon
        self.profile = profile
        self.source = source
        self.contentHash = contentHash
    }

    public static let fileName = ".perfjournal.toml"
    public static let pyprojectFileName = "pyproject.toml"
    /// Where perfjournal's keys live inside `pyproject.toml`.
    public static let pyprojectTable = ["tool", "perfjournal"]

    /// The keys whose values perfjournal executes, in the order `trust` shows them. Only these run code
    /// the repository chose; `perfjournal trust` approves them (with the rest of the config).
    public static let commandKeys = ["bench.command", "test.command", "rules.api_command"]

    /// The value of each command-bearing key that is set.
    public var commands: [String: String] {
        var out: [String: String] = ["bench.command": bench.command]
        if let test { out["test.command"] = test.command }
        if let api = rules.apiCommand { out["rules.api_command"] = api }
        return out
    }

    /// "'log.path' (line 12)": a key as the user wrote it, for messages.
    public func describeKey(_ key: String) -> String {
        let name = (source.isPyproject ? "tool.perfjournal." : "") + key
        return keyLines[key].map { "line \($0): '\(name)'" } ?? "'\(name)'"
    }

    /// The schema writes test keys through this so that a `[test]` table with only some keys still builds one.
    var testOrEmpty: TestConfig {
        get { test ?? TestConfig(command: "") }
        set { test = newValue }
    }
}

/// Where a config was read from.
public struct ConfigSource: Sendable, Equatable {
    public var path: String
    /// True when the keys came from `[tool.perfjournal]` in `pyproject.toml`.
    public var isPyproject: Bool

    public init(path: String, isPyproject: Bool) {
        self.path = path
        self.isPyproject = isPyproject
    }
}

public struct BenchConfig: Sendable, Equatable {
    /// Shell command that runs the benchmarks and writes `results`.
    public var command: String
    /// `nil`: detect the format from the result file.
    public var format: ResultFormat?
    /// The result file, relative to the checkout the command runs in.
    public var results: String
    /// Seconds before the command is killed.
    public var timeout: Double
    /// Globs matching the benchmark definitions; changing them needs a new baseline.
    public var files: [String]

    /// Where the result file goes unless the config says otherwise.
    public static let defaultResults = ".perfjournal-results.json"

    public init(command: String, format: ResultFormat? = nil, results: String = BenchConfig.defaultResults,
                timeout: Double = 1800, files: [String] = ["benchmarks/**"]) {
        self.command = command
        self.format = format
        self.results = results
        self.timeout = timeout
        self.files = files
    }
}

public struct TestConfig: Sendable, Equatable {
    public var command: String
    public var timeout: Double

    public init(command: String, timeout: Double = 1800) {
        self.command = command
        self.timeout = timeout
    }
}

public struct WatchConfig: Sendable, Equatable {
    /// Branches the daemon watches.
    public var branches: [String]

    public init(branches: [String] = ["main"]) {
        self.branches = branches
    }
}

public struct StatsConfig: Sendable, Equatable {
    /// Significance level of the comparison test; 0 < alpha < 0.5.
    public var alpha: Double
    /// Smallest relative change worth reporting (0.01 = 1%); 0 < x < 1.
    public var minEffect: Double
    /// How many times an inconclusive comparison may rerun the benchmarks.
    public var maxReruns: Int
    /// Time budget for those reruns, in seconds.
    public var maxSeconds: Double
    /// `minEffect` overrides for noisy or very stable benchmarks, by benchmark name.
    public var minEffectByBenchmark: [String: Double]
    /// Runs `calibrate` makes by default.
    public var calibrationRuns: Int
    /// Whether runs are judged for disturbance (other work on the machine while they ran).
    public var detectDisturbance: Bool

    public init(alpha: Double = 0.05, minEffect: Double = 0.01, maxReruns: Int = 5, maxSeconds: Double = 900,
                minEffectByBenchmark: [String: Double] = [:], calibrationRuns: Int = 10, detectDisturbance: Bool = true) {
        self.alpha = alpha
        self.minEffect = minEffect
        self.maxReruns = maxReruns
        self.maxSeconds = maxSeconds
        self.minEffectByBenchmark = minEffectByBenchmark
        self.calibrationRuns = calibrationRuns
        self.detectDisturbance = detectDisturbance
    }

    /// The smallest effect that counts for `benchmark`.
    public func minEffect(for benchmark: String) -> Double {
        minEffectByBenchmark[benchmark] ?? minEffect
    }
}

public struct RulesConfig: Sendable, Equatable {
    public enum Mode: String, Sendable, Equatable, CaseIterable {
        /// Only commits marked `perf:` or carrying a `Perf-Change` trailer are held to the rules.
        case perf
        /// Every commit is.
        case all
    }

    /// Tests, benchmarks, docs and CI: files that accompany any change.
    public static let defaultIgnore = [
        "tests/**", "test/**", "**/test_*.py", "**/*_test.go", "benchmarks/**", "bench/**", "docs/**", "*.md", "**/*.md",
        ".github/**", ".gitlab-ci.yml", ".ci/**", "PERFORMANCE.md",
    ]

    public var mode: Mode
    /// Globs of files that do not count against the one-change limits.
    public var ignore: [String]
    public var maxFiles: Int
    public var maxSymbols: Int
    public var maxModules: Int
    /// Optional command that prints the public API, to detect API changes.
    public var apiCommand: String?
    public var changelog: String
    /// Rule `hot-path`: an optimization whose changed functions each take less than `hotThreshold` of
    /// every benchmark's cumulative time (in the parent's profile) optimizes cold code.
    public var hotThreshold: Double
    public var hotPath: HotPathMode

    public enum HotPathMode: String, Sendable, Equatable, CaseIterable {
        /// Reported; `check` still passes.
        case warn
        /// Fails `check`.
        case fail
        case off
    }

    /// `check` fails a commit with no run yet instead of leaving its rules unknown (CI).
    public var requireRuns: Bool

    public init(mode: Mode = .perf, ignore: [String] = RulesConfig.defaultIgnore,
                maxFiles: Int = 4, maxSymbols: Int = 6, maxModules: Int = 1, apiCommand: String? = nil,
                changelog: String = "CHANGELOG.md", hotThreshold: Double = 0.01, hotPath: HotPathMode = .warn,
                requireRuns: Bool = false) {
        self.requireRuns = requireRuns
        self.hotThreshold = hotThreshold
        self.hotPath = hotPath
        self.mode = mode
        self.ignore = ignore
        self.maxFiles = maxFiles
        self.maxSymbols = maxSymbols
        self.maxModules = maxModules
        self.apiCommand = apiCommand
        self.changelog = changelog
    }
}

public struct LogConfig: Sendable, Equatable {
    public var path: String
    /// Write the performance log without being asked.
    public var autoWrite: Bool

    public init(path: String = "PERFORMANCE.md", autoWrite: Bool = false) {
        self.path = path
        self.autoWrite = autoWrite
    }
}

/// `[profile]`: the cProfile capture that comes with every pytest-benchmark run.
public struct ProfileConfig: Sendable, Equatable {
    /// How many calls pytest-benchmark's profiled pass makes: a number, or "auto" (one timed round's worth).
    public enum Loops: Sendable, Equatable {
        case auto
        case count(Int)
        /// The value of `--benchmark-cprofile-loops`.
        public var argument: String {
            switch self {
            case .auto: return "auto"
            case .count(let n): return String(n)
            }
        }
    }

    public enum Memory: String, Sendable, Equatable, CaseIterable {
        case tracemalloc, memray, off
    }

    public var enabled: Bool
    public var loops: Loops
    public var memory: Memory

    public init(enabled: Bool = true, loops: Loops = .auto, memory: Memory = .tracemalloc) {
        self.enabled = enabled
        self.loops = loops
        self.memory = memory
    }
}

public struct DaemonConfig: Sendable, Equatable {
    public var autostart: Bool

    public init(autostart: Bool = true) {
        self.autostart = autostart
    }
}

public extension Config {
    /// Loads `<root>/.perfjournal.toml`, else `[tool.perfjournal]` in `<root>/pyproject.toml`.
    /// Throws `.config` "no perfjournal config (run `perfjournal init`)" naming the root when neither has one.
    static func load(repositoryRoot: String) throws -> Config {
        let own = joinPath(repositoryRoot, fileName)
        if FileManager.default.fileExists(atPath: own) {
            let config = try parse(table: TOML.parse(bytes: readBytes(own), file: own), path: own, isPyproject: false)
            try config.checkPaths(root: repositoryRoot)
            return config
        }
        let pyproject = joinPath(repositoryRoot, pyprojectFileName)
        if FileManager.default.fileExists(atPath: pyproject) {
            let document = try TOML.parse(bytes: readBytes(pyproject), file: pyproject)
            if document.value(at: pyprojectTable) != nil {
                let config = try parse(table: document, path: pyproject, isPyproject: true)
                try config.checkPaths(root: repositoryRoot)
                return config
            }
        }
        throw PerfJournalError(.config, file: repositoryRoot,
                               "no perfjournal config: no \(fileName) and no [tool.perfjournal] in \(pyprojectFileName) (run `perfjournal init`)")
    }

    static func parse(text: String, path: String, isPyproject: Bool) throws -> Config {
        try parse(table: TOML.parse(text, file: path), path: path, isPyproject: isPyproject)
    }

    /// The TOML text `init` writes to `.perfjournal.toml` (stable key order, comments explaining each key,
    /// round-trips through `parse`).
    func tomlText() -> String {
        ConfigSchema.tomlText(self)
    }
}

extension Config {
    /// Every path the config names stays inside the work tree at `root`: `log.path` (written by `log
    /// --write` and `log.auto_write`), `bench.results` and `bench.files` (relative to a checkout; the
    /// result file is checked again inside the run's worktree). An absolute path, a `..` that climbs
    /// out, or a symlinked directory leading out is a config error naming the key and its line.
    func checkPaths(root: String) throws {
        if let problem = ContainedPath.symlinkProblem(log.path, under: root) {
            throw pathError("log.path", log.path, problem)
        }
        if let problem = ContainedPath.lexicalProblem(bench.results) {
            throw pathError("bench.results", bench.results, problem)
        }
        for glob in bench.files {
            if let problem = ContainedPath.lexicalProblem(glob) { throw pathError("bench.files", glob, problem) }
        }
    }

    /// The config error for a path key whose value leads out of the directory it must stay in.
    package func pathError(_ key: String, _ value: String, _ problem: String) -> PerfJournalError {
        PerfJournalError(.config, file: source.path, "\(describeKey(key)) = \(TOMLValue.quoted(value)) \(problem); it must stay inside the repository")
    }

    static func parse(table document: TOMLTable, path: String, isPyproject: Bool) throws -> Config {
        let table: TOMLTable
        if isPyproject {
            guard let value = document.value(at: pyprojectTable) else {
                throw PerfJournalError(.config, file: path, "no [tool.perfjournal] table")
            }
            guard let t = value.table else {
                throw PerfJournalError(.config, file: path, "line \(value.line): 'tool.perfjournal' must be a table, got \(value.tomlText)")
            }
            table = t
        } else {
            table = document
        }
        var config = try ConfigSchema.decode(table, file: path, keyPrefix: isPyproject ? "tool.perfjournal." : "")
        config.source = ConfigSource(path: path, isPyproject: isPyproject)
        config.contentHash = SHA256.hex(Array(canonicalText(.table(table)).utf8))
        config.settings = flatten(table)
        return config
    }

    /// Dotted key -> TOML text of every leaf value; the config's own keys stay unquoted ("bench.command").
    public static func flatten(_ table: TOMLTable, prefix: String = "") -> [String: String] {
        var out: [String: String] = [:]
        for key in table.keys {
            guard let value = table[key] else { continue }
            let name = prefix + TOMLValue.key(key)
            if let sub = value.table {
                out.merge(flatten(sub, prefix: name + ".")) { _, new in new }
            } else {
                out[name] = value.tomlText
            }
        }
        return out
    }

    /// An unambiguous rendering of a value without comments, layout or key order, for `contentHash`.
    static func canonicalText(_ content: TOMLValue.Content) -> String {
        switch content {
        case .string(let s): return "s" + TOMLValue.quoted(s)
        case .integer(let i): return "i" + String(i)
        case .float(let d): return "f" + (d.isNaN ? "nan" : String(d))
        case .boolean(let b): return b ? "true" : "false"
        case .dateTime(let s): return "d" + TOMLValue.quoted(s)
        case .array(let items): return "[" + items.map { canonicalText($0.content) }.joined(separator: ",") + "]"
        case .table(let t):
            let items = t.keys.sorted().compactMap { k in t[k].map { TOMLValue.quoted(k) + "=" + canonicalText($0.content) } }
            return "{" + items.joined(separator: ",") + "}"
        }
    }

    private static func joinPath(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    static func readBytes(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PerfJournalError(.config, file: path, "cannot read the file")
        }
        return [UInt8](data)
    }
}
