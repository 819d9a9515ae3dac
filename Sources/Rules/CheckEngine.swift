// swift-format-ignore-file
import Config
import Foundation
import Git
import Statistics
import Store
import Support

/// Judges commits against the discipline's rules: baseline first, one change per commit, beyond the
/// noise, tests green, API unchanged or documented. `check`, the hooks and the journal all read the
/// rules from here.
public enum CheckEngine {
    /// The commits `check` looks at by default: from the upstream merge-base (else the baseline, else the
    /// root) to HEAD, oldest first.
    public static func defaultRange(workspace: Workspace) throws -> [ObjectID] {
        let head = try workspace.head()
        if let upstream = try? workspace.repository.resolveCommit("@{upstream}"),
           let base = try workspace.repository.mergeBase(upstream, head) {
            return try workspace.repository.commits(from: head, hiding: [base])
        }
        let history = try History(workspace: workspace)
        return try history.commits(since: try history.baseline(at: head)?.commit, to: head)
    }

    /// Commits in `spec` ("A..B", or a single revision meaning that commit alone), oldest first.
    public static func range(_ spec: String, workspace: Workspace) throws -> [ObjectID] {
        if let dots = spec.range(of: "..") {
            let from = String(spec[..<dots.lowerBound]), to = String(spec[dots.upperBound...])
            let head = try workspace.resolve(to.isEmpty ? "HEAD" : to)
            let base = try workspace.resolve(from.isEmpty ? "HEAD" : from)
            return try workspace.repository.commits(from: head, hiding: [base])
        }
        return [try workspace.resolve(spec)]
    }

    /// `requireRuns` (`check --require-runs`) overrides `rules.require_runs`: a commit without a run then
    /// fails the tests and improvement rules instead of leaving them unknown.
    /// `history`: the caller's, when it has one, so the notes it decoded are not decoded again.
    public static func evaluate(workspace: Workspace, commits: [ObjectID], requireRuns: Bool? = nil, history: History? = nil) throws -> [CommitCheck] {
        let config = try workspace.config()
        let context = try Context(workspace: workspace, config: config, history: history)
        context.requireRuns = requireRuns ?? config.rules.requireRuns
        context.rangeHead = commits.last
        let infos = try commits.map { try workspace.commit($0) }
        // The range's notes decoded on every core first; the rules then read them one commit at a time.
        _ = try context.history.notes(of: commits)
        // Diffs first (from the cache, else on every core, with changed lines and symbols only where the
        // one-change rule needs them), so that every Python file of the range is then read by one python3.
        var summaries: [DiffSummary?] = infos.map { info in
            if info.isMerge { return DiffSummary(files: [], changes: []) }
            guard let cached = context.diffs[info.id] else { return nil }
            return context.kind(of: info) == .optimization && cached.changes == nil ? nil : cached
        }
        let missing = summaries.indices.filter { summaries[$0] == nil }
        let requests = missing.map { DiffRequest(commit: infos[$0].id, lines: context.kind(of: infos[$0]) == .optimization) }
        for (index, summary) in zip(missing, try DiffRequest.run(requests, repositoryPath: workspace.repository.gitDir)) {
            summaries[index] = summary
            context.diffs[infos[index].id] = summary
        }
        let done = summaries.map { $0! }
        for (info, summary) in zip(infos, done) where !info.isMerge {
            context.changedPaths[info.id] = summary.files.flatMap { [$0.path, $0.oldPath] }
        }
        try context.pythonAPI.prefetch(done.flatMap { d -> [PythonAPICache.File] in
            let sides = APICheck.pythonSides(d.files, ignore: context.ignored)
            return sides.old + sides.new
        })
        // Every optimization's changes grouped by reference, the missing ones in one python3 process.
        let optimizations = infos.filter { !$0.isMerge && context.kind(of: $0) == .optimization }
        try context.prefetchGroupings(optimizations.map(\.id))
        // Every optimization's comparison with its reference, on every core.
        try context.prefetchComparisons(optimizations.map(\.id))
        return try zip(infos, done).map { try context.check($0, summary: $1) }
    }

