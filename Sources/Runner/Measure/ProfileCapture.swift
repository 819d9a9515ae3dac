import Config
import Foundation
import Journal
import Results
import Store
import Support

import protocol Support.OutputStream

/// The profile that comes with a pytest-benchmark run (`[profile]`). The user's command is never edited:
/// pytest-benchmark's `--benchmark-cprofile*` options and the embedded `Helpers/perfjournal_profile.py`
/// plugin (which records the loop count and the peak memory, neither of which pytest-benchmark keeps) go in
/// through `PYTEST_ADDOPTS` and `PYTHONPATH`. After the command the embedded `Helpers/profile_convert.py`,
/// run by the project's own `python3` (the one on the command's PATH, which wrote the dumps), turns the
/// dumps into JSON, left in the run directory as `profile.json` until the run is stored (`ProfileStore`).
/// Anything that goes wrong costs the profile, with a one-line warning, never the run.
package struct ProfileCapture {
    package let directory: String
    package let environment: [String: String]

    /// Nil when profiling is off or the command is not a pytest-benchmark one.
    package static func plan(config: Config, stateDirectory: String, runID: String, environment base: [String: String]) -> ProfileCapture? {
        guard config.profile.enabled else { return nil }
        let isPytestBenchmark = config.bench.format == .pytestBenchmark || (config.bench.format == nil && config.bench.command.contains("pytest"))
        guard isPytestBenchmark else { return nil }
        let directory = ProfileStore.runDirectory(stateDirectory: stateDirectory, runID: runID)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for helper in ["perfjournal_profile.py", "profile_convert.py"] {
                guard let text = Resources.file("Helpers/\(helper)") else { return nil }
                try AtomicFile.write(text, to: directory + "/" + helper)
            }
        } catch {
            return nil
        }
        let inherited = ProcessInfo.processInfo.environment
        var addopts = [
            "-p perfjournal_profile", "--benchmark-cprofile=cumtime",
            "--benchmark-cprofile-loops=\(config.profile.loops.argument)",
            "--benchmark-cprofile-dump=\(CommandRunner.shellQuote(directory + "/dump"))",
        ].joined(separator: " ")
        if let existing = inherited["PYTEST_ADDOPTS"], !existing.isEmpty { addopts = existing + " " + addopts }
        var pythonPath = directory
        if let existing = inherited["PYTHONPATH"], !existing.isEmpty { pythonPath += ":" + existing }
        var environment = base
        environment["PYTEST_ADDOPTS"] = addopts
        environment["PYTHONPATH"] = pythonPath
        environment["PERFJOURNAL_PROFILE_MANIFEST"] = directory + "/manifest.jsonl"
        environment["PERFJOURNAL_PROFILE_MEMORY"] = config.profile.memory.rawValue
        return ProfileCapture(directory: directory, environment: environment)
    }

    /// True when the command failed because this pytest-benchmark has no cProfile options (before 5.0):
    /// the run is then made again without profiling.
    package static func optionsRefused(log: String) -> Bool {
        log.contains("unrecognized arguments") && log.contains("--benchmark-cprofile")
    }

    /// Converts the dumps; the profile is left in `profile.json` for `ProfileStore.storePending`. Returns it,
    /// or nil (after one warning line) when there is none.
    @discardableResult
    package func convert(checkout: String, logPath: String, progress: OutputStream) -> RunProfile? {
        // No manifest: the command ran no pytest-benchmark with the plugin (a wrapper, a copied file), so
        // there is nothing to profile and nothing to warn about.
        guard FileManager.default.fileExists(atPath: directory + "/manifest.jsonl") else { return nil }
        let output = directory + "/converted.json"
        let command =
            "python3 \(CommandRunner.shellQuote(directory + "/profile_convert.py")) --root \(CommandRunner.shellQuote(checkout)) --manifest \(CommandRunner.shellQuote(directory + "/manifest.jsonl"))"
        do {
            let outcome = try CommandRunner.run(command, in: checkout, logPath: logPath, timeout: 600, environment: environment, stdoutPath: output)
            guard outcome.exitStatus == 0, let data = FileManager.default.contents(atPath: output) else {
                progress.line("  warning: no profile stored (converting the dumps failed with status \(outcome.exitStatus); see the log)")
                return nil
            }
            let converted = try JSONDecoder().decode(ConvertedProfiles.self, from: data)
            if let first = converted.warnings.first {
                let more = converted.warnings.count > 1 ? " (and \(converted.warnings.count - 1) more)" : ""
                progress.line("  warning: \(first)\(more)")
            }
            let benchmarks = converted.benchmarks.filter { $0.hasFunctions || $0.peakMemoryBytes != nil }
            guard !benchmarks.isEmpty else {
                if converted.warnings.isEmpty { progress.line("  warning: no profile stored (no benchmark was profiled)") }
                return nil
            }
            if environment["PERFJOURNAL_PROFILE_MEMORY"] == "memray", benchmarks.contains(where: { $0.peakMemoryTool == "tracemalloc" }) {
                progress.line(
                    "  warning: [profile] memory = \"memray\", but the benchmark's python3 could not use memray (pip install memray): peak memory measured with tracemalloc"
                )
            }
            let profile = RunProfile(python: converted.python, benchmarks: benchmarks)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            try encoder.encode(profile).write(to: URL(fileURLWithPath: directory + "/" + ProfileStore.pendingFile), options: .atomic)
            return profile
        } catch {
            progress.line("  warning: no profile stored (\(String(describing: error).split(separator: "\n").first ?? ""))")
            return nil
        }
    }
}

extension ProfileCapture {
    /// Stores the profile of a run just stored (after `NoteStore.append`); a failure is one warning line.
    package static func store(_ run: Run, in workspace: Workspace, progress: OutputStream) {
        do {
            let cache = ProfileNoteCache(stateDirectory: workspace.stateDirectory)
            try ProfileStore(repository: workspace.repository, cache: cache).storePending(for: run, stateDirectory: workspace.stateDirectory)
        } catch {
            progress.line("  warning: the profile of this run was not stored: \(String(describing: error).split(separator: "\n").first ?? "")")
        }
    }
}
