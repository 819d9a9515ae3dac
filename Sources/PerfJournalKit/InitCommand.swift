import Config
import Foundation
import Git
import Journal
import Results
import Runner
import Store
import Support

import protocol Support.OutputStream

/// `perfjournal init`: understand the project, prove the benchmark command by collecting with it, write
/// `.perfjournal.toml`, install the hooks, and make notes follow amends and rebases. It never prompts, and
/// running it twice changes nothing.
public enum InitCommand {
    public struct Options: Sendable {
        public var bench: String?
        public var results: String?
        public var format: ResultFormat?
        public var test: String?
        public var installHooks = true
        /// Show the config that would be written, and write nothing (no config, hooks or git config).
        public var dryRun = false
        /// `module:function` targets for a starter benchmark file.
        public var scaffold: [String] = []
        /// Where the starter file goes (default `Scaffold.defaultPath`).
        public var scaffoldPath: String?
        /// Also write a CI workflow (`--ci github`), and where that workflow installs perfjournal from.
        public var ci: CIWorkflow.Provider?
        public var ciSource: String?

        public init(
            bench: String? = nil, results: String? = nil, format: ResultFormat? = nil, test: String? = nil,
            installHooks: Bool = true, dryRun: Bool = false, scaffold: [String] = [], scaffoldPath: String? = nil
        ) {
            self.bench = bench
            self.results = results
            self.format = format
            self.test = test
            self.installHooks = installHooks
            self.dryRun = dryRun
            self.scaffold = scaffold
            self.scaffoldPath = scaffoldPath
        }

        /// With every choice given there is nothing to detect.
        var choosesEverything: Bool { bench != nil && results != nil && format != nil && test != nil }
    }