    /// What the commit-msg hook enforces about the staged changes, judged by the same code as `check`
    /// judges a commit: the one-change rule and the baseline rule, for a commit on top of HEAD.
    package static func judgeStaged(workspace: Workspace, config: Config, message: CommitMessage) throws -> ChangeJudgement {
        let context = try Context(workspace: workspace, config: config)
        let repository = workspace.repository
        let parent = repository.isHeadUnborn ? nil : try workspace.head()
        context.rangeHead = parent
        let staged = try repository.diffStaged()
        let changes = try ChangeAnalysis.changes(repository: repository, diff: staged)
        let grouping = try context.grouping(of: [staged]).first ?? nil
        return try context.judge(message: message, changes: changes, grouping: grouping, parent: parent, own: staged,
                                 machine: MachineFingerprint.current().id)
    }
}

/// The rules that judge a change itself, before it is measured: whether it is one change, and whether
/// a usable baseline precedes it. `check` reports them for a commit; the commit-msg hook enforces them
/// on the staged changes. Both get them from `Context.judge`.
package struct ChangeJudgement: Sendable {
    package var oneChange: RuleOutcome
    package var finding: OneChangeFinding
    package var baseline: RuleOutcome
}

/// One commit's diff against its first parent (and, with `lines`, the symbols its changes touch),
/// computed on several threads, each with its own repository handle (libgit2 handles must not be
/// shared between threads).
struct DiffRequest: Sendable {
    var commit: ObjectID
    var lines: Bool

    func summary(_ repository: Repository) throws -> DiffSummary {
        let diff = try repository.diff(commit: commit, linesWanted: lines)
        let changes = lines ? try ChangeAnalysis.changes(repository: repository, diff: diff) : nil
        // Line numbers were only needed for the symbols.
        let files = diff.map { f -> FileDiff in
            var f = f
            f.addedLines = []
            f.deletedLines = []
            return f
        }
        return DiffSummary(files: files, changes: changes)
    }

    static func run(_ requests: [DiffRequest], repositoryPath: String) throws -> [DiffSummary] {
        let workers = min(max(1, System.activeProcessorCount), max(1, requests.count / 64))
        return try Parallel.map(requests, workers: workers, state: { try Repository(at: repositoryPath) }) { try $1.summary($0) }
    }
}

/// What every commit's check shares: the config, the measured commits, and what was worked out once
/// for the whole range (notes read, baselines and references along history, Python API surfaces), so
/// checking a long history costs about one pass over it.
final class Context {
    let workspace: Workspace
    let config: Config
    let history: History
    let pythonAPI: PythonAPICache
    let diffs: DiffCache
    let groupings: OneChangeCache
    let limits: OneChangeLimits
    /// `limits.ignore`, remembered per path.
    let limitGlobs: PathGlobs
    let ignored: PathGlobs
    let benchFiles: PathGlobs
    /// Paths each commit changed against its first parent, filled from the range's diffs.
    var changedPaths: [ObjectID: [String]] = [:]
    var repository: Repository { workspace.repository }
    private lazy var currentMachine = MachineFingerprint.current().id
    private var notes: [ObjectID: Note?] = [:]
    private var baselinesByMachine: [String: [ObjectID: BaselineState]] = [:]
    private var coveredBy: [String: Set<ObjectID>] = [:]
    /// The newest commit being checked: every parent in the range is its ancestor.
    var rangeHead: ObjectID?
    /// "no run yet" fails (CI) instead of being unknown.
    var requireRuns = false
    private var references: [ObjectID: ObjectID?] = [:]

