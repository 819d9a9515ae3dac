// swift-format-ignore-file
import Config
import Foundation
import Git
import Rules
import Statistics
import Store
import Support
import protocol Support.OutputStream

/// `perfjournal log` and `perfjournal checklist`, and the log's automatic update after a run.
///
/// The log must be a function of the optimization entries and their runs, never of the commit that
/// stores the log itself: otherwise committing a regenerated log would make it stale again. So commits
/// that change nothing but the log file are left out of everything the journal shows, and nothing in
/// the output derives from HEAD's own hash or from the time of rendering.
public enum Journal {
    public struct LogOptions: Sendable {
        /// Write the log to this path (relative to the repository root), or to `log.path` when "".
        public var write: String?
        public var check = false
        public var json = false

        public init(write: String? = nil, check: Bool = false, json: Bool = false) {
            self.write = write
            self.check = check
            self.json = json
        }
    }

    /// Everything the journal renders from, read once.
    struct Session {
        let workspace: Workspace
        let config: Config
        let head: ObjectID
        let history: History
        let baseline: History.Baseline?
        /// From the baseline (exclusive) to HEAD, oldest first, without log-only commits.
        let checks: [CommitCheck]
        let templates: JournalTemplates

        /// Every evaluated commit without log-only ones: the journal range, plus base..head when
        /// `extraBase` reaches further back than the baseline (pr-summary).
        let allChecks: [CommitCheck]
        /// The commits left out because they change only the log file.
        let logOnly: Set<String>
        /// Optimizations after an earlier baseline and before the newest one, oldest first.
        let earlier: [CommitCheck]

        init(workspace: Workspace, head: ObjectID? = nil, extraBase: ObjectID? = nil) throws {
            self.workspace = workspace
            config = try workspace.config()
            let head = try head ?? workspace.head()
            self.head = head
            history = try History(workspace: workspace)
            baseline = try history.baseline(at: head)
            let journal = try history.commits(since: baseline?.commit, to: head)
            var commits = journal
            if let extraBase {
                let known = Set(journal)
                // Older than the baseline, so they go first to keep the order oldest first.
                commits = try workspace.repository.commits(from: head, hiding: [extraBase]).filter { !known.contains($0) } + journal
            }
            let evaluated = try CheckEngine.evaluate(workspace: workspace, commits: commits, history: history)
            let kept = try Journal.withoutLogOnly(evaluated, workspace: workspace, logPath: config.log.path)
            let keptSet = Set(kept.map(\.commit))
            logOnly = Set(evaluated.map(\.commit).filter { !keptSet.contains($0) })
            allChecks = kept
            let journalSet = Set(journal.map(\.hex))
            checks = kept.filter { journalSet.contains($0.commit) }
            templates = try JournalTemplates(root: workspace.root)
            earlier = try Self.beforeNewestBaseline(baseline, history: history, workspace: workspace, logPath: config.log.path)
        }

        /// The optimizations between each earlier baseline and the next one: a second `baseline` starts
        /// the journal again, but what was done before it stays in the log.
        static func beforeNewestBaseline(
            _ newest: History.Baseline?, history: History, workspace: Workspace, logPath: String
        ) throws -> [CommitCheck] {
            var segments: [[ObjectID]] = []
            var current = newest
            while let baseline = current, segments.count < 20,
                  let parent = try history.graph.parents(of: baseline.commit).first,
                  let previous = try history.baseline(at: parent) {
                segments.insert(try history.commits(since: previous.commit, to: baseline.commit), at: 0)
                current = previous
            }
            let commits = segments.flatMap { $0 }
            guard !commits.isEmpty else { return [] }
            let evaluated = try CheckEngine.evaluate(workspace: workspace, commits: commits, history: history)
            return try Journal.withoutLogOnly(evaluated, workspace: workspace, logPath: logPath).filter { $0.kind == .optimization }
        }

        var logPath: String { config.log.path }

        func model() throws -> JournalModel {
            var model = JournalModel(baseline: try baselineInfo(), checks: checks, cumulative: try cumulative())
            model.entries = withWhereTimeWent(model.entries)
            if !earlier.isEmpty {
                model.earlier = earlier.enumerated().map { JournalEntry(number: $0.offset + 1, check: $0.element) }
            }
            return model
        }

        /// The entries with what their profiles say (see `WhereTimeWent`).
        func withWhereTimeWent(_ entries: [JournalEntry]) -> [JournalEntry] {
            var profiles = WhereTimeWent.ProfileCache(repository: workspace.repository)
            guard profiles.any else { return entries }
            return entries.map { entry in
                var entry = entry
                entry.whereTimeWent = WhereTimeWent.of(entry, history: history, repository: workspace.repository, profiles: &profiles)
                return entry
            }
        }

        func renderLog() throws -> String {
            templates.render(.log, JournalFormat.logContext(try model()))
        }

