import Foundation
import Testing
@testable import Config
@testable import Support

@Suite struct ProjectDetectionTests {
    @Test func uvProjectWithDependencyGroup() throws {
        let dir = try ConfigTestDirectory()
        try dir.write("uv.lock", "version = 1\n")
        try dir.write("pyproject.toml", """
        [project]
        name = "fastparse"
        requires-python = ">=3.10"
        dependencies = ["attrs>=23"]

        [dependency-groups]
        lint = ["ruff"]
        dev = [
            {include-group = "lint"},
            "pytest>=8",
            "pytest-benchmark>=4.0",  # timing
        ]
        """)
        try dir.makeDirectory("benchmarks")
        let d = try ProjectDetection.detect(root: dir.path)
        #expect(d.pythonVersion == ">=3.10")
        #expect(d.packageManager == .uv && d.runPrefix == "uv run ")
        #expect(d.hasPytestBenchmark && d.benchmarkDirectory == "benchmarks")
        #expect(d.benchCommand == "uv run pytest benchmarks --benchmark-only --benchmark-json=.perfjournal-results.json")
        #expect(d.testCommand == "uv run pytest -q --benchmark-disable")
        #expect(d.notes == [
            "Python >=3.10: requires-python in [project] of pyproject.toml",
            "package manager uv: uv.lock found; commands start with `uv run `",
            "pytest-benchmark is a dependency ([dependency-groups].dev)",
            "benchmarks in benchmarks/",
        ])
    }

    @Test func poetryProjectWithGroupDependencies() throws {
        let dir = try ConfigTestDirectory()
        try dir.write("poetry.lock", "")
        try dir.write("pyproject.toml", """
        [tool.poetry]
        name = "x"
        [tool.poetry.dependencies]
        python = "^3.11"
        requests = "^2.31"
        [tool.poetry.group.bench.dependencies]
        Pytest_Benchmark = { version = "^4.0", extras = ["histogram"] }
        """)
        try dir.makeDirectory("bench")
        let d = try ProjectDetection.detect(root: dir.path)
        #expect(d.pythonVersion == "^3.11")
        #expect(d.packageManager == .poetry && d.runPrefix == "poetry run ")
        #expect(d.hasPytestBenchmark)
        #expect(d.benchCommand == "poetry run pytest bench --benchmark-only --benchmark-json=.perfjournal-results.json")
        #expect(d.notes.contains("pytest-benchmark is a dependency ([tool.poetry.group.bench.dependencies])"))
        #expect(d.notes.contains("Python ^3.11: python in [tool.poetry.dependencies] of pyproject.toml"))
    }

    @Test func poetryWithoutLockAndOldDevDependencies() throws {
        let dir = try ConfigTestDirectory()
        try dir.write("pyproject.toml", """
        [tool.poetry.dependencies]
        python = { version = ">=3.9,<4" }
        [tool.poetry.dev-dependencies]
        pytest-benchmark = "*"
        """)
        let d = try ProjectDetection.detect(root: dir.path)
        #expect(d.packageManager == .poetry && d.pythonVersion == ">=3.9,<4")
        #expect(d.notes.contains("package manager poetry: no lock file, but pyproject.toml has [tool.poetry]; commands start with `poetry run `"))
        #expect(d.benchCommand == "poetry run pytest --benchmark-only --benchmark-json=.perfjournal-results.json")
    }

    @Test func pipenvProjectWithPipfile() throws {
        let dir = try ConfigTestDirectory()
        try dir.write("Pipfile.lock", "{}")
        try dir.write("Pipfile", """
        [[source]]
        url = "https://pypi.org/simple"
        verify_ssl = true
        name = "pypi"

        [packages]
        requests = "*"

        [dev-packages]
        "pytest-benchmark" = "*"
        """)
        try dir.makeDirectory("tests/benchmarks")
        let d = try ProjectDetection.detect(root: dir.path)
        #expect(d.packageManager == .pipenv && d.runPrefix == "pipenv run ")
        #expect(d.hasPytestBenchmark && d.benchmarkDirectory == "tests/benchmarks")
        #expect(d.benchCommand == "pipenv run pytest tests/benchmarks --benchmark-only --benchmark-json=.perfjournal-results.json")
        #expect(d.pythonVersion == nil)
    }

    @Test func pipProjectWithRequirementsFiles() throws {
        let dir = try ConfigTestDirectory()
        try dir.write("requirements.txt", "numpy>=1.26\n")
        try dir.write("requirements-dev.txt", """
        -r requirements.txt
        # test tools
        pytest==8.2  # runner
        Pytest.Benchmark[histogram] >= 4.0 ; python_version > "3.8"
        """)
        let d = try ProjectDetection.detect(root: dir.path)
        #expect(d.packageManager == .pip && d.runPrefix == "")
        #expect(d.hasPytestBenchmark && d.benchmarkDirectory == nil)
        #expect(d.benchCommand == "pytest --benchmark-only --benchmark-json=.perfjournal-results.json")
        #expect(d.testCommand == "pytest -q --benchmark-disable")
        #expect(d.notes.contains("package manager pip: requirements-dev.txt found"))
        #expect(d.notes.contains("pytest-benchmark is a dependency (requirements-dev.txt)"))
    }

    @Test func requirementsDirectoryCounts() throws {
        let dir = try ConfigTestDirectory()
        try dir.write("requirements/test.txt", "pytest-benchmark\n")
        let d = try ProjectDetection.detect(root: dir.path)
        #expect(d.packageManager == .pip)
        #expect(d.notes.contains("pytest-benchmark is a dependency (requirements/test.txt)"))
    }

    @Test func noManagerButOptionalDependency() throws {
        let dir = try ConfigTestDirectory()
        try dir.write("pyproject.toml", """
        [project]
        name = "x"
        requires-python = ">=3.12"
        [project.optional-dependencies]
        test = ["pytest"]
        bench = ["pytest-benchmark"]
        """)
        let d = try ProjectDetection.detect(root: dir.path)
        #expect(d.packageManager == .none && d.runPrefix == "")
        #expect(d.hasPytestBenchmark)
        #expect(d.benchCommand == "pytest --benchmark-only --benchmark-json=.perfjournal-results.json")
        #expect(d.notes.contains("pytest-benchmark is a dependency ([project.optional-dependencies].bench)"))
    }

    @Test func pythonProjectWithoutPytestBenchmark() throws {
        let dir = try ConfigTestDirectory()
        try dir.write("uv.lock", "")
        try dir.write("pyproject.toml", "[project]\nname = \"x\"\ndependencies = [\"pytest-benchmarks-not-this\", \"pytest\"]\n")
        try dir.makeDirectory("benchmarks")
        let d = try ProjectDetection.detect(root: dir.path)
        #expect(!d.hasPytestBenchmark)
        #expect(d.benchCommand == nil)
        #expect(d.testCommand == "uv run pytest -q")
        #expect(d.notes.last == "pytest-benchmark is not a dependency: add it, or set bench.command to your own benchmark command")
    }

    @Test func emptyDirectoryIsNoPythonProject() throws {
        let dir = try ConfigTestDirectory()
        let d = try ProjectDetection.detect(root: dir.path)
        #expect(d == ProjectDetection(notes: [
            "no package manager found (no uv.lock, poetry.lock, Pipfile.lock or requirements*.txt); commands run in the current environment",
            "no Python project found (no pyproject.toml, setup.py, setup.cfg, Pipfile or requirements*.txt): set bench.command yourself",
        ]))
    }

    @Test func malformedPyprojectNamesFileAndLine() throws {
        let dir = try ConfigTestDirectory()
        try dir.write("pyproject.toml", "[project]\nname = \"x\"\ndependencies = [\"pytest-benchmark\"\n\n[tool.black]\n")
        #expect(throws: PerfJournalError(.config, file: dir.path + "/pyproject.toml",
                                         "line 5: expected ',' or ']' in array, found '['")) {
            try ProjectDetection.detect(root: dir.path)
        }
        try dir.write("pyproject.toml", "[project]\nname = \"x\"\nname = \"y\"\n")
        #expect(throws: PerfJournalError(.config, file: dir.path + "/pyproject.toml",
                                         "line 3: duplicate key 'name' (first defined on line 2)")) {
            try ProjectDetection.detect(root: dir.path)
        }
    }

    @Test func missingRootIsAnError() {
        #expect(throws: PerfJournalError(.config, file: "/nonexistent/perfjournal-root", "not a directory")) {
            try ProjectDetection.detect(root: "/nonexistent/perfjournal-root")
        }
    }

    @Test(arguments: [
        ("pytest-benchmark", "pytest-benchmark"),
        ("  Pytest_Benchmark[histogram]>=4", "pytest-benchmark"),
        ("pytest..benchmark ; python_version>'3'", "pytest-benchmark"),
        ("pytest-benchmark@ https://example.com/x.whl", "pytest-benchmark"),
        ("pytest", "pytest"),
    ])
    func requirementNamesAreNormalized(spec: String, name: String) {
        #expect(ProjectDetection.requirementName(spec) == name)
    }
}