    init(workspace: Workspace, config: Config, history: History? = nil) throws {
        self.workspace = workspace
        self.config = config
        self.history = try history ?? History(workspace: workspace)
        self.ignored = PathGlobs(config.rules.ignore)
        self.benchFiles = PathGlobs(config.bench.files)
        self.limits = config.oneChangeLimits
        self.limitGlobs = PathGlobs(limits.ignore)
        // The three caches are read at once: on a long history each is megabytes of JSON.
        let diffsFile = workspace.stateDirectory + "/cache/diffs", apiFile = workspace.stateDirectory + "/cache/python-api"
        let groupingsFile = workspace.stateDirectory + "/cache/one-change"
        let groupingsKey = SHA256.hex(Array((ChangeGrouper.helper + "\n" + limits.ignore.joined(separator: "\n")).utf8))
        let (diffs, (groupings, surfaces)) = try Parallel.both(
            { DiffCache.load(cacheFile: diffsFile) },
            { (OneChangeCache.load(cacheFile: groupingsFile, key: groupingsKey), PythonAPICache.load(cacheFile: apiFile)) })
        self.diffs = DiffCache(cacheFile: diffsFile, loaded: diffs)
        self.pythonAPI = PythonAPICache(repository: workspace.repository, cacheFile: apiFile, loaded: surfaces)
        self.groupings = OneChangeCache(cacheFile: groupingsFile, key: groupingsKey, loaded: groupings)
    }

    // MARK: one change

    /// Groups the changes of `commits` that the cache does not hold yet, all in one python3 process.
    func prefetchGroupings(_ commits: [ObjectID]) throws {
        let missing = commits.filter { groupings[$0] == nil }
        guard !missing.isEmpty else { return }
        let diffs = try missing.map { try repository.diff(commit: $0, linesWanted: true) }
        for (commit, grouping) in zip(missing, try grouping(of: diffs)) where grouping.complete || grouping.problems != ["python3 not found"] {
            groupings[commit] = grouping
        }
    }

    /// The groupings of several diffs (with their line numbers); python3 is looked for on PATH.
    func grouping(of diffs: [[FileDiff]]) throws -> [ChangeGrouping] {
        let support = limitGlobs
        let files = try diffs.map { try ChangeAnalysis.groupingFiles(repository: repository, diff: $0, support: { support.matches($0) }) }
        return try ChangeGrouper.group(files, python: PythonAPI.findPython3())
    }

    /// The one-change and baseline rules for a change on top of `parent` whose own diff is `own`.
    func judge(message: CommitMessage, changes: [FileChange], grouping: ChangeGrouping?, parent: ObjectID?, own: [FileDiff],
               machine: String) throws -> ChangeJudgement {
        let finding = OneChangeRule.evaluate(message: message, changes: changes, limits: limits, grouping: grouping,
                                             isIgnored: limitGlobs.matches)
        return ChangeJudgement(
            oneChange: OneChangeVerdict.outcome(finding, message: message), finding: finding,
            baseline: try baselineRule(parent: parent, own: own, machine: machine))
    }

    func note(at commit: ObjectID) throws -> Note? {
        if let cached = notes[commit] { return cached }
        let note = try history.note(at: commit)
        notes[commit] = note
        return note
    }

    /// For every ancestor of `head`: the newest baseline run on it or its ancestors (on `machine`, when
    /// given). One pass over history, parents before children.
    /// A commit's newest baseline, and the first benchmark definition changed since it (on the way
    /// to that commit), if any.
    struct BaselineState {
        /// The baseline, shared by every commit after it (a run is large to copy into each of them).
        final class Found {
            let baseline: History.Baseline
            init(_ baseline: History.Baseline) { self.baseline = baseline }
        }
        var found: Found
        var position: Int
        var benchChange: String?
        var baseline: History.Baseline { found.baseline }
    }

