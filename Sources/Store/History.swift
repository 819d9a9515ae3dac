// swift-format-ignore-file
import Config
import Foundation
import Git
import Statistics
import Support


/// Questions about runs along history: where is the baseline, what has been measured since.
public struct History {
    public let workspace: Workspace
    /// Measured commits and their note blobs, read once.
    public let measured: [ObjectID: ObjectID]
    /// Ancestry from perfjournal's commit-graph cache: long histories are walked in memory.
    public let graph: CommitGraph
    /// Which note blobs hold a baseline run, cached by blob id.
    package let baselineIndex: BaselineBlobIndex
    let noiseLearner: NoiseLearner
    let comparisons: ComparisonCache
    let parsedNotes: ParsedNoteCache
    /// Notes decoded so far, by blob: the rules, the baseline walk and the report read the same notes.
    let decoded = DecodedNotes()

    public init(workspace: Workspace) throws {
        self.workspace = workspace
        self.measured = try workspace.store.measuredCommits()
        self.graph = CommitGraph(repository: workspace.repository, cacheFile: workspace.stateDirectory + "/cache/commit-graph")
        self.baselineIndex = BaselineBlobIndex(repository: workspace.repository, cacheFile: workspace.stateDirectory + "/cache/baseline-blobs")
        self.noiseLearner = NoiseLearner(
            repository: workspace.repository, cacheFile: workspace.stateDirectory + "/cache/run-values",
            modelCacheFile: workspace.stateDirectory + "/cache/noise-models")
        self.comparisons = ComparisonCache(cacheFile: workspace.stateDirectory + "/cache/comparisons")
        self.parsedNotes = ParsedNoteCache(cacheFile: workspace.stateDirectory + "/cache/parsed-notes")
    }

    public struct Baseline {
        public var commit: ObjectID
        public var run: Run

        package init(commit: ObjectID, run: Run) {
            self.commit = commit
            self.run = run
        }
    }

    /// The newest baseline run on `head` or its ancestors (made on `machine`, when given).
    public func baseline(at head: ObjectID, machine: String? = nil) throws -> Baseline? {
        guard !measured.isEmpty else { return nil }
        for commit in try graph.commits(from: head).reversed() {
            guard let blob = measured[commit], try baselineIndex.holdsBaseline(blob) else { continue }
            let note = try self.note(blob: blob, commit: commit)
            let tree = try workspace.commit(commit).tree
            if let run = note.runs(ofTree: tree).last(where: { $0.baseline && !$0.failed && (machine == nil || $0.machine.id == machine) }) {
                return Baseline(commit: commit, run: run)
            }
        }
        return nil
    }

    /// The newest baseline reachable from `head` and the commits after it, oldest first.
    public func baselineAndCommitsSince(head: ObjectID) throws -> (baseline: Baseline?, commits: [ObjectID]) {
        let baseline = try self.baseline(at: head)
        return (baseline, try commits(since: baseline?.commit, to: head))
    }

    /// Commits after `baseline` up to `head`, oldest first; everything reachable when there is no baseline.
    public func commits(since baseline: ObjectID?, to head: ObjectID) throws -> [ObjectID] {
        try graph.commits(from: head, hiding: baseline.map { [$0] } ?? [])
    }

    /// The run-to-run spread learned on `machine` from every repeated run of one tree stored there.
    public func noise(machine: String) -> NoiseModel {
        // The notes this command decoded already are not read again (the learner read each note not in
        // its cache by itself, one by one: 19 s of a first report on 2,000 packed notes).
        noiseLearner.model(machine: machine, measured: measured) { commits in try? notes(of: commits) }
    }

    public func note(at commit: ObjectID) throws -> Note? {
        guard let blob = measured[commit] else { return nil }
        // The commit's measurement: runs of its own tree that measured something (see OwnRuns.swift).
        let note = try self.note(blob: blob, commit: commit)
        let runs = note.runs(ofTree: try workspace.commit(commit).tree).filter { !$0.failed }
        return runs.isEmpty ? nil : Note(runs: runs)
    }

    /// The whole note in `blob` (every run, of any tree), decoded once for the life of this History.
    public func note(blob: ObjectID, commit: ObjectID) throws -> Note {
        if let known = decoded[blob] { return known }
        let note = try parsedNotes.note(blob: blob, commit: commit, repository: workspace.repository)
        decoded[blob] = note
        return note
    }