        func baselineInfo() throws -> JournalBaseline? {
            guard let baseline else { return nil }
            let commit = try workspace.commit(baseline.commit)
            return JournalBaseline(
                commit: baseline.commit.hex, subject: commit.subject,
                committed: Timestamp.commitTime(commit.committer.time, offsetMinutes: commit.committer.offsetMinutes),
                measured: baseline.run.time, machine: baseline.run.machine.id, command: baseline.run.bench?.command,
                format: baseline.run.format, benchmarks: baseline.run.results.count)
        }

        /// The baseline against the newest measured commit of the range, on the baseline's machine.
        func cumulative() throws -> JournalSummary.Cumulative? {
            guard let baseline else { return nil }
            for check in checks.reversed() where check.measured && check.kind != .merge {
                guard let id = ObjectID(hex: check.commit), let note = try history.note(at: id) else { continue }
                let runs = note.runs(on: baseline.run.machine.id)
                guard !runs.isEmpty else { continue }
                let comparison = Comparator.compare(
                    before: try baselineRuns().map(\.measured), after: runs.map(\.measured),
                    noise: history.noise(machine: baseline.run.machine.id), options: ComparisonOptions(stats: config.stats))
                return .init(from: baseline.commit.hex, to: check.commit, comparison: comparison)
            }
            return nil
        }

        /// Every baseline-machine run stored on the baseline commit (pooled, as `compare` does).
        func baselineRuns() throws -> [Run] {
            guard let baseline else { return [] }
            let runs = try history.note(at: baseline.commit)?.runs(on: baseline.run.machine.id) ?? []
            return runs.isEmpty ? [baseline.run] : runs
        }

        /// Whether the log file in HEAD's tree (and, with `workingTree`, the one on disk) is `rendered`.
        /// The log is rendered only when there is a file to hold against it: on a long history, rendering
        /// it costs more than everything else the checklist needs.
        func logState(rendered render: @autoclosure () throws -> String, workingTree: Bool) throws -> Checklist.LogState {
            var memo: String?
            func rendered() throws -> String {
                if let memo { return memo }
                let text = try render()
                memo = text
                return text
            }
            let committed = try workspace.repository.fileText(at: logPath, in: head)
            let fix = "run perfjournal log --write and commit it"
            let onDisk = try? String(contentsOfFile: workspace.root + "/" + logPath, encoding: .utf8)
            if workingTree {
                if try onDisk == nil || onDisk != rendered() {
                    return .stale(onDisk == nil
                        ? "\(logPath) is missing from the working tree; \(fix)"
                        : "\(logPath) in the working tree differs from the generated log; \(fix)")
                }
            }
            let written = try onDisk != nil && onDisk == rendered()
            guard let committed else {
                // Right after `log --write` the file is current: what is left is to commit it.
                return .stale(written ? "\(logPath) is written but not committed; commit it" : "\(logPath) is not committed; \(fix)")
            }
            if try committed != rendered() && written {
                return .stale("\(logPath) in HEAD is older than the generated log, which is written; commit it")
            }
            if try committed != rendered() {
                return .stale("\(logPath) in HEAD differs from the generated log; \(fix)")
            }
            return .upToDate
        }

        func checklist(rendered: @autoclosure () throws -> String) throws -> Checklist {
            var failedBaseline: Checklist.Evidence?
            if let baseline, let tests = baseline.run.tests, tests.status != .passed {
                failedBaseline = Checklist.Evidence(
                    commit: baseline.commit.hex, subject: try workspace.commit(baseline.commit).subject,
                    reason: "the baseline's tests \(tests.status == .timeout ? "TIMED OUT" : "FAILED"): fix them and run `perfjournal baseline` again")
            }
            return Checklist(checks: checks, hasBaseline: baseline != nil, log: try logState(rendered: try rendered(), workingTree: false),
                             logPath: logPath, failedBaseline: failedBaseline)
        }
    }

    /// Drops the commits that change the log file and nothing else (the commits that store the log).
    static func withoutLogOnly(_ checks: [CommitCheck], workspace: Workspace, logPath: String) throws -> [CommitCheck] {
        checks.filter { check in
            check.kind == .merge || check.changedPaths.isEmpty || !check.changedPaths.allSatisfy { $0 == logPath }
        }
    }

    // MARK: - Commands

    /// Prints, writes or checks the log. Returns false when `--check` finds it stale (exit 1).
    @discardableResult
    public static func log(at path: String, options: LogOptions, output: OutputStream, progress: OutputStream) throws -> Bool {
        let session = try Session(workspace: try Workspace.open(at: path))
        if options.json {
            output.write(try JSONText.encode(try session.model()))
            return true
        }
        let rendered = try session.renderLog()
        if let target = options.write {
            let relative = target.isEmpty ? session.logPath : target
            let absolute = relative.hasPrefix("/") ? relative : session.workspace.root + "/" + relative
            try writeIfChanged(rendered, to: absolute)
            progress.line("wrote \(relative) (\(session.checks.filter { $0.kind == .optimization }.count) optimizations)")
        }
        if options.check {
            switch try session.logState(rendered: rendered, workingTree: true) {
            case .upToDate:
                progress.line("\(session.logPath) is up to date")
                return true
            case .stale(let reason):
                progress.line(reason)
                return false
            }
        }
        if options.write == nil { output.write(rendered) }
        return true
    }

