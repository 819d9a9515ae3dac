// swift-format-ignore-file
import Config
import Foundation
import Git
import Journal
import Results
import Runner
import Statistics
import Store
import Support
import protocol Support.OutputStream

/// `perfjournal status [--json]`: the baseline, which commits since it are measured, and the last result.
public enum StatusCommand {
    /// How many recent commits the human view lists.
    static let recentLimit = 10

    public static func run(at path: String, json: Bool, output: OutputStream) throws {
        let report = try Report.make(workspace: try Workspace.open(at: path))
        if json {
            output.write(try JSONText.encode(report))
        } else {
            output.write(report.text())
        }
        // A broken config is shown with everything else, then fails the command (exit 4): a typo must
        // never look like a healthy setup.
        if let error = report.configFailure { throw error }
    }

    public struct BaselineInfo: Codable, Equatable, Sendable {
        public var commit: String
        public var subject: String
        public var time: String
        public var machine: String
        public var benchmarks: Int
        /// "tests passed", "tests FAILED (2 failed)", "tests not run": a failed baseline is shown loudly.
        public var tests: String?
        public var testsFailed: Bool?

        enum CodingKeys: String, CodingKey {
            case commit, subject, time, machine, benchmarks, tests
            case testsFailed = "tests_failed"
        }
    }

    public struct LastRun: Codable, Equatable, Sendable {
        public var commit: String
        public var subject: String
        public var time: String
        public var benchmarks: Int
        public var tests: String
        /// Against the nearest measured ancestor, on the same machine: how many benchmarks got each
        /// verdict ("improved": 2, …), and that ancestor; nil when there is nothing to compare with.
        public var verdicts: [String: Int]?
        public var comparedWith: String?
        /// Why the run's timings are not trusted, when it was disturbed.
        public var disturbed: String?

        enum CodingKeys: String, CodingKey {
            case commit, subject, time, benchmarks, tests, verdicts, disturbed
            case comparedWith = "compared_with"
        }
    }

    public struct Report: Codable, Equatable, Sendable {
        public var head: String
        public var baseline: BaselineInfo?
        public var commitsSinceBaseline: Int
        public var measured: [String]
        public var unmeasured: [String]
        public var recent: [RecentCommit]
        public var last: LastRun?
        public var daemon: DaemonInfo
        public var queue: QueueInfo
        /// The discipline's checklist; nil when it cannot be judged here (no config, for one).
        public var checklist: Checklist?
        /// The config's error ("<file>: line N: …"); nil when it reads. Without a config nothing is judged.
        public var configError: String?
        /// The same error, to fail the command with (not in the JSON).
        var configFailure: PerfJournalError? = nil
        /// Why the config cannot be used (nil when it can); "not initialised" before `perfjournal init`.
        public var setup: String?
        /// What this machine has learned about its run-to-run noise.
        public var noise: NoiseInfo

        public struct NoiseInfo: Codable, Equatable, Sendable {
            public var machine: String
            /// Benchmarks with a learned spread; 0 when the machine is not calibrated.
            public var benchmarks: Int
            /// The median learned spread (standard deviation of a run's log value), when any.
            public var medianSpread: Double?

            enum CodingKeys: String, CodingKey {
                case machine, benchmarks
                case medianSpread = "median_spread"
            }

            static func make(_ model: NoiseModel, machine: String) -> NoiseInfo {
                let spreads = model.byBenchmark.values.map(\.spread).sorted()
                return NoiseInfo(
                    machine: machine, benchmarks: spreads.count,
                    medianSpread: spreads.isEmpty ? nil : SummaryStats.quantile(spreads, 0.5))
            }

            var text: String {
                guard let spread = medianSpread, benchmarks > 0 else {
                    return "noise     not calibrated on this machine: run `perfjournal calibrate`"
                }
                return "noise     learned on this machine for \(benchmarks) benchmark\(benchmarks == 1 ? "" : "s"), "
                    + "median run-to-run spread ±\(Display.percentMagnitude(exp(spread) - 1))"
            }
        }