    /// `executable` is the path the hooks call back (this binary).
    public static func run(at path: String, options: Options, executable: String, output: OutputStream) throws {
        let workspace = try Workspace.open(at: path)
        let configPath = workspace.root + "/" + Config.fileName
        if !options.dryRun { AutostartMarker.clear(workspace) }

        if !options.scaffold.isEmpty {
            let written = try Scaffold.write(
                targets: options.scaffold, root: workspace.root, path: options.scaffoldPath, dryRun: options.dryRun)
            if options.dryRun {
                output.line("scaffold: would write \(written.path) (dry run):")
                output.write(written.text)
            } else {
                output.line("scaffold: wrote \(written.path), a starting point: give each benchmark real inputs")
            }
        }

        let existing = try existingConfig(workspace)
        var config: Config
        if let existing {
            config = existing
        } else if options.choosesEverything {
            config = Config(bench: BenchConfig(command: options.bench!))
            output.line("detection: skipped (every choice given)")
        } else {
            config = try detectedConfig(workspace: workspace, options: options, output: output)
        }
        if let bench = options.bench { config.bench.command = bench }
        if let results = options.results { config.bench.results = results }
        if let format = options.format { config.bench.format = format }
        if let test = options.test { config.test = test.isEmpty ? nil : TestConfig(command: test) }
        if existing == nil {
            let branches = watchedBranches(workspace)
            config.watch.branches = branches.map(\.name)
        }

        if options.dryRun {
            output.line("dry run: nothing written. \(existing.map { "The config in \($0.source.path) stays:" } ?? "\(Config.fileName) would be:")")
            output.write(config.tomlText())
            return
        }

        let trust = TrustStore(workspace: workspace)
        if let existing, config == existing {
            output.line("config: \(existing.source.path) (unchanged)")
            // A config init did not write (a clone's, a pull's) is approved by the user, not by init.
            if let reason = TrustGate.refusal(workspace, existing, for: "perfjournal") { output.line("trust: \(reason)") }
        } else if let existing, existing.source.isPyproject {
            throw PerfJournalError(.config, file: existing.source.path, "perfjournal's config is in [tool.perfjournal]; edit it there")
        } else {
            let text = config.tomlText()
            // Check that what we write reads back as what we meant before it lands.
            let written = try Config.parse(text: text, path: configPath, isPyproject: false)
            try AtomicFile.write(text, to: configPath)
            output.line("config: wrote \(Config.fileName)")
            // What init writes the user just chose: the daemon may run it.
            try trust.approve(written)
        }
        output.line("  bench:    \(config.bench.command)")
        output.line("  results:  \(config.bench.results) (\(config.bench.format?.rawValue ?? "format detected"))")
        output.line("  test:     \(config.test?.command ?? "(none)")")
        output.line("  files:    \(config.bench.files.joined(separator: ", "))  (changing these needs a new baseline)")
        output.line("  branches: \(describe(config.watch.branches, workspace))  (the daemon measures commits reaching these)")

        if options.installHooks {
            for line in try HookInstaller.install(in: workspace, executable: executable) { output.line("hook \(line)") }
        } else {
            output.line("hooks: not installed (--no-hooks)")
        }
        do {
            let before = try workspace.repository.configValues("notes.rewriteRef")
            try workspace.repository.addLocalConfigValue("notes.rewriteRef", NoteStore.ref)
            output.line(
                before.contains(NoteStore.ref)
                    ? "notes: already follow amend and rebase"
                    : "notes: set notes.rewriteRef so runs follow commit --amend and rebase")
            // The ref notes.rewriteRef names must exist, or every amend and rebase warns that it is invalid.
            if try workspace.repository.createEmptyNotesRef(NoteStore.ref, message: "perfjournal: notes start here") {
                output.line("notes: created \(NoteStore.ref)")
            }
            // git's default, "concatenate", would glue two JSON notes into one unreadable note when the
            // daemon stored a run on the rewritten commit first; "ignore" keeps the run already there.
            if try workspace.repository.configString("notes.rewriteMode") == nil {
                try workspace.repository.setLocalConfig("notes.rewriteMode", "ignore")
            }
        } catch let error as GitError {
            throw PerfJournalError(.repository, file: workspace.repository.commonDir + "/config", "cannot set notes.rewriteRef: \(error.message)")
        }
        if let ci = options.ci { output.line(try CIWorkflow.write(ci, workspace: workspace, source: options.ciSource)) }
        output.line("next: perfjournal baseline --runs 5   (the baseline, measured 5 times to learn this machine's noise)")
    }

    /// Reads the project, and proves the benchmark command it proposes by collecting with it.
    static func detectedConfig(workspace: Workspace, options: Options, output: OutputStream) throws -> Config {
        let scratch = try Scratch()
        let results = options.results ?? BenchConfig.defaultResults
        let detection: ProjectDetection
        do {
            detection = try ProjectDetection.detect(root: workspace.root, results: results, scratch: scratch)
        } catch let error as PerfJournalError where options.bench != nil {
            // The user said how to benchmark: what we could not read only costs the suggestions.
            output.line("detection: \(error.message)")
            return Config(bench: BenchConfig(command: options.bench!))
        }
        for note in detection.notes { output.line("detected: \(note)") }
        for warning in detection.warnings { output.line("warning: \(warning)") }

        var bench = BenchConfig(command: options.bench ?? "", results: results)
        if !detection.benchFiles.isEmpty { bench.files = detection.benchFiles }
        if let given = options.bench {
            bench.command = given
            output.line("proof: skipped (--bench given: perfjournal runs it as written)")
        } else {
            guard let command = detection.benchCommand, let collect = detection.collectCommand else {
                throw noBenchmarks(detection, root: workspace.root)
            }
            try prove(collect, detection: detection, root: workspace.root, scratch: scratch, output: output)
            bench.command = command
            bench.format = .pytestBenchmark
        }
        var config = Config(bench: bench)
        if let test = detection.testCommand, detection.isPythonProject { config.test = TestConfig(command: test) }
        return config
    }