    func baselines(upTo head: ObjectID, machine: String?) throws -> (map: [ObjectID: BaselineState], order: [ObjectID]) {
        var best: [ObjectID: BaselineState] = [:]
        let order = try history.graph.commits(from: head)
        for (position, commit) in order.enumerated() {
            if let blob = history.measured[commit], try history.baselineIndex.holdsBaseline(blob),
               let run = try note(at: commit)?.runs.last(where: { $0.baseline && (machine == nil || $0.machine.id == machine) }) {
                best[commit] = BaselineState(found: .init(History.Baseline(commit: commit, run: run)), position: position)
                continue
            }
            // The newest (latest in topological order) of the parents' baselines; a benchmark change on
            // any parent's way from that same baseline counts.
            let parents = try history.graph.parents(of: commit)
            guard var chosen = parents.compactMap({ best[$0] }).max(by: { $0.position < $1.position }) else { continue }
            chosen.benchChange = parents.compactMap { p in best[p].flatMap { $0.baseline.commit == chosen.baseline.commit ? $0.benchChange : nil } }.first
            if chosen.benchChange == nil, parents.count == 1 {
                chosen.benchChange = try paths(changedBy: commit).first { benchFiles.matches($0) }
            }
            best[commit] = chosen
        }
        return (best, order)
    }

    /// What `commit` changed against its first parent (paths only).
    func paths(changedBy commit: ObjectID) throws -> [String] {
        if let known = changedPaths[commit] { return known }
        let files = try diffs[commit]?.files ?? repository.diff(commit: commit, linesWanted: false)
        let paths = files.flatMap { [$0.path, $0.oldPath] }
        changedPaths[commit] = paths
        return paths
    }

    /// The newest baseline at or before `parent`. The map is made once for the newest commit checked
    /// (every parent in the range is its ancestor) and again only for a parent outside it.
    func baseline(before parent: ObjectID, machine: String?) throws -> BaselineState? {
        let key = machine ?? ""
        if let map = baselinesByMachine[key], let covered = coveredBy[key], covered.contains(parent) {
            return map[parent]
        }
        // The first time: one pass up to the newest commit checked, which covers every parent in the
        // range; a parent outside it gets a pass of its own.
        let head = coveredBy[key] == nil ? (rangeHead ?? parent) : parent
        let (map, order) = try baselines(upTo: head, machine: machine)
        if baselinesByMachine[key] == nil {
            baselinesByMachine[key] = map
            coveredBy[key] = Set(order)
        } else {
            baselinesByMachine[key]!.merge(map) { _, new in new }
            coveredBy[key]!.formUnion(order)
        }
        return map[parent]
    }

    /// The nearest measured first-parent ancestor of `commit` (memoized along the chain).
    func reference(of commit: ObjectID) throws -> ObjectID? {
        if let cached = references[commit] { return cached }
        var chain: [ObjectID] = []
        var current = try history.graph.parents(of: commit).first
        var found: ObjectID?
        while let c = current {
            if history.measured[c] != nil, try note(at: c) != nil { found = c; break }
            if let cached = references[c] { found = cached; break }
            chain.append(c)
            current = try history.graph.parents(of: c).first
        }
        references[commit] = found
        for c in chain { references[c] = found }
        return found
    }

    /// Each commit's message and kind, worked out once: a range's kinds are asked for several times per commit.
    private var messages: [ObjectID: CommitMessage] = [:]
    private var kinds: [ObjectID: CommitKind] = [:]

    func message(of commit: Commit) -> CommitMessage {
        if let known = messages[commit.id] { return known }
        let message = CommitMessage(commit.message)
        messages[commit.id] = message
        return message
    }

    func kind(of commit: Commit) -> CommitKind {
        if let known = kinds[commit.id] { return known }
        let kind: CommitKind =
            commit.isMerge ? .merge : config.rules.mode == .all || message(of: commit).isOptimization ? .optimization : .support
        kinds[commit.id] = kind
        return kind
    }

