// swift-format-ignore-file
import Foundation
import Git
import Support

/// perfjournal's runs in `refs/notes/perfjournal`: one JSON note per commit.
///
/// Writers in one repository take `.git/perfjournal/notes.lock` (flock) before they read the note, so each
/// run's note is written once rather than once per lost race. The ref still moves by compare-and-swap:
/// the guard against writers that take no lock (another tool, git itself).
public struct NoteStore {
    public static let ref = "refs/notes/perfjournal"
    /// Where `perfjournal doctor --fix` (and `fetch`) put notes perfjournal cannot read.
    public static let quarantineRef = "refs/notes/perfjournal-quarantine"
    public let repository: Repository

    public init(repository: Repository) {
        self.repository = repository
    }

    /// The note on `commit`, or nil when it has none.
    public func note(at commit: ObjectID) throws -> Note? {
        guard let text = try repository.noteText(ref: Self.ref, commit: commit) else { return nil }
        return try NoteCodec.decode(text, commit: commit)
    }

    /// Measured commits mapped to their note blobs; reads no note contents.
    public func measuredCommits() throws -> [ObjectID: ObjectID] {
        try repository.notedCommits(ref: Self.ref)
    }

    public func note(blob: ObjectID, commit: ObjectID) throws -> Note {
        try NoteCodec.decode(try repository.noteText(blob: blob), commit: commit)
    }

    /// Runs `body` holding the writers' lock of this repository (blocking until it is free).
    @discardableResult
    package func withWriteLock<T>(_ body: () throws -> T) throws -> T {
        let directory = repository.commonDir + "/perfjournal"
        if mkdir(directory, 0o755) != 0 && errno != EEXIST {
            throw PerfJournalError(.store, file: directory, "cannot create perfjournal's directory: \(String(cString: strerror(errno)))")
        }
        let lock = try FileLock(path: directory + "/notes.lock")
        defer { withExtendedLifetime(lock) {} }
        return try body()
    }

    /// Adds `run` to the note on `commit`. A run whose id is already there is not added twice, so a
    /// retried store (after a crash between storing and clearing a job) stays exactly-once.
    public func append(_ run: Run, to commit: ObjectID) throws {
        do {
            try withWriteLock {
                try repository.updateNote(ref: Self.ref, commit: commit, message: "perfjournal: \(run.source.rawValue) \(commit.short)") { current in
                    var note = try current.map { try NoteCodec.decode($0, commit: commit) } ?? Note()
                    if note.runs.contains(where: { $0.id == run.id }) { return nil }
                    note.runs.append(run)
                    return try NoteCodec.encode(note)
                }
            }
        } catch let error as GitError where error.isOutOfSpace {
            throw PerfJournalError(.store, file: Self.ref, "no space left on device (writing the note on \(commit.short)): nothing was stored")
        } catch let error as GitError {
            throw PerfJournalError(.store, file: Self.ref, "could not store the run on \(commit.short): \(error)")
        }
    }

    // MARK: - Unreadable notes

    public struct UnreadableNote: Sendable, Equatable {
        public var commit: ObjectID
        public var problem: NoteCodec.Unreadable
        /// "note on c8facf5 is not a perfjournal note: malformed JSON"
        public var description: String { "note on \(commit.short) \(problem.phrase)" }
    }

    /// Every note perfjournal cannot read, by commit.
    public func unreadableNotes() throws -> [UnreadableNote] {
        var found: [UnreadableNote] = []
        for (commit, blob) in try measuredCommits().sorted(by: { $0.key < $1.key }) {
            if case .failure(let problem) = NoteCodec.read(try repository.noteText(blob: blob)) {
                found.append(UnreadableNote(commit: commit, problem: problem))
            }
        }
        return found
    }

