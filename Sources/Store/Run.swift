import Git
import Results
import Statistics

/// What perfjournal stores in git notes: one note per commit, holding every run made at that commit.

/// The note attached to one commit under `refs/notes/perfjournal`.
public struct Note: Codable, Sendable, Equatable {
    /// Bumped only for changes an older perfjournal could not read.
    public static let currentSchema = 1
    public var schema: Int
    public var runs: [Run]

    public init(runs: [Run] = []) {
        self.schema = Self.currentSchema
        self.runs = runs
    }
}

extension Note {
    /// The runs made on `machine`: only those are ever compared with each other.
    public func runs(on machine: String) -> [Run] {
        runs.filter { $0.machine.id == machine }
    }

    /// The runs of `tree` made on `machine`. A run copied onto a commit whose code differs (an amend that
    /// changed code copies the old run through `notes.rewriteRef`) belongs to the old tree and never counts here.
    public func runs(on machine: String, tree: ObjectID?) -> [Run] {
        runs.filter { $0.machine.id == machine && (tree == nil || $0.tree == tree!.hex) }
    }

    /// The newest run of `tree` (made on this commit, or carried over from a commit with the same code).
    public func latestRun(ofTree tree: ObjectID) -> Run? {
        runs.last { $0.tree == tree.hex }
    }
}

/// One measurement of one commit: benchmarks, tests, where and how.
public struct Run: Codable, Sendable, Equatable {
    public enum Source: String, Codable, Sendable {
        /// perfjournal ran the commands itself in its worktree.
        case run
        /// A result file handed over with `perfjournal record` (CI) or `baseline --results`.
        case record
        /// A saved run from pytest-benchmark's `.benchmarks/` folder.
        case `import`
    }

    /// Unique per run, so merging two notes histories can tell a duplicate from a second run.
    public var id: String
    public var source: Source
    public var baseline: Bool
    /// The commit measured, and its tree: a rewritten commit with the same tree can reuse the run.
    public var commit: String
    public var tree: String
    /// ISO 8601, UTC.
    public var time: String
    public var machine: MachineFingerprint
    /// The benchmark command as run; nil for recorded or imported results.
    public var bench: CommandRecord?
    /// The public API `rules.api_command` printed during this run, by tree (see `APISurfaceRecord`);
    /// nil when the config named no api_command. The API rule reads it back and never runs the command.
    public var api: [APISurfaceRecord]? = nil
    public var format: ResultFormat
    public var results: [BenchmarkResult]
    /// What the reader reported instead of dropping (errored or skipped benchmarks).
    public var problems: [String]
    public var tests: TestOutcome?
    /// The captured output of the commands, in `.git/perfjournal/logs/`.
    public var log: String?
    /// Why the run was made, when not simply to measure its commit.
    public var purpose: Purpose?
    /// The interleaved re-run session the run belongs to, and its place in it (A and B alternate).
    public var session: String?
    public var order: Int?
    /// What the machine did while the benchmark ran; nil when not observed (recorded or imported runs).
    public var conditions: RunConditions?
    /// Set when other work took enough of the machine to make the run's timings untrustworthy.
    public var disturbed: Disturbance?

    public enum Purpose: String, Codable, Sendable {
        /// `perfjournal calibrate`: repeated runs of one tree to learn this machine's noise.
        case calibration
        /// `--rerun`: more runs of a commit, interleaved with the other side's.
        case rerun
    }

    public init(
        id: String, source: Source, baseline: Bool, commit: String, tree: String, time: String,
        machine: MachineFingerprint, bench: CommandRecord?, format: ResultFormat, results: [BenchmarkResult],
        problems: [String], tests: TestOutcome?, log: String?, purpose: Purpose? = nil, session: String? = nil,
        order: Int? = nil, conditions: RunConditions? = nil, disturbed: Disturbance? = nil
    ) {
        self.id = id
        self.source = source
        self.baseline = baseline
        self.commit = commit
        self.tree = tree
        self.time = time
        self.machine = machine
        self.bench = bench
        self.format = format
        self.results = results
        self.problems = problems
        self.tests = tests
        self.log = log
        self.purpose = purpose
        self.session = session
        self.order = order
        self.conditions = conditions
        self.disturbed = disturbed
    }

    /// The run as a comparison sees it.
    public var measured: MeasuredRun {
        MeasuredRun(results: results, disturbed: disturbed?.reason, session: session, order: order)
    }
}

/// A command perfjournal ran, and how it ended.
public struct CommandRecord: Codable, Sendable, Equatable {
    public var command: String
    public var exitStatus: Int32
    /// Wall-clock seconds.
    public var duration: Double
    public var timedOut: Bool

    // snake_case, like every other key perfjournal writes.
    enum CodingKeys: String, CodingKey {
        case command, duration
        case exitStatus = "exit_status"
        case timedOut = "timed_out"
    }

    public init(command: String, exitStatus: Int32, duration: Double, timedOut: Bool = false) {
        self.command = command
        self.exitStatus = exitStatus
        self.duration = duration
        self.timedOut = timedOut
    }
}

/// The test suite's outcome at a commit.
public struct TestOutcome: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable { case passed, failed, timeout }
    public var status: Status
    /// nil when the outcome was reported (`record --tests`) rather than run.
    public var run: CommandRecord?
    /// Counts parsed from the runner's summary line, where it prints one.
    public var passed: Int?
    public var failed: Int?
    public var skipped: Int?
    public var errors: Int?

    public init(status: Status, run: CommandRecord? = nil, passed: Int? = nil, failed: Int? = nil, skipped: Int? = nil, errors: Int? = nil) {
        self.status = status
        self.run = run
        self.passed = passed
        self.failed = failed
        self.skipped = skipped
        self.errors = errors
    }
}