    func check(_ commit: Commit, summary: DiffSummary) throws -> CommitCheck {
        let id = commit.id
        let diff = summary.files
        let message = message(of: commit)
        let kind = kind(of: commit)
        // Only runs of the commit's own tree count (a copied run of an earlier version is history); a
        // failed measurement counts as a result when there is no successful one.
        let note = try self.note(at: id)
        let run = note?.runs.last
        let failure = note == nil ? try history.failedRun(at: id) : nil

        var rules: [RuleName: RuleOutcome] = [:]
        rules[.tests] = testsRule(run, failure: failure)
        // Like one-change and improvement, the API rule holds optimizations only (mode "perf").
        rules[.api] = kind == .optimization
            ? try apiRule(commit: commit, diff: diff, message: message)
            : RuleOutcome(.unknown, kind == .merge ? "merge commit" : "not an optimization commit")
        var symbols: [String: [String]] = [:]
        var finding: OneChangeFinding?
        var comparison: Comparison?
        var reference: ObjectID?
        if kind == .optimization {
            let changes = try summary.changes ?? ChangeAnalysis.changes(repository: repository, diff: try repository.diff(commit: id))
            if groupings[id] == nil { try prefetchGroupings([id]) }
            let judged = try judge(message: message, changes: changes, grouping: groupings[id], parent: commit.parents.first,
                                   own: diff, machine: run?.machine.id ?? currentMachine)
            finding = judged.finding
            symbols = judged.finding.symbolsByFile
            rules[.oneChange] = judged.oneChange
            rules[.baseline] = judged.baseline
            (reference, comparison) = try compareWithReference(id, note: note)
            rules[.improvement] = failure.map { RuleOutcome(.fail, failureReason($0)) }
                ?? improvementRule(comparison, measured: run != nil, reference: reference)
            rules[.hotPath] = hotPathRule(symbols, parent: commit.parents.first, reference: reference)
        } else {
            let why = kind == .merge ? "merge commit (compared against its first parent; not a journal entry)" : "not an optimization commit"
            for rule in [RuleName.oneChange, .baseline, .improvement, .hotPath] { rules[rule] = RuleOutcome(.unknown, why) }
            if kind == .merge, let parent = commit.parents.first, note != nil {
                (reference, comparison) = try compare(id, with: parent, note: note)
            }
        }
        return CommitCheck(
            commit: id.hex, subject: commit.subject, kind: kind, rules: rules, title: message.title, body: message.body,
            reference: reference?.hex, comparison: comparison, measured: run != nil, symbolsByFile: symbols,
            changedPaths: diff.flatMap { $0.path == $0.oldPath ? [$0.path] : [$0.path, $0.oldPath] }, oneChange: finding,
            measurementFailed: failure != nil)
    }

    // MARK: hot-path

    /// Whether any commit has a profile note: most histories have none, and then no run note is read for it.
    private lazy var anyProfile = !((try? repository.notedCommits(ref: ProfileStore.ref)) ?? [:]).isEmpty
    /// `ProfileLookup.latest` by commit: every optimization after a measured commit asks for its profile.
    private var profiles: [ObjectID: (run: Run, profile: RunProfile)?] = [:]

    func latestProfile(at commit: ObjectID) -> (run: Run, profile: RunProfile)? {
        guard anyProfile else { return nil }
        if let known = profiles[commit] { return known }
        let found = try? ProfileLookup.latest(at: commit, in: repository)
        profiles[commit] = .some(found ?? nil)
        return found ?? nil
    }