        public struct RecentCommit: Codable, Equatable, Sendable {
            public var commit: String
            public var subject: String
            /// Has a successful run of its own code.
            public var measured: Bool
            /// What that run found: "tests passed", "tests FAILED", "tests not run", …; "measurement failed"
            /// for a benchmark that crashed; "not measured".
            public var outcome: String
        }

        enum CodingKeys: String, CodingKey {
            case head, baseline, measured, unmeasured, recent, last, daemon, queue, checklist, noise, setup
            case commitsSinceBaseline = "commits_since_baseline"
            case configError = "config_error"
        }

        static func make(workspace: Workspace) throws -> Report {
            let head = try workspace.head()
            var config: Config?
            var configError: PerfJournalError?
            // No config at all is not an error here (status still shows what is stored); a broken one is.
            do { config = try workspace.configIfPresent() } catch let error as PerfJournalError { configError = error }
            let stats = configError == nil ? (config?.stats ?? StatsConfig()) : nil
            let history = try History(workspace: workspace)
            let (baseline, since) = try history.baselineAndCommitsSince(head: head)
            // Only runs of a commit's own code count (a run an amend copied over is history).
            // Newest first: a note that cannot be read is met where it matters most (and reported).
            let measured = Array(try since.reversed().filter { try history.isMeasured($0) }.reversed())
            let measuredSet = Set(measured)
            let unmeasured = since.filter { !measuredSet.contains($0) }
            // Before `init` there is nothing to judge with: say what to do first.
            let setup: String? = config == nil && configError == nil ? "not initialised: run `perfjournal init`" : nil

            var baselineInfo: BaselineInfo?
            if let baseline {
                baselineInfo = BaselineInfo(
                    commit: baseline.commit.hex, subject: try workspace.commit(baseline.commit).subject,
                    time: baseline.run.time, machine: baseline.run.machine.id, benchmarks: baseline.run.results.count,
                    tests: RunSummary.testsText(baseline.run.tests),
                    testsFailed: baseline.run.tests.map { $0.status != .passed } ?? false)
            }
            var last: LastRun?
            if let newest = measured.last, let run = try history.note(at: newest)?.runs.last {
                last = LastRun(commit: newest.hex, subject: try workspace.commit(newest).subject, time: run.time,
                               benchmarks: run.results.count, tests: RunSummary.testsText(run.tests),
                               disturbed: run.disturbed?.reason)
                if let reference = try history.reference(of: newest), let before = try history.note(at: reference),
                   let after = try history.note(at: newest),
                   let stats, let comparison = RunComparison.compare(
                       after, tree: try workspace.commit(newest).tree, with: before, referenceTree: try workspace.commit(reference).tree,
                       stats: stats, noise: history.noise(machine:)) {
                    last?.verdicts = Dictionary(grouping: comparison.benchmarks, by: \.verdict.rawValue).mapValues(\.count)
                    last?.comparedWith = reference.hex
                }
            }
            let recent = try since.suffix(recentLimit).reversed().map { commit -> RecentCommit in
                let outcome: String
                if let run = try history.note(at: commit)?.runs.last {
                    outcome = RunSummary.testsText(run.tests)
                } else if try history.failedRun(at: commit) != nil {
                    outcome = "measurement failed"
                } else {
                    outcome = "not measured"
                }
                return RecentCommit(commit: commit.hex, subject: try workspace.commit(commit).subject,
                                    measured: measuredSet.contains(commit), outcome: outcome)
            }
            return Report(
                head: head.hex, baseline: baselineInfo, commitsSinceBaseline: since.count,
                measured: measured.map(\.hex), unmeasured: unmeasured.map(\.hex), recent: recent, last: last,
                daemon: .make(workspace), queue: .make(workspace),
                checklist: config == nil ? nil : try? ChecklistCache.checklist(workspace: workspace),
                configError: configError?.description, configFailure: configError, setup: setup,
                noise: .make(history.noise(machine: MachineFingerprint.current().id), machine: MachineFingerprint.current().id))
        }