    /// Moves the notes on `commits` from perfjournal's ref to `quarantineRef`: they are added there first
    /// (next to any note already there), then removed here in one compare-and-swap commit. A note that
    /// became readable meanwhile (someone fixed it) stays. Returns the commits moved.
    @discardableResult
    public func quarantine(_ commits: [ObjectID]) throws -> [ObjectID] {
        do {
            return try withWriteLock {
                while true {
                    let tip = try repository.referenceTarget(Self.ref)
                    var moving: [(ObjectID, String)] = []
                    for commit in commits {
                        guard let text = try repository.noteText(ref: Self.ref, commit: commit) else { continue }
                        if case .failure = NoteCodec.read(text) { moving.append((commit, text)) }
                    }
                    guard let tip, !moving.isEmpty else { return [] }
                    try keepAside(moving, message: "perfjournal doctor: unreadable notes from \(Self.ref)")
                    let fixed = try repository.commitNotes(
                        ref: Self.ref, onto: tip, changes: moving.map { ($0.0, nil) }, parents: [tip],
                        message: "perfjournal doctor: move \(moving.count) unreadable note\(moving.count == 1 ? "" : "s") to \(Self.quarantineRef)")
                    if try repository.compareAndSwap(Self.ref, from: tip, to: fixed, message: "perfjournal: doctor --fix") {
                        return moving.map(\.0)
                    }
                }
            }
        } catch let error as GitError where error.isOutOfSpace {
            throw PerfJournalError(.store, file: Self.ref, "no space left on device (moving unreadable notes aside): nothing was moved")
        } catch let error as GitError {
            throw PerfJournalError(.store, file: Self.ref, "could not move unreadable notes aside: \(error)")
        }
    }

    /// Adds `notes` to the quarantine ref; a commit that already has a different note there keeps both texts.
    func keepAside(_ notes: [(ObjectID, String)], message: String) throws {
        while true {
            let tip = try repository.referenceTarget(Self.quarantineRef)
            var changes: [(ObjectID, String?)] = []
            for (commit, text) in notes {
                let existing = try tip.flatMap { _ in try repository.noteText(ref: Self.quarantineRef, commit: commit) }
                guard let existing else { changes.append((commit, text)); continue }
                if existing == text || existing.contains(text) { continue }
                changes.append((commit, existing + (existing.hasSuffix("\n") ? "" : "\n") + text))
            }
            if changes.isEmpty { return }
            let commit = try repository.commitNotes(ref: Self.quarantineRef, onto: tip, changes: changes, parents: tip.map { [$0] } ?? [], message: message)
            if try repository.compareAndSwap(Self.quarantineRef, from: tip, to: commit, message: message) { return }
        }
    }

    // MARK: - Merging another clone's notes

    /// A note of the other side that was not merged, and why.
    public struct KeptOut: Sendable, Equatable {
        public var commit: ObjectID
        public var problem: NoteCodec.Unreadable
        /// The local note on that commit is the unreadable one, not the incoming.
        public var local: Bool
    }

    /// Merges the notes ref `other` (another clone's, fetched) into perfjournal's: a union of notes by
    /// commit, and inside a note a union of runs by run id. Every incoming note is read first; one that
    /// cannot be read is never merged: it goes to `quarantineRef` and is reported in `keptOut`. A local
    /// note that cannot be read stays as it is (`doctor --fix` is its way out). Returns the notes changed.
    public func merge(from other: String, keptOut: inout [KeptOut]) throws -> Int {
        var rejected: [KeptOut] = []
        var aside: [(ObjectID, String)] = []
        let changed: Int
        do {
            changed = try withWriteLock {
                try repository.mergeNotes(ref: Self.ref, from: other, message: "perfjournal: merge \(other)") { commit, ours, theirs in
                    let incoming: Note
                    switch NoteCodec.read(theirs) {
                    case .success(let note): incoming = note
                    case .failure(let problem):
                        if !rejected.contains(where: { $0.commit == commit }) {
                            rejected.append(KeptOut(commit: commit, problem: problem, local: false))
                            aside.append((commit, theirs))
                        }
                        return nil
                    }
                    guard let ours else { return theirs }
                    var note: Note
                    switch NoteCodec.read(ours) {
                    case .success(let local): note = local
                    case .failure(let problem):
                        if !rejected.contains(where: { $0.commit == commit }) {
                            rejected.append(KeptOut(commit: commit, problem: problem, local: true))
                        }
                        return ours
                    }
                    let known = Set(note.runs.map(\.id))
                    let new = incoming.runs.filter { !known.contains($0.id) }
                    if new.isEmpty { return ours }
                    note.runs += new
                    return try NoteCodec.encode(note)
                }
            }
            if !aside.isEmpty {
                try withWriteLock { try keepAside(aside, message: "perfjournal: unreadable notes from \(other)") }
            }
        } catch let error as GitError where error.isOutOfSpace {
            throw PerfJournalError(.store, file: Self.ref, "no space left on device (merging \(other)): nothing was merged")
        } catch let error as GitError {
            throw PerfJournalError(.store, file: Self.ref, "cannot merge \(other): \(error.message)")
        }
        keptOut = rejected
        return changed
    }
}
