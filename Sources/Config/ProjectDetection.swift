import Foundation
import Support

/// What `perfjournal init` can tell about a Python project from its files alone (no prompts, nothing run):
/// the package manager whose `run` the commands need, whether pytest-benchmark is a dependency, where the
/// benchmarks are, and the bench and test commands that follow.
public struct ProjectDetection: Sendable, Equatable {
    public enum PackageManager: String, Sendable, Equatable {
        case uv, poetry, pipenv, pip, none
    }

    /// `requires-python` from `[project]`, else `python` from `[tool.poetry.dependencies]`, as written (">=3.10", "^3.11").
    public var pythonVersion: String?
    public var packageManager: PackageManager
    /// Prefix that runs a command inside the project's environment: "uv run ", "poetry run ", "pipenv run " or "".
    public var runPrefix: String
    public var hasPytestBenchmark: Bool
    /// "benchmarks", "bench" or "tests/benchmarks", whichever exists first.
    public var benchmarkDirectory: String?
    /// nil when pytest-benchmark was not found: the user has to say how to benchmark.
    public var benchCommand: String?
    /// nil when there is no sign of a Python project at all.
    public var testCommand: String?
    /// What was detected and why, one line each, shown to the user.
    public var notes: [String]

    public init(pythonVersion: String? = nil, packageManager: PackageManager = .none, runPrefix: String = "",
                hasPytestBenchmark: Bool = false, benchmarkDirectory: String? = nil, benchCommand: String? = nil,
                testCommand: String? = nil, notes: [String] = []) {
        self.pythonVersion = pythonVersion
        self.packageManager = packageManager
        self.runPrefix = runPrefix
        self.hasPytestBenchmark = hasPytestBenchmark
        self.benchmarkDirectory = benchmarkDirectory
        self.benchCommand = benchCommand
        self.testCommand = testCommand
        self.notes = notes
    }

    /// Candidate benchmark directories, most common first.
    public static let benchmarkDirectories = ["benchmarks", "bench", "tests/benchmarks"]

    /// Reads `root`'s pyproject.toml, lock files, requirements*.txt and Pipfile. Throws `.config` naming
    /// the file and line when pyproject.toml or Pipfile is not valid TOML.
    public static func detect(root: String) throws -> ProjectDetection {
        let files = ProjectFiles(root: root)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw PerfJournalError(.config, file: root, "not a directory")
        }
        let pyproject = try files.toml("pyproject.toml")
        let pipfile = try files.toml("Pipfile")
        let requirements = files.requirementsFiles()
        var d = ProjectDetection()

        // Python version.
        if let v = pyproject?.value(at: ["project", "requires-python"])?.string {
            d.pythonVersion = v
            d.notes.append("Python \(v): requires-python in [project] of pyproject.toml")
        } else if let python = pyproject?.value(at: ["tool", "poetry", "dependencies", "python"]),
                  let v = python.string ?? python.table?["version"]?.string {
            d.pythonVersion = v
            d.notes.append("Python \(v): python in [tool.poetry.dependencies] of pyproject.toml")
        }

        // Package manager: a lock file is the strongest sign, then the tool's own config.
        let manager: (PackageManager, String)?
        if files.exists("uv.lock") {
            manager = (.uv, "uv.lock found")
        } else if files.exists("poetry.lock") {
            manager = (.poetry, "poetry.lock found")
        } else if files.exists("Pipfile.lock") {
            manager = (.pipenv, "Pipfile.lock found")
        } else if let first = requirements.first {
            manager = (.pip, "\(first) found")
        } else if pyproject?.value(at: ["tool", "poetry"]) != nil {
            manager = (.poetry, "no lock file, but pyproject.toml has [tool.poetry]")
        } else if pipfile != nil {
            manager = (.pipenv, "no lock file, but a Pipfile")
        } else if pyproject?.value(at: ["tool", "uv"]) != nil {
            manager = (.uv, "no lock file, but pyproject.toml has [tool.uv]")
        } else {
            manager = nil
        }
        if let manager {
            let (m, why) = manager
            d.packageManager = m
            d.runPrefix = m == .pip ? "" : m.rawValue + " run "
            d.notes.append("package manager \(m.rawValue): \(why)" + (d.runPrefix.isEmpty ? "" : "; commands start with `\(d.runPrefix)`"))
        } else {
            d.notes.append("no package manager found (no uv.lock, poetry.lock, Pipfile.lock or requirements*.txt); commands run in the current environment")
        }

        // pytest-benchmark.
        var places: [String] = []
        if let pyproject { places += dependencyPlaces(in: pyproject).filter { $0.names.contains(pytestBenchmark) }.map(\.place) }
        if let pipfile {
            for section in ["packages", "dev-packages"] where pipfile[section]?.table?.keys.map(normalize).contains(pytestBenchmark) == true {
                places.append("[\(section)] of Pipfile")
            }
        }
        for file in requirements where files.requirementNames(file).contains(pytestBenchmark) {
            places.append(file)
        }
        d.hasPytestBenchmark = !places.isEmpty
        if let first = places.first {
            d.notes.append("pytest-benchmark is a dependency (\(first))")
        }