        func text() -> String {
            var lines: [String] = []
            if let configError { lines.append("config    ERROR \(configError)") }
            if let setup { lines.append("setup     \(setup)") }
            if let baseline {
                lines.append("baseline  \(baseline.commit.prefix(7)) \(baseline.subject)")
                lines.append("          \(Display.count(baseline.benchmarks, "benchmark")), \(baseline.time), machine \(baseline.machine)")
                if baseline.testsFailed == true, let tests = baseline.tests {
                    lines.append("          WARNING: \(tests) at the baseline: fix them and run `perfjournal baseline` again")
                }
            } else if setup == nil {
                lines.append("baseline  none — run `perfjournal baseline` before changing anything")
            }
            lines.append(noise.text)
            lines.append("\(baseline == nil ? "commits" : "since baseline"): \(Display.count(commitsSinceBaseline, "commit")), \(measured.count) measured, \(unmeasured.count) not measured")
            for c in recent {
                // The outcome, not just "measured": a ✓ beside failing tests would mislead.
                let failed = c.outcome == "measurement failed" || c.outcome.hasPrefix("tests FAILED") || c.outcome.hasPrefix("tests TIMED OUT")
                let mark = failed ? "✗" : c.measured ? "✓" : "·"
                lines.append("  \(mark) \(c.commit.prefix(7)) \(c.subject)  (\(c.outcome))")
            }
            if commitsSinceBaseline > recent.count { lines.append("  … \(commitsSinceBaseline - recent.count) earlier") }
            if let last {
                lines.append("last run  \(last.commit.prefix(7)) \(last.subject): \(Display.count(last.benchmarks, "benchmark")), \(last.tests)")
                if let disturbed = last.disturbed { lines.append("          DISTURBED: \(disturbed); measure again on a quiet machine") }
                if let verdicts = last.verdicts, let reference = last.comparedWith {
                    let counts = ["improved", "regressed", "unchanged", "inconclusive"].compactMap { v in verdicts[v].map { "\($0) \(v)" } }
                    lines.append("          vs \(reference.prefix(7)): \(counts.joined(separator: ", "))")
                }
            }
            lines.append(contentsOf: daemon.lines())
            lines.append(contentsOf: queue.lines(daemonRunning: daemon.running))
            // Commits the daemon is about to measure need no advice.
            let queued = daemon.running ? Set(queue.pending.map(\.commit) + (queue.running.map { [$0.commit] } ?? [])) : []
            let left = setup == nil ? unmeasured.filter { !queued.contains($0) } : []
            if !left.isEmpty {
                lines.append("next      perfjournal run \(left.count == 1 ? String(left[0].prefix(7)) : "<rev>…")  (measures commits without a run)")
            }
            if let checklist {
                lines.append("checklist")
                for item in checklist.items { lines.append("  \(item.status.mark) \(item.title): \(item.summary)") }
            }
            return lines.joined(separator: "\n") + "\n"
        }
    }
}

extension StatusCommand {
    public struct DaemonInfo: Codable, Equatable, Sendable {
        public var running: Bool
        public var pid: Int32?
        /// idle, running, paused, stopping (from the daemon itself); nil when it did not answer.
        public var state: String?
        public var last: String?
        public var log: String
        public var socket: String

        static func make(_ workspace: Workspace) -> DaemonInfo {
            let report = DaemonCommand.report(workspace)
            return DaemonInfo(running: report.running, pid: report.pid, state: report.live?.state, last: report.live?.last,
                              log: report.log, socket: report.socket)
        }

        func lines() -> [String] {
            guard running else { return ["daemon    not running (`perfjournal daemon start`; queued jobs also run with `perfjournal run --pending`)"] }
            // "running" would only repeat the first word; the queue line says what it runs.
            let shown = state.flatMap { $0 == "running" ? nil : $0 }
            var lines = ["daemon    running, pid \(pid.map(String.init) ?? "?")\(shown.map { ", \($0)" } ?? ""), log \(log)"]
            if let last { lines.append("          last: \(last)") }
            return lines
        }
    }

    public struct QueueInfo: Codable, Equatable, Sendable {
        public var pending: [Waiting]
        public var running: RunningJob?
        public var failed: [Failed]
        /// Why queued jobs do not run (untrusted config, a rebase in progress), with how to fix it.
        public var paused: String?

        public struct Waiting: Codable, Equatable, Sendable {
            public var commit: String
            public var reason: String
            public var enqueued: String
        }

