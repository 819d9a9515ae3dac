import Foundation
import Git
import Support

/// Profiles in `refs/notes/perfjournal-profiles`, apart from the timing notes so that those stay small and
/// either ref can be pushed on its own: one note per commit, compact JSON `{"schema", "runs": {run id:
/// RunProfile}}`. Written the way `NoteStore` writes runs (a compare-and-swap on the ref, so concurrent
/// writers lose nothing), and merged from other clones by `perfjournal fetch` (a union by run id).
public struct ProfileStore {
    public static let ref = "refs/notes/perfjournal-profiles"
    public let repository: Repository
    /// Where edge-less readings are kept by blob; nil reads every note from its JSON.
    public let cache: ProfileNoteCache?

    public init(repository: Repository, cache: ProfileNoteCache? = nil) {
        self.repository = repository
        self.cache = cache
    }

    /// Where a run keeps its raw dumps, manifest and converted profile: `.git/perfjournal/profiles/<run id>`.
    public static func runDirectory(stateDirectory: String, runID: String) -> String {
        stateDirectory + "/profiles/" + runID
    }

    /// The converted profile `Measurement` leaves in the run directory until the run is stored.
    public static let pendingFile = "profile.json"

    /// The note on `commit`. Without `edges`, the caller→callee rows are skipped (checked, not kept): a
    /// third of a note's bytes, which only the speedscope export uses.
    public func note(at commit: ObjectID, edges: Bool = true) throws -> ProfileNote? {
        guard !edges, let cache else {
            return try repository.withNoteBytes(ref: Self.ref, commit: commit) { try Self.decode($0, commit: commit, edges: edges) }
        }
        guard let blob = try repository.noteBlobID(ref: Self.ref, commit: commit) else { return nil }
        if let note = cache.note(blob: blob) { return note }
        let note = try repository.withBlobBytes(blob) { try Self.decode($0, commit: commit, edges: false) }
        cache.add(note, blob: blob)
        return note
    }

    /// The profile of `run`, looked up on the commit it was measured at (a run carried over to a rewritten
    /// commit keeps its original `commit`). Nil when there is none; throws when the note cannot be read,
    /// so that `profile` names the broken note rather than saying none is stored.
    public func profile(of run: Run, edges: Bool = true) throws -> RunProfile? {
        guard let commit = ObjectID(hex: run.commit) else { return nil }
        return try note(at: commit, edges: edges)?.runs[run.id]
    }

    /// Adds `profile` for `runID` to the note on `commit`; a run id already there is left as it is.
    /// With a cache, the note written is put in it: the first look at a run's profile is as fast as the next.
    public func append(_ profile: RunProfile, runID: String, to commit: ObjectID) throws {
        do {
            // The timing notes' writer lock serializes this ref's writers too.
            try NoteStore(repository: repository).withWriteLock {
                var written: (note: ProfileNote, text: String)?
                try repository.updateNote(ref: Self.ref, commit: commit, message: "perfjournal: profile \(commit.short)") { current in
                    written = nil
                    var note = try current.map { try Self.decode($0, commit: commit) } ?? ProfileNote()
                    if note.runs[runID] != nil { return nil }
                    note.runs[runID] = profile
                    let text = try Self.encode(note)
                    written = (note, text)
                    return text
                }
                guard let cache, let written else { return }
                var text = written.text
                // Kept only if the note there is the one written (a writer outside the lock may have moved it);
                // the cache keeps it without edges.
                let blob = try text.withUTF8 { try Repository.blobID(of: UnsafeRawBufferPointer($0)) }
                guard try repository.noteBlobID(ref: Self.ref, commit: commit) == blob else { return }
                cache.add(written.note, blob: blob)
            }
        } catch let error as GitError {
            throw PerfJournalError(.store, file: Self.ref, "could not store the profile on \(commit.short): \(error)")
        }
    }

    /// Stores the profile `Measurement` converted for `run`, if there is one. Returns the note's bytes for
    /// this run (0 when there was nothing to store).
    @discardableResult
    public func storePending(for run: Run, stateDirectory: String) throws -> Int {
        let path = Self.runDirectory(stateDirectory: stateDirectory, runID: run.id) + "/" + Self.pendingFile
        guard let data = FileManager.default.contents(atPath: path), let commit = ObjectID(hex: run.commit) else { return 0 }
        let profile = try JSONDecoder().decode(RunProfile.self, from: data)
        try append(profile, runID: run.id, to: commit)
        return try Self.encode(ProfileNote(runs: [run.id: profile])).utf8.count
    }

    public static func encode(_ note: ProfileNote) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(note), as: UTF8.self) + "\n"
    }

    public static func decode(_ text: String, commit: ObjectID) throws -> ProfileNote {
        try decode(Data(text.utf8), commit: commit)
    }

    static func decode(_ data: Data, commit: ObjectID, edges: Bool = true) throws -> ProfileNote {
        try data.withUnsafeBytes { try decode($0, commit: commit, edges: edges) }
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, commit: ObjectID, edges: Bool = true) throws -> ProfileNote {
        do {
            return try ProfileNoteReader.read(bytes, edges: edges)
        } catch .newerSchema(let schema) {
            throw PerfJournalError(
                .store, file: ref,
                "profile note on \(commit.short) has schema \(schema); this perfjournal reads up to \(ProfileNote.currentSchema) (upgrade perfjournal)")
        } catch {
            throw PerfJournalError(.store, file: ref, "profile note on \(commit.short) is not a perfjournal profile note: \(error)")
        }
    }

    /// Merges the profile notes ref `other` (another clone's, fetched) into ours: a union of notes by
    /// commit, and inside a note a union by run id. Returns how many notes changed.
    public static func merge(from other: String, into repository: Repository) throws -> Int {
        do {
            return try NoteStore(repository: repository).withWriteLock {
                try repository.mergeNotes(ref: ref, from: other, message: "perfjournal: merge \(other)") { commit, ours, theirs in
                    // A profile note that cannot be read is not merged (it only costs that commit's profiles).
                    guard let incoming = try? decode(theirs, commit: commit) else { return nil }
                    guard let ours else { return theirs }
                    guard var note = try? decode(ours, commit: commit) else { return ours }
                    let new = incoming.runs.filter { note.runs[$0.key] == nil }
                    if new.isEmpty { return ours }
                    note.runs.merge(new) { mine, _ in mine }
                    return try encode(note)
                }
            }
        } catch let error as GitError {
            throw PerfJournalError(.store, file: ref, "cannot merge \(other): \(error.message)")
        }
    }
}