    /// Prints the checklist: plain text for a terminal (at most `limit` commits per item), Markdown
    /// from the template (escaped for Markdown only then), or JSON. Returns false when an item fails (exit 1).
    @discardableResult
    public static func checklist(at path: String, json: Bool, markdown: Bool = false, limit: Int = 10, output: OutputStream) throws -> Bool {
        let session = try Session(workspace: try Workspace.open(at: path))
        let checklist = try session.checklist(rendered: try session.renderLog())
        if json {
            output.write(try JSONText.encode(checklist))
        } else if markdown {
            output.write(session.templates.render(.checklist, checklist.context()))
        } else {
            output.write(checklist.text(limit: limit))
        }
        return checklist.passed
    }

    /// The checklist at HEAD, for `status`.
    public static func checklistModel(workspace: Workspace) throws -> Checklist {
        let session = try Session(workspace: workspace)
        return try session.checklist(rendered: try session.renderLog())
    }

    /// After a stored run: regenerates the log in the working tree when `log.auto_write = true`.
    /// Never commits. A failure here must not fail the run that was just stored, so it is reported, not thrown.
    public static func autoWriteIfConfigured(workspace: Workspace, progress: OutputStream = NullOutput()) {
        do {
            guard try workspace.config().log.autoWrite else { return }
            let session = try Session(workspace: workspace)
            if try writeIfChanged(try session.renderLog(), to: workspace.root + "/" + session.logPath) {
                progress.line("updated \(session.logPath) (log.auto_write)")
            }
        } catch let error as PerfJournalError {
            progress.line("could not update the performance log: \(error.description)")
        } catch {
            progress.line("could not update the performance log: \(error)")
        }
    }

    /// Writes only when the content differs, so an unchanged log keeps its mtime (and editors stay calm).
    @discardableResult
    static func writeIfChanged(_ text: String, to path: String) throws -> Bool {
        if let current = try? String(contentsOfFile: path, encoding: .utf8), current == text { return false }
        let directory = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try AtomicFile.write(text, to: path)
        return true
    }
}

/// The checklist `status` shows (each item with its first few failing commits), remembered under
/// everything it is made from: HEAD, the notes ref, the config, the log file and this machine.
/// `status` must answer in milliseconds on long histories; the rules are judged again only when one
/// of those changed.
package enum ChecklistCache {
    static let statusEvidence = 5

    package static func checklist(workspace: Workspace) throws -> Checklist {
        let path = workspace.stateDirectory + "/cache/checklist"
        let key = try self.key(workspace)
        if let data = FileManager.default.contents(atPath: path),
           let cached = try? JSONDecoder().decode(Entry.self, from: data), cached.key == key {
            return cached.checklist
        }
        var checklist = try Journal.checklistModel(workspace: workspace)
        // `status` shows each item's first few failing commits; `perfjournal checklist` lists them all.
        // Keeping the cached copy short keeps reading it cheap on long histories.
        for i in checklist.items.indices { checklist.items[i].evidence = Array(checklist.items[i].evidence.prefix(statusEvidence)) }
        if CommitGraph.prepareCacheDirectory(for: path), let data = try? JSONEncoder().encode(Entry(key: key, checklist: checklist)) {
            try? AtomicFile.write([UInt8](data), to: path)
        }
        return checklist
    }

    struct Entry: Codable {
        var key: String
        var checklist: Checklist
    }

    static func key(_ workspace: Workspace) throws -> String {
        let config = try workspace.config()
        let head = (try? workspace.head())?.hex ?? "unborn"
        let notes = (try? workspace.repository.referenceTarget(NoteStore.ref))??.hex ?? "none"
        // The rendered log shows what the profiles say, so whether it is up to date depends on them too.
        let profiles = (try? workspace.repository.referenceTarget(ProfileStore.ref))??.hex ?? "none"
        let logPath = workspace.root + "/" + config.log.path
        let attributes = try? FileManager.default.attributesOfItem(atPath: logPath)
        let logState = attributes.map { "\(($0[.size] as? Int) ?? 0)-\((($0[.modificationDate] as? Date)?.timeIntervalSince1970) ?? 0)" } ?? "absent"
        // Unmeasured commits are judged against this machine's baselines.
        let machine = MachineFingerprint.current().id
        return [head, notes, profiles, config.contentHash, logState, machine].joined(separator: " ")
    }
}
