import Foundation
import Git

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
    }

    public struct CommitRef: Codable, Equatable, Sendable {
        public var commit: String
        public var subject: String
    }

    public struct BaselineInfo: Codable, Equatable, Sendable {
        public var commit: String
        public var subject: String
        public var time: String
        public var machine: String
        public var benchmarks: Int
    }

    public struct LastRun: Codable, Equatable, Sendable {
        public var commit: String
        public var subject: String
        public var time: String
        public var benchmarks: Int
        public var tests: String
    }

    public struct Report: Codable, Equatable, Sendable {
        public var head: String
        public var baseline: BaselineInfo?
        public var commitsSinceBaseline: Int
        public var measured: [String]
        public var unmeasured: [String]
        public var recent: [RecentCommit]
        public var last: LastRun?
        /// The discipline's checklist; nil when it cannot be judged here (no config, for one).
        public var checklist: Checklist?

        public struct RecentCommit: Codable, Equatable, Sendable {
            public var commit: String
            public var subject: String
            public var measured: Bool
        }

        enum CodingKeys: String, CodingKey {
            case head, baseline, measured, unmeasured, recent, last, checklist
            case commitsSinceBaseline = "commits_since_baseline"
        }

        static func make(workspace: Workspace) throws -> Report {
            let head = try workspace.head()
            let history = try History(workspace: workspace)
            let baseline = try history.baseline(at: head)
            let since = try history.commits(since: baseline?.commit, to: head)
            let measured = since.filter { history.measured[$0] != nil }
            let unmeasured = since.filter { history.measured[$0] == nil }

            var baselineInfo: BaselineInfo?
            if let baseline {
                baselineInfo = BaselineInfo(
                    commit: baseline.commit.hex, subject: try workspace.commit(baseline.commit).subject,
                    time: baseline.run.time, machine: baseline.run.machine.id, benchmarks: baseline.run.results.count)
            }
            var last: LastRun?
            if let newest = measured.last, let run = try history.note(at: newest)?.runs.last {
                last = LastRun(commit: newest.hex, subject: try workspace.commit(newest).subject, time: run.time,
                               benchmarks: run.results.count, tests: RunSummary.testsText(run.tests))
            }
            let recent = try since.suffix(recentLimit).reversed().map {
                RecentCommit(commit: $0.hex, subject: try workspace.commit($0).subject, measured: history.measured[$0] != nil)
            }
            return Report(
                head: head.hex, baseline: baselineInfo, commitsSinceBaseline: since.count,
                measured: measured.map(\.hex), unmeasured: unmeasured.map(\.hex), recent: recent, last: last,
                checklist: try? Journal.checklistModel(workspace: workspace))
        }

        func text() -> String {
            var lines: [String] = []
            if let baseline {
                lines.append("baseline  \(baseline.commit.prefix(7)) \(baseline.subject)")
                lines.append("          \(baseline.benchmarks) benchmarks, \(baseline.time), machine \(baseline.machine)")
            } else {
                lines.append("baseline  none — run `perfjournal baseline` before changing anything")
            }
            lines.append("since baseline: \(commitsSinceBaseline) commit\(commitsSinceBaseline == 1 ? "" : "s"), \(measured.count) measured, \(unmeasured.count) not measured")
            for c in recent {
                lines.append("  \(c.measured ? "✓" : "·") \(c.commit.prefix(7)) \(c.subject)\(c.measured ? "" : "  (not measured)")")
            }
            if commitsSinceBaseline > recent.count { lines.append("  … \(commitsSinceBaseline - recent.count) earlier") }
            if let last {
                lines.append("last run  \(last.commit.prefix(7)) \(last.subject): \(last.benchmarks) benchmarks, \(last.tests)")
            }
            if !unmeasured.isEmpty {
                lines.append("next      perfjournal run \(unmeasured.count == 1 ? String(unmeasured[0].prefix(7)) : "<rev>…")  (measures commits without a run)")
            }
            if let checklist {
                lines.append("checklist")
                for item in checklist.items { lines.append("  \(item.status.mark) \(item.title): \(item.summary)") }
            }
            return lines.joined(separator: "\n") + "\n"
        }
    }
}