    /// The collection pass: the chosen command must collect at least one benchmark.
    static func prove(_ collect: String, detection: ProjectDetection, root: String, scratch: Scratch, output: OutputStream) throws {
        let proof = try CollectionProof.run(collect, in: root, scratch: scratch)
        let shown = "`\(collect) --collect-only`"
        if proof.exitStatus == 127 {
            throw PerfJournalError(.config, file: root, "command not found while collecting with \(shown): \(proof.logTail)")
        }
        let count = proof.benchmarks.count
        if count == 0 {
            let why =
                proof.exitStatus == 0 || proof.exitStatus == 5
                ? "it collected \(proof.items.count) test\(proof.items.count == 1 ? "" : "s"), none taking the benchmark fixture"
                : "pytest exited with status \(proof.exitStatus): \(proof.logTail)"
            throw PerfJournalError(
                .config, file: root,
                "no benchmarks collected by \(shown): \(why). The files that take the fixture: \(detection.benchmarkFiles.keys.sorted().joined(separator: ", ")). Fix that, or pass --bench CMD --results PATH --format FORMAT"
            )
        }
        if proof.exitStatus != 0 {
            throw PerfJournalError(
                .config, file: root,
                "collecting with \(shown) failed (pytest exited with status \(proof.exitStatus)): \(proof.logTail); fix the errors, or pass --bench CMD")
        }
        let files = proof.benchmarkFileCount
        output.line("found \(count) benchmark\(count == 1 ? "" : "s") in \(files) file\(files == 1 ? "" : "s") (collected by \(shown))")
    }

    static func noBenchmarks(_ detection: ProjectDetection, root: String) -> PerfJournalError {
        let looked =
            "looked for tests taking pytest-benchmark's `benchmark` fixture in every .py file under \(root) (outside .git, virtualenvs, node_modules, build and cache directories) and in the tox, nox, Makefile and Justfile commands"
        let what = "write one (`perfjournal init --scaffold package.module:function` starts a file), or pass --bench CMD --results PATH --format FORMAT"
        if !detection.isPythonProject {
            return PerfJournalError(
                .config, file: root,
                "no Python project found (no pyproject.toml, setup.py, setup.cfg, requirements*.txt or tests): pass --bench CMD --results PATH --format FORMAT")
        }
        return PerfJournalError(.config, file: root, "no benchmarks found: \(looked); \(what)")
    }

    /// The current branch, then the remote's default branch (origin/HEAD, or the upstream remote's) when
    /// it differs. A detached HEAD with no remote default falls back to "main".
    static func watchedBranches(_ workspace: Workspace) -> [(name: String, why: String)] {
        let repository = workspace.repository
        var out: [(String, String)] = []
        let current = repository.symbolicTarget("HEAD").flatMap { $0.hasPrefix("refs/heads/") ? String($0.dropFirst("refs/heads/".count)) : nil }
        if let current { out.append((current, "current")) }
        var remotes = ["origin"]
        if let current, let upstream = try? repository.configString("branch.\(current).remote"), upstream != "." { remotes.insert(upstream, at: 0) }
        for remote in remotes {
            let prefix = "refs/remotes/\(remote)/"
            if let target = repository.symbolicTarget("\(prefix)HEAD"), target.hasPrefix(prefix) {
                let name = String(target.dropFirst(prefix.count))
                if !out.contains(where: { $0.0 == name }) { out.append((name, "\(remote)'s default")) }
                break
            }
        }
        if out.isEmpty { out.append(("main", "HEAD is detached and no remote names a default")) }
        return out
    }

    static func describe(_ branches: [String], _ workspace: Workspace) -> String {
        let known = Dictionary(watchedBranches(workspace).map { ($0.name, $0.why) }, uniquingKeysWith: { a, _ in a })
        return branches.map { b in known[b].map { "\(b) (\($0))" } ?? b }.joined(separator: ", ")
    }

    /// The config already in the work tree, or nil. A config that exists but does not parse is an error.
    static func existingConfig(_ workspace: Workspace) throws -> Config? {
        try workspace.configIfPresent()
    }
}