    /// An optimization whose changed Python functions each take less than `rules.hot_threshold` of every
    /// benchmark's cumulative time in the parent's profile (else the reference's) optimizes cold code.
    func hotPathRule(_ symbolsByFile: [String: [String]], parent: ObjectID?, reference: ObjectID?) -> RuleOutcome {
        let mode = config.rules.hotPath
        if mode == .off { return RuleOutcome(.unknown, "off (rules.hot_path = \"off\")") }
        let changed = symbolsByFile.filter { $0.key.hasSuffix(".py") }.flatMap { file, symbols in
            symbols.map { (file: file, name: String($0.split(separator: ".").last ?? Substring($0))) }
        }
        guard !changed.isEmpty else { return RuleOutcome(.unknown, "no changed Python function to look for in the profile") }
        let profiled = [parent, reference].compactMap { $0 }.lazy.compactMap { self.latestProfile(at: $0) }.first
        guard let (_, profile) = profiled else { return RuleOutcome(.unknown, "the parent has no profile") }
        let benchmarks = profile.benchmarks.filter(\.hasFunctions)
        guard !benchmarks.isEmpty else { return RuleOutcome(.unknown, "the parent has no profile") }
        func share(_ file: String, _ name: String) -> (Double, String) {
            var best = (0.0, "")
            for b in benchmarks {
                for f in b.functions where f.file == file && f.name == name {
                    let s = b.cumulativeShare(f)
                    if s > best.0 { best = (s, b.name) }
                }
            }
            return best
        }
        func percent(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }
        let shares = changed.map { (key: "\($0.file):\($0.name)", share: share($0.file, $0.name)) }
        if let hot = shares.filter({ $0.share.0 >= config.rules.hotThreshold }).max(by: { $0.share.0 < $1.share.0 }) {
            let bench = hot.share.1.split(separator: ":").last.map(String.init) ?? hot.share.1
            return RuleOutcome(.pass, "changes `\(hot.key)` (\(percent(hot.share.0)) of \(bench))")
        }
        // The hottest functions of the repository's own code (not built-ins or installed packages).
        var hottest: [String: Double] = [:]
        for b in benchmarks {
            for f in b.functions where f.file != "~" && !f.file.hasPrefix("<") {
                hottest[f.key] = max(hottest[f.key] ?? 0, b.cumulativeShare(f))
            }
        }
        let top = hottest.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(3)
        let cold = shares.map { "`\($0.key)` (\(percent($0.share.0)))" }.joined(separator: ", ")
        let reason = "optimizes code no benchmark spends time in: \(cold)"
            + (top.isEmpty ? "" : "; the hottest are " + top.map { "`\($0.key)` (\(percent($0.value)))" }.joined(separator: ", "))
        return RuleOutcome(mode == .fail ? .fail : .warn, reason)
    }

    // MARK: baseline

    /// A change needs a baseline run on an ancestor (its parent or older), on the same machine, with the
    /// benchmark definitions unchanged since: `bench.command` as the baseline ran it, and no `bench.files`
    /// path changed by the commits after the baseline, nor modified, deleted or renamed by the change
    /// itself. A benchmark file the change adds is fine: it redefines no benchmark the baseline measured.
    func baselineRule(parent: ObjectID?, own: [FileDiff], machine: String) throws -> RuleOutcome {
        let fix = "run `perfjournal baseline` before changing anything"
        guard let parent else {
            return RuleOutcome(.fail, "no baseline: nothing is committed yet to hold one; commit the code as it is, then \(fix)")
        }
        guard let state = try self.baseline(before: parent, machine: machine) else {
            if try self.baseline(before: parent, machine: nil) != nil {
                return RuleOutcome(.fail, "no baseline on this machine (\(machine)); run `perfjournal baseline <rev>` on it")
            }
            return RuleOutcome(.fail, "no baseline before this change; \(fix)")
        }
        let baseline = state.baseline
        let again = "commit benchmark changes on their own, then run `perfjournal baseline` again"
        if let command = baseline.run.bench?.command, command != config.bench.command {
            return RuleOutcome(.fail, "the bench command changed since the baseline at \(baseline.commit.short); run `perfjournal baseline` again")
        }
        let touched = state.benchChange ?? own.filter { $0.status != .added }.flatMap { [$0.oldPath, $0.path] }.first { benchFiles.matches($0) }
        if let touched {
            return RuleOutcome(.fail, "benchmark definitions changed since the baseline at \(baseline.commit.short) (\(touched)); \(again)")
        }
        return RuleOutcome(.pass, "baseline at \(baseline.commit.short)")
    }

    // MARK: tests