        public struct Failed: Codable, Equatable, Sendable {
            public var commit: String
            public var reason: String
        }

        public var isDrained: Bool { pending.isEmpty && running == nil }

        static func make(_ workspace: Workspace) -> QueueInfo {
            let queue = JobQueue(workspace: workspace)
            // A failed job for a commit that was reset away can never be retried: it is dropped.
            queue.dropUnreachableFailed(workspace: workspace)
            // The hook and the watcher may both queue a commit; it is measured once, so list it once.
            var seen: Set<String> = []
            let pending = queue.pending().filter { seen.insert($0.job.commit).inserted }
                .map { Waiting(commit: $0.job.commit, reason: $0.job.reason, enqueued: $0.job.enqueued) }
            let running = queue.running().first.map { RunningJob($0, in: workspace, now: Date()) }
            let failed = queue.failed().map { Failed(commit: $0.entry.job.commit, reason: $0.reason) }
            var paused: String?
            if case .failure(let reason) = JobRunner(workspace: workspace, progress: NullOutput()).readiness() { paused = reason.text }
            return QueueInfo(pending: pending, running: running, failed: failed, paused: paused)
        }

        func lines(daemonRunning: Bool) -> [String] {
            var lines: [String] = []
            var summary = "queue     \(pending.count) waiting"
            if let running {
                summary += "; running \(running.commit.prefix(7)) (\(running.reason))"
                if let elapsed = running.elapsedSeconds { summary += " for \(Display.seconds(elapsed))" }
            }
            if !failed.isEmpty { summary += "; \(failed.count) failed" }
            lines.append(summary)
            if let log = running?.log { lines.append("          log: \(log)") }
            for job in pending.prefix(5) { lines.append("          · \(job.commit.prefix(7)) (\(job.reason))") }
            if pending.count > 5 { lines.append("          … \(pending.count - 5) more") }
            if let paused, !pending.isEmpty || daemonRunning { lines.append("paused    \(paused)") }
            for job in failed.prefix(5) {
                let reason = job.reason.split(separator: "\n")
                lines.append("failed    \(job.commit.prefix(7)): \(reason.first ?? "")")
                for more in reason.dropFirst() { lines.append("          \(more)") }
            }
            if !failed.isEmpty { lines.append("          retry them: `perfjournal run --retry-failed`, or forget them: `perfjournal run --clear-failed`") }
            return lines
        }
    }

    /// `status --follow`: redraws until the queue drains (or cannot drain: paused, or no daemon to run
    /// it). On a terminal the screen is redrawn; otherwise a line is printed whenever the queue changes.
    public static func follow(at path: String, terminal: Bool, json: Bool = false, interval: Double = 1, output: OutputStream) throws {
        var lastLine = ""
        while true {
            let workspace = try Workspace.open(at: path)
            let report = try Report.make(workspace: workspace)
            if json {
                // JSON lines: the whole report, compact, each time the queue changes (and the last one).
                let line = report.queue.lines(daemonRunning: report.daemon.running).first ?? ""
                if line != lastLine || report.queue.isDrained {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                    output.line(String(decoding: try encoder.encode(report), as: UTF8.self))
                }
                lastLine = line
                if report.queue.isDrained || (report.queue.running == nil && (report.queue.paused != nil || !report.daemon.running)) {
                    return
                }
                Thread.sleep(forTimeInterval: interval)
                continue
            }
            if terminal {
                output.write("\u{1B}[H\u{1B}[2J" + report.text())
            } else {
                let line = report.queue.lines(daemonRunning: report.daemon.running).first ?? ""
                if line != lastLine { output.line(Timestamp.iso8601(Date()) + " " + line) }
                lastLine = line
            }
            if report.queue.isDrained {
                output.line("queue drained")
                return
            }
            if report.queue.running == nil {
                if let paused = report.queue.paused {
                    output.line("queue paused: \(paused)")
                    return
                }
                if !report.daemon.running {
                    output.line("no daemon is running to drain the queue (`perfjournal daemon start` or `perfjournal run --pending`)")
                    return
                }
            }
            Thread.sleep(forTimeInterval: interval)
        }
    }
}
