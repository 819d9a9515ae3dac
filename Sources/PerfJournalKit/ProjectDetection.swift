import Config
import Foundation
import Journal
import Support

/// What `perfjournal init` learns about a Python project. The reading is done by the embedded
/// `Helpers/detect_project.py`, run with the project's `python3`: it reads pyproject.toml, setup.cfg,
/// setup.py (through `ast`, never executed), requirements files, tox, nox, Makefile/Justfile targets and the
/// pytest config, and finds the tests that take the `benchmark` fixture wherever they are.
public struct ProjectDetection: Sendable, Equatable {
    /// A flag of the project's own config or command that was taken out or countered, and why.
    public struct Override: Sendable, Equatable, Decodable {
        public var option: String
        public var `where`: String
        public var why: String
        public var how: String
    }

    public var pythonRequires: String?
    public var packageManager: String
    /// The proposed commands; `benchCommand` is nil when no benchmark was found.
    public var benchCommand: String?
    /// `benchCommand` without `--benchmark-json`: what the collection pass runs.
    public var collectCommand: String?
    public var testCommand: String?
    /// Where the command came from ("tox env bench (tox.ini): pytest …", "the benchmark files found").
    public var commandSource: String?
    /// The bench.files globs: the directories (or files) the benchmarks are in.
    public var benchFiles: [String]
    /// Test functions taking the benchmark fixture, by file, as `ast` found them (before parametrization).
    public var benchmarkFiles: [String: [String]]
    public var overridden: [Override]
    public var hasPytestBenchmark: Bool
    public var isPythonProject: Bool
    /// What was found and why, one line each, and what the user should know.
    public var notes: [String]
    public var warnings: [String]

    /// Runs the helper with `python` (default `python3` on PATH) on `root`. `results` is the file the
    /// benchmark command is to write, relative to the checkout.
    public static func detect(root: String, results: String, python: String = "python3", scratch: Scratch) throws -> ProjectDetection {
        let script = try scratch.write(helper: "detect_project.py")
        let out = scratch.path("detect.json"), log = scratch.path("detect.log")
        let command =
            "\(CommandRunner.shellQuote(python)) \(CommandRunner.shellQuote(script)) \(CommandRunner.shellQuote(root)) --results \(CommandRunner.shellQuote(results))"
        let outcome = try CommandRunner.run(command, in: root, logPath: log, timeout: 300, stdoutPath: out)
        if outcome.exitStatus == 127 {
            throw PerfJournalError(
                .config, file: root,
                "\(python) not found: init reads the project with it; put python3 on PATH, or pass --bench CMD --results PATH --format FORMAT --test CMD")
        }
        guard outcome.exitStatus == 0, let data = FileManager.default.contents(atPath: out) else {
            throw PerfJournalError(.config, file: log, "reading the project failed (\(python) exited with status \(outcome.exitStatus)): \(Scratch.tail(log))")
        }
        return try decode(data, file: log)
    }

    static func decode(_ data: Data, file: String) throws -> ProjectDetection {
        struct Raw: Decodable {
            struct Python: Decodable { var requires: String? }
            struct Manager: Decodable { var name: String }
            struct Declared: Decodable { var declared: Bool }
            struct Config: Decodable { var file: String? }
            struct Benchmarks: Decodable {
                struct File: Decodable { var path: String; var tests: [String] }
                var files: [File]
            }
            struct Command: Decodable {
                var bench: String?
                var collect: String?
                var test: String?
                var source: String?
                var overridden: [Override]
            }
            var python: Python
            var package_manager: Manager
            var pytest_benchmark: Declared
            var pytest_config: Config
            var benchmarks: Benchmarks
            var command: Command
            var bench_files: [String]
            var notes: [String]
            var warnings: [String]
            var is_python_project: Bool?
        }
        let raw: Raw
        do {
            raw = try JSONDecoder().decode(Raw.self, from: data)
        } catch {
            throw PerfJournalError(.config, file: file, "the project reader printed something unreadable: \(error)")
        }
        var files: [String: [String]] = [:]
        for f in raw.benchmarks.files { files[f.path] = f.tests }
        return ProjectDetection(
            pythonRequires: raw.python.requires, packageManager: raw.package_manager.name,
            benchCommand: raw.command.bench, collectCommand: raw.command.collect, testCommand: raw.command.test,
            commandSource: raw.command.source, benchFiles: raw.bench_files, benchmarkFiles: files,
            overridden: raw.command.overridden, hasPytestBenchmark: raw.pytest_benchmark.declared || !files.isEmpty,
            isPythonProject: raw.is_python_project ?? true, notes: raw.notes, warnings: raw.warnings)
    }
}

/// A private temporary directory for init's helper scripts and their output, removed when done.
public final class Scratch: @unchecked Sendable {
    public let directory: String

    public init() throws {
        directory = NSTemporaryDirectory() + "perfjournal-init-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    public func path(_ name: String) -> String { directory + "/" + name }

    /// Writes the embedded `Helpers/<name>` here and returns its path.
    public func write(helper name: String) throws -> String {
        guard let text = Resources.file("Helpers/\(name)") else {
            throw PerfJournalError(.config, file: "Helpers/\(name)", "helper missing from this build")
        }
        let target = path(name)
        try text.write(toFile: target, atomically: true, encoding: .utf8)
        return target
    }

    /// The last lines of a log, joined, for an error message.
    public static func tail(_ path: String, lines: Int = 3) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let kept = text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.suffix(lines)
        return kept.isEmpty ? "(no output)" : kept.joined(separator: " | ")
    }
}

/// The proof `init` makes before saving: the chosen command's collection pass, with a small pytest plugin
/// that tells which collected items take the benchmark fixture.
public struct CollectionProof: Sendable, Equatable {
    public struct Item: Sendable, Equatable, Decodable {
        public var nodeid: String
        public var file: String
        public var benchmark: Bool
    }

    public var exitStatus: Int32
    public var items: [Item]
    public var logTail: String

    public var benchmarks: [Item] { items.filter(\.benchmark) }
    public var benchmarkFileCount: Int { Set(benchmarks.map(\.file)).count }

    /// Runs `<command> -p perfjournal_collect --collect-only -q` in `root`.
    public static func run(_ command: String, in root: String, scratch: Scratch) throws -> CollectionProof {
        _ = try scratch.write(helper: "perfjournal_collect.py")
        let out = scratch.path("collect.json"), log = scratch.path("collect.log")
        try? FileManager.default.removeItem(atPath: out)
        var pythonPath = scratch.directory
        if let existing = ProcessInfo.processInfo.environment["PYTHONPATH"], !existing.isEmpty { pythonPath += ":" + existing }
        let outcome = try CommandRunner.run(
            "\(command) -p perfjournal_collect -p no:cacheprovider --collect-only -q", in: root, logPath: log, timeout: 600,
            // Collecting leaves the work tree as it was: no .pytest_cache, no __pycache__.
            environment: ["PYTHONPATH": pythonPath, "PERFJOURNAL_COLLECT_OUT": out, "PYTHONDONTWRITEBYTECODE": "1"])
        var items: [Item] = []
        if let data = FileManager.default.contents(atPath: out) {
            struct Raw: Decodable { var items: [Item] }
            items = (try? JSONDecoder().decode(Raw.self, from: data).items) ?? []
        }
        return CollectionProof(exitStatus: outcome.exitStatus, items: items, logTail: Scratch.tail(log, lines: 4))
    }
}