        // Benchmark directory.
        d.benchmarkDirectory = benchmarkDirectories.first { files.isDirectory($0) }
        if let dir = d.benchmarkDirectory {
            d.notes.append("benchmarks in \(dir)/")
        }

        // Commands.
        let isPythonProject = pyproject != nil || pipfile != nil || !requirements.isEmpty
            || files.exists("setup.py") || files.exists("setup.cfg")
        if d.hasPytestBenchmark {
            let target = d.benchmarkDirectory.map { $0 + " " } ?? ""
            d.benchCommand = "\(d.runPrefix)pytest \(target)--benchmark-only --benchmark-json=\(BenchConfig.defaultResults)"
            d.testCommand = "\(d.runPrefix)pytest -q --benchmark-disable"
        } else if isPythonProject {
            d.testCommand = "\(d.runPrefix)pytest -q"
            d.notes.append("pytest-benchmark is not a dependency: add it, or set bench.command to your own benchmark command")
        } else {
            d.notes.append("no Python project found (no pyproject.toml, setup.py, setup.cfg, Pipfile or requirements*.txt): set bench.command yourself")
        }
        return d
    }

    static let pytestBenchmark = "pytest-benchmark"

    /// Every list of dependencies in a pyproject.toml, with where it is, for the notes.
    static func dependencyPlaces(in pyproject: TOMLTable) -> [(place: String, names: [String])] {
        var out: [(String, [String])] = []
        func specs(_ value: TOMLValue?) -> [String] {
            // Strings are PEP 508 requirements; tables ({include-group = "x"}) name no package.
            (value?.array ?? []).compactMap(\.string).map(requirementName)
        }
        func each(_ path: [String], _ body: (String, TOMLValue) -> Void) {
            guard let table = pyproject.value(at: path)?.table else { return }
            for key in table.keys { if let v = table[key] { body(key, v) } }
        }
        out.append(("[project].dependencies", specs(pyproject.value(at: ["project", "dependencies"]))))
        each(["project", "optional-dependencies"]) { name, v in out.append(("[project.optional-dependencies].\(name)", specs(v))) }
        each(["dependency-groups"]) { name, v in out.append(("[dependency-groups].\(name)", specs(v))) }
        out.append(("[tool.uv].dev-dependencies", specs(pyproject.value(at: ["tool", "uv", "dev-dependencies"]))))
        for section in ["dependencies", "dev-dependencies"] {
            let keys = pyproject.value(at: ["tool", "poetry", section])?.table?.keys ?? []
            out.append(("[tool.poetry.\(section)]", keys.map(normalize)))
        }
        each(["tool", "poetry", "group"]) { group, v in
            let keys = v.table?["dependencies"]?.table?.keys ?? []
            out.append(("[tool.poetry.group.\(group).dependencies]", keys.map(normalize)))
        }
        return out.filter { !$0.1.isEmpty }
    }

    /// The normalized project name at the start of a requirement ("pytest_benchmark[histogram]>=4" → "pytest-benchmark").
    static func requirementName(_ spec: String) -> String {
        let trimmed = spec.drop { $0 == " " || $0 == "\t" }
        return normalize(String(trimmed.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }))
    }

    /// PEP 503: lowercase, runs of "-", "_" and "." become one "-".
    static func normalize(_ name: String) -> String {
        var out = ""
        var lastWasSeparator = false
        for c in name.lowercased() {
            if "-_.".contains(c) {
                if !lastWasSeparator { out.append("-") }
                lastWasSeparator = true
            } else {
                out.append(c)
                lastWasSeparator = false
            }
        }
        return out
    }
}

/// Reads files relative to the project root.
private struct ProjectFiles {
    let root: String

    func path(_ relative: String) -> String {
        root.hasSuffix("/") ? root + relative : root + "/" + relative
    }

    func exists(_ relative: String) -> Bool {
        FileManager.default.fileExists(atPath: path(relative))
    }

    func isDirectory(_ relative: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path(relative), isDirectory: &isDirectory) && isDirectory.boolValue
    }

    func toml(_ relative: String) throws -> TOMLTable? {
        guard exists(relative), !isDirectory(relative) else { return nil }
        let file = path(relative)
        return try TOML.parse(bytes: Config.readBytes(file), file: file)
    }

    /// `requirements*.txt` at the root and `*.txt` in `requirements/`, sorted so notes are stable.
    func requirementsFiles() -> [String] {
        let fm = FileManager.default
        let top = ((try? fm.contentsOfDirectory(atPath: root)) ?? [])
            .filter { $0.hasPrefix("requirements") && $0.hasSuffix(".txt") && !isDirectory($0) }
        let nested = ((try? fm.contentsOfDirectory(atPath: path("requirements"))) ?? [])
            .filter { $0.hasSuffix(".txt") }.map { "requirements/" + $0 }
        return top.sorted() + nested.sorted()
    }

    /// Normalized names required by a requirements file; options (-r, -e, --hash) and comments are skipped.
    func requirementNames(_ relative: String) -> [String] {
        guard let data = FileManager.default.contents(atPath: path(relative)) else { return [] }
        return String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).compactMap { line in
            let text = line.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty, !text.hasPrefix("#"), !text.hasPrefix("-") else { return nil }
            let name = ProjectDetection.requirementName(text)
            return name.isEmpty ? nil : name
        }
    }
}