    func testsRule(_ run: Run?, failure: Run? = nil) -> RuleOutcome {
        if let failure { return RuleOutcome(.fail, failureReason(failure)) }
        guard let run else { return noRunYet }
        guard let tests = run.tests else { return RuleOutcome(.unknown, "the run recorded no test outcome") }
        switch tests.status {
        case .passed: return RuleOutcome(.pass, RunSummary.testsText(tests))
        case .failed: return RuleOutcome(.fail, RunSummary.testsText(tests))
        case .timeout: return RuleOutcome(.fail, "the test suite timed out")
        }
    }

    /// "no run yet": unknown, or a failure when runs are required.
    var noRunYet: RuleOutcome {
        requireRuns ? RuleOutcome(.fail, "no run yet (runs are required: --require-runs or rules.require_runs)") : RuleOutcome(.unknown, "no run yet")
    }

    func failureReason(_ run: Run) -> String {
        "measurement failed: " + run.failureText(stateDirectory: workspace.stateDirectory)
    }

    // MARK: improvement

    /// Comparisons with the reference made ahead, by commit.
    private var comparedWithReference: [ObjectID: Comparison?] = [:]

    /// Compares each commit with its reference, all at once (`History.comparisons`).
    func prefetchComparisons(_ commits: [ObjectID]) throws {
        var requests: [History.ComparisonRequest] = []
        for id in commits where comparedWithReference[id] == nil {
            guard let note = try self.note(at: id), let reference = try reference(of: id), let referenceNote = try self.note(at: reference) else { continue }
            requests.append(
                History.ComparisonRequest(
                    commit: id, note: note, tree: try workspace.commit(id).tree, reference: reference, referenceNote: referenceNote,
                    referenceTree: try workspace.commit(reference).tree))
        }
        for (request, comparison) in zip(requests, history.comparisons(requests, stats: config.stats)) {
            comparedWithReference[request.commit] = .some(comparison)
        }
    }

    /// Compares the commit's runs with those of its nearest measured first-parent ancestor.
    func compareWithReference(_ id: ObjectID, note: Note?) throws -> (ObjectID?, Comparison?) {
        guard let reference = try reference(of: id) else { return (nil, nil) }
        if let known = comparedWithReference[id] { return (reference, known) }
        return try compare(id, with: reference, note: note)
    }

    func compare(_ id: ObjectID, with reference: ObjectID, note: Note?) throws -> (ObjectID?, Comparison?) {
        guard let note, let referenceNote = try self.note(at: reference) else { return (reference, nil) }
        let comparison = history.comparison(
            id, note: note, tree: try workspace.commit(id).tree, with: reference, referenceNote: referenceNote,
            referenceTree: try workspace.commit(reference).tree, stats: config.stats)
        return (reference, comparison)
    }

    func improvementRule(_ comparison: Comparison?, measured: Bool, reference: ObjectID?) -> RuleOutcome {
        guard measured else { return noRunYet }
        guard let reference else { return RuleOutcome(.unknown, "no measured ancestor to compare with") }
        guard let comparison else { return RuleOutcome(.unknown, "\(reference.short) has no run on the same machine") }
        let regressed = comparison.benchmarks.filter { $0.verdict == .regressed }
        if !regressed.isEmpty {
            return RuleOutcome(.fail, "regression: " + regressed.map { "\($0.name) \(Display.percentChange(ratio: $0.ratio))" }.joined(separator: ", "))
        }
        let improved = comparison.benchmarks.filter { $0.verdict == .improved }
        if improved.isEmpty {
            return RuleOutcome(.fail, "not beyond noise: no benchmark improved against \(reference.short)")
        }
        return RuleOutcome(.pass, "improved: " + improved.map { "\($0.name) \(Display.percentChange(ratio: $0.ratio))" }.joined(separator: ", "))
    }

    // MARK: API

