import Config
import Foundation
import Git
import Results
import Runner
import Store
import Support
import protocol Support.OutputStream

/// `perfjournal init`: detect the project, write `.perfjournal.toml`, install the hooks, and make notes
/// follow amends and rebases. It never prompts, and running it twice changes nothing.
public enum InitCommand {
    public struct Options: Sendable {
        public var bench: String?
        public var results: String?
        public var format: ResultFormat?
        public var test: String?
        public var installHooks = true

        public init(bench: String? = nil, results: String? = nil, format: ResultFormat? = nil, test: String? = nil, installHooks: Bool = true) {
            self.bench = bench
            self.results = results
            self.format = format
            self.test = test
            self.installHooks = installHooks
        }

        /// With every choice given there is nothing to detect.
        var choosesEverything: Bool { bench != nil && results != nil && format != nil && test != nil }
    }

    /// `executable` is the path the hooks call back (this binary).
    public static func run(at path: String, options: Options, executable: String, output: OutputStream) throws {
        let workspace = try Workspace.open(at: path)
        let configPath = workspace.root + "/" + Config.fileName
        AutostartMarker.clear(workspace)

        let existing = try existingConfig(workspace)
        var config: Config
        if let existing {
            config = existing
        } else if options.choosesEverything {
            config = Config(bench: BenchConfig(command: options.bench!))
            output.line("detection: skipped (every choice given)")
        } else {
            let detection = try ProjectDetection.detect(root: workspace.root)
            for note in detection.notes { output.line("detected: \(note)") }
            guard let bench = options.bench ?? detection.benchCommand else {
                throw PerfJournalError(.config, file: workspace.root, "no benchmark command detected; pass --bench CMD (and --results PATH, --format FORMAT)")
            }
            config = Config(bench: BenchConfig(command: bench, format: detection.hasPytestBenchmark && options.bench == nil ? .pytestBenchmark : nil))
            if let test = detection.testCommand { config.test = TestConfig(command: test) }
        }
        if let bench = options.bench { config.bench.command = bench }
        if let results = options.results { config.bench.results = results }
        if let format = options.format { config.bench.format = format }
        if let test = options.test { config.test = test.isEmpty ? nil : TestConfig(command: test) }

        let trust = TrustStore(workspace: workspace)
        if let existing, config == existing {
            output.line("config: \(existing.source.path) (unchanged)")
            // A config init did not write (a clone's, a pull's) is approved by the user, not by init.
            if let reason = trust.pauseReason(existing) { output.line("trust: \(reason)") }
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
        output.line("  bench:   \(config.bench.command)")
        output.line("  results: \(config.bench.results) (\(config.bench.format?.rawValue ?? "format detected"))")
        output.line("  test:    \(config.test?.command ?? "(none)")")

        if options.installHooks {
            for line in try HookInstaller.install(in: workspace, executable: executable) { output.line("hook \(line)") }
        } else {
            output.line("hooks: not installed (--no-hooks)")
        }
        do {
            let before = try workspace.repository.configValues("notes.rewriteRef")
            try workspace.repository.addLocalConfigValue("notes.rewriteRef", NoteStore.ref)
            output.line(before.contains(NoteStore.ref)
                ? "notes: already follow amend and rebase"
                : "notes: set notes.rewriteRef so runs follow commit --amend and rebase")
            // git's default, "concatenate", would glue two JSON notes into one unreadable note when the
            // daemon stored a run on the rewritten commit first; "ignore" keeps the run already there.
            if try workspace.repository.configString("notes.rewriteMode") == nil {
                try workspace.repository.setLocalConfig("notes.rewriteMode", "ignore")
            }
        } catch let error as GitError {
            throw PerfJournalError(.repository, file: workspace.repository.commonDir + "/config", "cannot set notes.rewriteRef: \(error.message)")
        }
    }

    /// The config already in the work tree, or nil. A config that exists but does not parse is an error.
    static func existingConfig(_ workspace: Workspace) throws -> Config? {
        do {
            return try Config.load(repositoryRoot: workspace.root)
        } catch let error as PerfJournalError where error.kind == .config && error.message.hasPrefix("no perfjournal config") {
            return nil
        }
    }
}
