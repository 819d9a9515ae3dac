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
        let directory = try stateDirectory()
        let lock = try FileLock(path: directory + "/notes.lock")
        defer { withExtendedLifetime(lock) {} }
        return try body()
    }

    /// `.git/perfjournal`, created when missing.
    private func stateDirectory() throws -> String {
        let directory = repository.commonDir + "/perfjournal"
        if mkdir(directory, 0o755) != 0 && errno != EEXIST {
            throw PerfJournalError(.store, file: directory, "cannot create perfjournal's directory: \(String(cString: strerror(errno)))")
        }
        return directory
    }

    package var spool: RunSpool { RunSpool(stateDirectory: repository.commonDir + "/perfjournal") }

    /// Says that a run of `commit` will be appended by this process soon (it is still being read or encoded),
    /// so a writer that holds the lock meanwhile waits for it and writes both at once. Pass it to `append`.
    /// Nil when it cannot be said, which only costs batching.
    package func announceRun(on commit: ObjectID) -> RunSpool.Entry? {
        guard (try? stateDirectory()) != nil else { return nil }
        return spool.announce(commit: commit)
    }

    /// Adds `run` to the note on `commit`. A run whose id is already there is not added twice, so a
    /// retried store (after a crash between storing and clearing a job) stays exactly-once.
    ///
    /// The run is spooled first (`RunSpool`) and the writers' lock taken after: the holder writes the runs
    /// of every writer waiting on that commit in one note write, so N writers cost a few writes, not N
    /// writes of a growing note. Returns once the run is in the note, or throws: it never reports a run
    /// stored that is not.
    public func append(_ run: Run, to commit: ObjectID) throws {
        try append(run, to: commit, announcement: nil)
    }

    /// `append`, releasing `announcement` (from `announceRun`) once the run is spooled, before the lock is asked for.
    package func append(_ run: Run, to commit: ObjectID, announcement: RunSpool.Entry?) throws {
        let spool = self.spool
        defer { announcement?.release() }
        do {
            _ = try stateDirectory()
            var own = RunSpool.Spooled(id: run.id, fragment: try NoteCodec.fragment(run), path: nil)
            // Others on this commit: one of them may write the note while this process waits, so compress the
            // run now, while every writer is busy, not in the one that writes. Alone it is compressed when
            // written, on every core.
            if spool.othersPresent(on: commit, except: announcement) {
                own.deflated = own.fragment.utf8.withContiguousStorageIfAvailable { Repository.deflate(UnsafeRawBufferPointer($0)) } ?? nil
            }
            let entry = try spool.put(own, commit: commit)
            // Spooled: a holder need not wait for it any more (and it never waits for itself).
            announcement?.release()
            try withWriteLock {
                // Inside the lock: once our file is gone or unlocked no holder may pick the run up, and a
                // failure must not leave it to be stored after we reported it.
                defer { entry.release() }
                // Gone: a holder stored it and the ref update had landed before it removed the file.
                guard entry.isSpooled else { return }
                // Writers that announced a run of this commit and are still encoding it go in this write too.
                spool.awaitAnnounced(for: commit)
                let others = spool.waiting(for: commit, own: entry)
                let batch = [own] + others
                let message = "perfjournal: \(run.source.rawValue) \(commit.short)" + (batch.count > 1 ? " (\(batch.count) runs)" : "")
                try repository.updateNoteReusingStretches(ref: Self.ref, commit: commit, message: message) { current in
                    try Self.adding(batch, to: current, commit: commit)
                }
                // Landed (or every run was there already): now their writers may learn it.
                for waiting in others { if let path = waiting.path { unlink(path) } }
            }
        } catch let error as GitError where error.isOutOfSpace {
            throw Self.noSpace(commit, leftForGC: error.leftForGC)
        } catch let error as RunSpool.Failure where error.isOutOfSpace {
            throw Self.noSpace(commit)
        } catch let error as GitError {
            throw PerfJournalError(.store, file: Self.ref, "could not store the run on \(commit.short): \(error)")
        } catch let error as RunSpool.Failure {
            throw PerfJournalError(.store, file: error.path, "could not store the run on \(commit.short): \(error.message)")
        }
    }

    /// The note text `current` (nil: no note yet) with the runs of `batch` it lacks, or nil when it has them
    /// all. The new runs' text is appended to the note's as it is. A note laid out as perfjournal writes notes
    /// (in this schema) is not decoded: its run ids are read off the layout (`NoteCodec.runIDs`), which keeps
    /// the lock holder's work proportional to the bytes, not to decoding every earlier run. Any other note is
    /// decoded (it must be readable) and encoded whole.
    /// The new text comes with the stretches of it that the batch's writers compressed already.
    static func adding(_ batch: [RunSpool.Spooled], to current: String?, commit: ObjectID) throws -> Repository.NoteText? {
        func placed(_ runs: [RunSpool.Spooled], _ layout: (text: String, offsets: [Int])) -> Repository.NoteText {
            let stretches = zip(runs, layout.offsets).compactMap { run, offset -> DeflatedStretch? in
                guard var stretch = run.deflated else { return nil }
                stretch.offset += offset
                return stretch
            }
            return Repository.NoteText(layout.text, deflated: stretches)
        }
        guard let current else {
            var seen = Set<String>()
            let runs = batch.filter { seen.insert($0.id).inserted }
            return placed(runs, NoteCodec.assembling(schema: Note.currentSchema, fragments: runs.map(\.fragment)))
        }
        if let layout = NoteCodec.runIDs(in: current), layout.schema == Note.currentSchema {
            var known = Set(layout.ids)
            let new = try batch.filter { known.insert(try NoteCodec.literal($0.id)).inserted }
            if new.isEmpty { return nil }
            if let text = NoteCodec.appending(new.map(\.fragment), to: current, schema: layout.schema) { return placed(new, text) }
        }
        var note = try NoteCodec.decode(current, commit: commit)
        var known = Set(note.runs.map(\.id))
        let new = batch.filter { known.insert($0.id).inserted }
        if new.isEmpty { return nil }
        if let text = NoteCodec.appending(new.map(\.fragment), to: current, schema: note.schema) { return placed(new, text) }
        note.runs += try new.map { try $0.run() }
        return Repository.NoteText(try NoteCodec.encode(note))
    }

    static func noSpace(_ commit: ObjectID, leftForGC: Bool = false) -> PerfJournalError {
        PerfJournalError(
            .store, file: Self.ref,
            "no space left on device (writing the note on \(commit.short)): nothing was stored"
                + (leftForGC ? " (a partly written tree is left for `git gc`)" : ""))
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

    /// The other side holds a note written by a newer perfjournal: `merge` merged nothing.
    public struct NewerNote: Error, Equatable {
        public var commit: ObjectID
        public var schema: Int
    }

    /// A note of the other side that was not merged, and why.
    public struct KeptOut: Sendable, Equatable {
        public var commit: ObjectID
        public var problem: NoteCodec.Unreadable
        /// The local note on that commit is the unreadable one, not the incoming.
        public var local: Bool
    }

    /// Merges the notes ref `other` (another clone's, fetched) into perfjournal's: a union of notes by
    /// commit, and inside a note a union of runs by run id. Every incoming note is read first; one that
    /// cannot be read is never merged: it goes to `quarantineRef` and is reported in `keptOut`; one that a newer
    /// perfjournal wrote stops the merge (`NewerNote`), merging nothing. A local
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
                    case .failure(.newerSchema(let schema)):
                        // Not garbage: a newer perfjournal's runs, which a later upgrade reads. Quarantining
                        // it would hide it, and merging around it would leave the clones apart; stop instead.
                        throw NewerNote(commit: commit, schema: schema)
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