    /// The notes on `commits` (those measured), read and decoded on every core, from the parsed-note cache
    /// when it holds them. Each worker reads blobs through its own repository handle: a libgit2 handle
    /// must stay on one thread.
    public func notes(of commits: [ObjectID]) throws -> [(commit: ObjectID, note: Note)] {
        var wanted: [(commit: ObjectID, blob: ObjectID)] = []
        var missing: [(commit: ObjectID, blob: ObjectID)] = []
        var seen = Set<ObjectID>()
        for commit in commits {
            guard let blob = measured[commit] else { continue }
            wanted.append((commit, blob))
            if decoded[blob] == nil, seen.insert(blob).inserted { missing.append((commit, blob)) }
        }
        let workers = min(max(1, System.activeProcessorCount), max(1, missing.count / 16))
        let gitDir = workspace.repository.gitDir
        let parsedNotes = self.parsedNotes
        let fresh = try Parallel.map(missing, workers: workers, state: { () throws(any Error) in try Repository(at: gitDir) }) {
            repository, entry throws(any Error) in
            try parsedNotes.note(blob: entry.blob, commit: entry.commit, repository: repository)
        }
        for (entry, note) in zip(missing, fresh) { decoded[entry.blob] = note }
        return wanted.map { ($0.commit, decoded[$0.blob]!) }
    }

    /// `note` (the runs of `commit`'s own tree, as `note(at:)` gives them) against `referenceNote` (those of
    /// `reference`), as `RunComparison.compare` judges them; kept in the comparison cache by both notes'
    /// blobs and trees, the options and the machine's learned noise, so a history is compared once.
    public func comparison(
        _ commit: ObjectID, note: Note, tree: ObjectID, with reference: ObjectID, referenceNote: Note, referenceTree: ObjectID,
        stats: StatsConfig
    ) -> Comparison? {
        let request = ComparisonRequest(
            commit: commit, note: note, tree: tree, reference: reference, referenceNote: referenceNote, referenceTree: referenceTree)
        return comparisons([request], stats: stats)[0]
    }

    /// One comparison for `comparisons(_:stats:)`: a commit's note and tree, and its reference's.
    package struct ComparisonRequest: Sendable {
        package var commit: ObjectID
        package var note: Note
        package var tree: ObjectID
        package var reference: ObjectID
        package var referenceNote: Note
        package var referenceTree: ObjectID

        package init(commit: ObjectID, note: Note, tree: ObjectID, reference: ObjectID, referenceNote: Note, referenceTree: ObjectID) {
            self.commit = commit
            self.note = note
            self.tree = tree
            self.reference = reference
            self.referenceNote = referenceNote
            self.referenceTree = referenceTree
        }
    }

    /// The comparison of each request, decoded from the cache or computed on every core (a
    /// long history's comparisons were a fifth of `report`'s time on one). The noise models and cache keys
    /// are worked out here first: the learner and the key memo belong to this thread.
    package func comparisons(_ requests: [ComparisonRequest], stats: StatsConfig) -> [Comparison?] {
        struct Prepared: Sendable {
            var request: ComparisonRequest
            var noise: NoiseModel
            var key: [UInt8]?
        }
        let options = ComparisonOptions(stats: stats)
        let prepared = requests.map { r -> Prepared? in
            guard let machine = RunComparison.machine(of: r.note, tree: r.tree) else { return nil }
            let noise = noise(machine: machine)
            guard let blob = measured[r.commit], let referenceBlob = measured[r.reference] else {
                return Prepared(request: r, noise: noise, key: nil)
            }
            let key = comparisons.key(
                commit: (blob, r.tree), reference: (referenceBlob, r.referenceTree), machine: machine, options: options, noise: noise)
            return Prepared(request: r, noise: noise, key: key)
        }
        let file = comparisons.file
        return Parallel.map(prepared) { p -> Comparison? in
            guard let p else { return nil }
            let r = p.request
            func compute() -> Comparison? {
                RunComparison.compare(
                    r.note, tree: r.tree, with: r.referenceNote, referenceTree: r.referenceTree, stats: stats, noise: { _ in p.noise })
            }
            guard let key = p.key else { return compute() }
            return ComparisonCache.comparison(key: key, in: file, compute: compute)
        }
    }

    /// What `commit` is compared against: its nearest measured first-parent ancestor (the baseline at
    /// the latest), or nil when none is measured.
    public func reference(of commit: ObjectID) throws -> ObjectID? {
        guard let parent = try graph.parents(of: commit).first else { return nil }
        var found: ObjectID?
        try graph.firstParents(from: parent) { c in
            if try isMeasured(c) { found = c; return false }
            return true
        }
        return found
    }
}

/// Decoded notes by blob id (immutable, so never stale), shared by the threads that decode them.
final class DecodedNotes: @unchecked Sendable {
    private let lock = NSLock()
    private var notes: [ObjectID: Note] = [:]

    subscript(blob: ObjectID) -> Note? {
        get { lock.withLock { notes[blob] } }
        set { lock.withLock { notes[blob] = newValue } }
    }
}
