import Git
import Support

extension NoteStore {
    /// `baseline --drop`: the baseline runs on `commit` become ordinary runs (their measurements stay).
    /// Returns how many runs were baselines.
    public func dropBaseline(at commit: ObjectID) throws -> Int {
        var dropped = 0
        do {
            _ = try repository.updateNote(ref: Self.ref, commit: commit, message: "perfjournal: drop baseline \(commit.short)") { current in
                guard let current else { return nil }
                var note = try NoteCodec.decode(current, commit: commit)
                dropped = 0
                for i in note.runs.indices where note.runs[i].baseline {
                    note.runs[i].baseline = false
                    dropped += 1
                }
                return dropped == 0 ? nil : try NoteCodec.encode(note)
            }
        } catch let error as GitError {
            throw PerfJournalError(.store, file: Self.ref, "could not drop the baseline on \(commit.short): \(error)")
        }
        return dropped
    }
}