    func apiRule(commit: Commit, diff: [FileDiff], message: CommitMessage) throws -> RuleOutcome {
        guard !commit.isMerge else { return RuleOutcome(.unknown, "merge commit") }
        // rules.api_command is never run here (check, status, log… are read-only): trusted runs record
        // the surface it prints, and the rule reads it back.
        var surfaces: (() throws -> APICheck.StoredSurfaces)?
        if let command = config.rules.apiCommand, let parent = commit.parents.first {
            surfaces = { [self] in
                try APICheck.storedSurfaces(command, commit: commit, parentTree: try repository.commit(parent).tree, notes: { try note(at: $0) })
            }
        }
        return try APICheck.outcome(
            diff: diff, message: message, config: config, ignore: ignored,
            text: { blob in try blob.map { String(decoding: try repository.blobBytes($0), as: UTF8.self) } },
            python: { [pythonAPI] in try pythonAPI.surface($0) },
            apiCommandSurfaces: surfaces)
    }
}

extension Config {
    /// The one-change limits, with the journal file always ignored.
    package var oneChangeLimits: OneChangeLimits {
        OneChangeLimits(
            maxFiles: rules.maxFiles, maxSymbols: rules.maxSymbols, maxModules: rules.maxModules,
            ignore: rules.ignore + [log.path, Config.fileName])
    }
}

enum OneChangeVerdict {
    static func outcome(_ finding: OneChangeFinding, message: CommitMessage) -> RuleOutcome {
        if finding.bundled { return RuleOutcome(.fail, "bundled: " + finding.reasons.joined(separator: "; ")) }
        if let scope = message.trailer("Perf-Scope") {
            return RuleOutcome(.pass, "broad change accepted (Perf-Scope: \(scope))")
        }
        if let fallback = finding.fallback {
            let files = finding.symbolsByFile.keys.count
            return RuleOutcome(.pass, "within the limits (\(files) file\(files == 1 ? "" : "s"); \(fallback))")
        }
        switch finding.groups.count {
        case 0: return RuleOutcome(.pass, "no code changed outside tests, benchmarks and docs")
        default: return RuleOutcome(.pass, "one change: {\(finding.groups[0].label)}")
        }
    }
}

/// Turns libgit2 diffs into the rules' view: per file, the symbols enclosing changed lines.
package enum ChangeAnalysis {
    package static func changes(repository: Repository, diff: [FileDiff]) throws -> [FileChange] {
        try diff.map { file in
            var change = FileChange(
                path: file.path, oldPath: file.oldPath == file.path ? nil : file.oldPath, isBinary: file.isBinary || file.isSubmodule,
                addedLines: file.addedLines.count, deletedLines: file.deletedLines.count, hunks: file.hunks)
            guard !change.isBinary, let language = SourceLanguage(path: file.path) else { return change }
            if let blob = file.oldBlob, !file.deletedLines.isEmpty {
                let text = String(decoding: try repository.blobBytes(blob), as: UTF8.self)
                change.oldSymbols = SymbolIndex.enclosingSymbols(lines: file.deletedLines, in: text, language: language)
            }
            if let blob = file.newBlob, !file.addedLines.isEmpty {
                let text = String(decoding: try repository.blobBytes(blob), as: UTF8.self)
                change.newSymbols = SymbolIndex.enclosingSymbols(lines: file.addedLines, in: text, language: language)
            }
            return change
        }
    }
}

extension ChangeAnalysis {
    /// The changed source files of `diff` (with line numbers) and their texts, as the grouping reads them.
    package static func groupingFiles(repository: Repository, diff: [FileDiff], support: (String) -> Bool) throws -> [GroupingFile] {
        try diff.compactMap { file in
            guard !file.isBinary, !file.isSubmodule, let language = SourceLanguage(path: file.path) else { return nil }
            func text(_ blob: ObjectID?) throws -> String? {
                try blob.map { String(decoding: try repository.blobBytes($0), as: UTF8.self) }
            }
            return GroupingFile(
                path: file.path, oldPath: file.oldPath, oldText: try text(file.oldBlob), newText: try text(file.newBlob),
                deletedLines: file.deletedLines, addedLines: file.addedLines, support: support(file.path), language: language)
        }
    }
}
