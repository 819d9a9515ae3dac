import Config
import Foundation
import Git
import Results
import Store
import Support

import protocol Support.OutputStream

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Measures one commit: checks it out in a perfjournal-owned worktree, runs the benchmark command and
/// the test command there with their timeouts, captures both in one log, and returns the run. It
/// stores nothing: the caller appends the run to the note only once it is complete. A benchmark
/// command that fails or times out is a result too: `failed` gets that failed run (no results, the
/// exit status and the log) to store, before the error is thrown.
public enum Measurement {
    public static func measure(
        _ commit: ObjectID, in workspace: Workspace, config: Config, baseline: Bool,
        worktree: String = "a", runID: String? = nil, runTests: Bool = true, progress: OutputStream,
        failed: (Run) throws -> Void = { _ in }
    ) throws -> Run {
        // Every caller is gated already; this keeps any new one from forgetting.
        try TrustGate.require(workspace, config, for: "measuring \(commit.short)")
        try workspace.ensureDirectory(workspace.logsDirectory)
        try workspace.ensureDirectory(workspace.worktreesDirectory)
        let info = try workspace.commit(commit)
        let id = runID ?? UUID().uuidString.lowercased()
        let stamp = Timestamp.compact(Date())
        let logPath = "\(workspace.logsDirectory)/\(commit.short)-\(stamp)-\(id.prefix(8)).log"
        let checkout = "\(workspace.worktreesDirectory)/\(worktree)"

        do {
            _ = try workspace.repository.checkoutDetachedWorktree(name: "perfjournal-\(worktree)", path: checkout, commit: commit)
        } catch let error as GitError {
            throw PerfJournalError(.repository, file: checkout, "cannot check out \(commit.short): \(error.message)")
        }

        let environment = [
            "PERFJOURNAL_COMMIT": commit.hex,
            "PERFJOURNAL_BASELINE": baseline ? "1" : "0",
        ]
        // The result file stays inside the run's worktree: no absolute path, no `..`, no symlink out.
        if let problem = ContainedPath.symlinkProblem(config.bench.results, under: checkout, includingLast: true) {
            throw config.pathError("bench.results", config.bench.results, problem)
        }
        // A results file left by an earlier run must never pass for this run's.
        let resultsPath = checkout + "/" + config.bench.results
        try? FileManager.default.removeItem(atPath: resultsPath)

        progress.line("measuring \(commit.short) \(info.subject)")
        progress.line("  bench: \(config.bench.command)")
        appendToLog(logPath, "$ \(config.bench.command)\n")
        let benchLogStart = (try? FileManager.default.attributesOfItem(atPath: logPath)[.size] as? Int) ?? 0
        // The profile's options and plugin go in through the environment; the command stays the user's.
        var profiling = ProfileCapture.plan(config: config, stateDirectory: workspace.stateDirectory, runID: id, environment: environment)
        var load = MachineLoad.start()
        var bench = try CommandRunner.run(
            config.bench.command, in: checkout, logPath: logPath, timeout: config.bench.timeout, environment: profiling?.environment ?? environment)
        if profiling != nil && bench.exitStatus != 0 && ProfileCapture.optionsRefused(log: readLog(logPath, from: benchLogStart)) {
            progress.line("  warning: this pytest-benchmark cannot profile (--benchmark-cprofile-dump needs 5.0 or later); measuring again without a profile")
            profiling = nil
            load = MachineLoad.start()
            bench = try CommandRunner.run(config.bench.command, in: checkout, logPath: logPath, timeout: config.bench.timeout, environment: environment)
        }
        let conditions = load.stop(cpuSeconds: bench.cpuSeconds)
        let benchRecord = CommandRecord(command: config.bench.command, exitStatus: bench.exitStatus, duration: bench.duration, timedOut: bench.timedOut)
        // The note travels to other clones: it names the log relative to the git dir.
        let storedLog = RunLog.stored(logPath, commonDirectory: workspace.repository.commonDir)
        // The code's failure, not the setup's (a command not found, no benchmark collected): a result.
        let failedRun = Run(
            id: id, source: .run, baseline: false, commit: commit.hex, tree: info.tree.hex, time: Timestamp.iso8601(Date()),
            machine: .current(), bench: benchRecord, format: config.bench.format ?? .pytestBenchmark, results: [],
            problems: [], tests: nil, log: storedLog)
        if bench.timedOut {
            try failed(failedRun)
            throw PerfJournalError(.timeout, file: logPath, "benchmark command timed out after \(Display.seconds(config.bench.timeout)) and was killed")
        }
        let benchLog = readLog(logPath, from: benchLogStart)
        if bench.exitStatus == 127 {
            let name = BenchFailure.commandNotFound(log: benchLog, command: config.bench.command)
            throw PerfJournalError(
                .commandFailed, file: logPath,
                "command not found: \(name) (the benchmark command is `\(config.bench.command)`); install it, or change bench.command")
        }
        let wroteResults = FileManager.default.fileExists(atPath: resultsPath)
        if !wroteResults || bench.exitStatus == 5, let summary = BenchFailure.pytestCollectedNothing(log: benchLog, exitStatus: bench.exitStatus) {
            throw PerfJournalError(
                .resultFile, file: logPath,
                "the benchmark command collected no benchmarks (pytest: \(summary)): no test it collected takes the benchmark fixture; check the paths in bench.command (`perfjournal init --dry-run` shows where the benchmarks are)"
            )
        }
        if bench.exitStatus != 0 {
            try failed(failedRun)
            throw PerfJournalError(.commandFailed, file: logPath, "benchmark command exited with status \(bench.exitStatus): \(config.bench.command)")
        }
        guard wroteResults else {
            throw PerfJournalError(.resultFile, file: resultsPath, "the benchmark command succeeded but wrote no results file (check bench.results)")
        }
        let results = try ResultFileReader.read(path: resultsPath, format: config.bench.format)
        profiling?.convert(checkout: checkout, logPath: logPath, progress: progress)

        var tests: TestOutcome?
        if let test = config.test, runTests {
            progress.line("  test:  \(test.command)")
            appendToLog(logPath, "\n$ \(test.command)\n")
            let logStart = (try? FileManager.default.attributesOfItem(atPath: logPath)[.size] as? Int) ?? 0
            let outcome = try CommandRunner.run(test.command, in: checkout, logPath: logPath, timeout: test.timeout, environment: environment)
            let testLog = readLog(logPath, from: logStart)
            let summary = TestSummary.parse(log: testLog)
            tests = TestOutcome(
                status: outcome.timedOut ? .timeout : (outcome.exitStatus == 0 ? .passed : .failed),
                run: CommandRecord(command: test.command, exitStatus: outcome.exitStatus, duration: outcome.duration, timedOut: outcome.timedOut),
                passed: summary?.passed, failed: summary?.failed, skipped: summary?.skipped, errors: summary?.errors)
        }

        let api = try APISurfaceCapture.records(
            for: info, checkout: checkout, workspace: workspace, config: config, logPath: logPath, environment: environment, progress: progress)
        let disturbed = config.stats.detectDisturbance ? Disturbance.judge(conditions) : nil
        if let disturbed { progress.line("  disturbed: \(disturbed.reason)") }
        var run = Run(
            id: id, source: .run, baseline: baseline, commit: commit.hex, tree: info.tree.hex, time: Timestamp.iso8601(Date()),
            machine: .current(), bench: benchRecord, format: results.format, results: results.benchmarks,
            problems: results.problems, tests: tests, log: storedLog, conditions: conditions, disturbed: disturbed)
        run.api = api
        return run
    }

    /// A run from a result file produced elsewhere (CI, `baseline --results`).
    public static func recorded(
        _ commit: ObjectID, in workspace: Workspace, resultsPath: String, format: ResultFormat?, baseline: Bool,
        tests: TestOutcome.Status?, source: Run.Source = .record, id: String? = nil
    ) throws -> Run {
        let results = try ResultFileReader.read(path: resultsPath, format: format)
        let info = try workspace.commit(commit)
        return Run(
            id: id ?? UUID().uuidString.lowercased(), source: source, baseline: baseline, commit: commit.hex, tree: info.tree.hex,
            time: Timestamp.iso8601(Date()), machine: .current(), bench: nil, format: results.format,
            results: results.benchmarks, problems: results.problems, tests: tests.map { TestOutcome(status: $0) }, log: nil)
    }

    static func appendToLog(_ path: String, _ text: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        _ = text.withCString { write(fd, $0, strlen($0)) }
    }

    static func readLog(_ path: String, from offset: Int) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        try? handle.seek(toOffset: UInt64(offset))
        return String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
    }
}
