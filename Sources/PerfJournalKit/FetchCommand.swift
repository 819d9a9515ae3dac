import Foundation
import Git
import Store
import Support

import protocol Support.OutputStream

/// `perfjournal fetch [REMOTE]`: brings another clone's runs in. git cannot fast-forward notes that two
/// machines wrote to at once, and libgit2 has no notes merge, so the remote's notes are fetched to
/// `refs/notes/perfjournal-remotes/<remote>` and merged here: a union of notes by commit, and inside a
/// note a union of runs by run id. The merge commit has both tips as parents, so `git push REMOTE
/// refs/notes/perfjournal` then fast-forwards the remote.
public enum FetchCommand {
    public static func run(at path: String, remote: String, output: OutputStream) throws {
        let workspace = try Workspace.open(at: path)
        let safeName = remote.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }
        let tracking = "refs/notes/perfjournal-remotes/" + String(safeName)
        do {
            try workspace.repository.fetch(remote: remote, refspecs: ["+\(NoteStore.ref):\(tracking)"])
        } catch let error as GitError {
            throw PerfJournalError(.repository, file: remote, "cannot fetch \(NoteStore.ref): \(error.message)")
        }
        let merged = try NoteStore.merge(from: tracking, into: workspace.repository)
        output.line(merged == 0 ? "notes up to date with \(remote)" : "merged runs on \(merged) commit\(merged == 1 ? "" : "s") from \(remote)")
        output.line("share yours: git push \(remote) \(NoteStore.ref)")
    }
}

extension NoteStore {
    /// Merges the notes ref `other` into perfjournal's; returns how many notes changed.
    static func merge(from other: String, into repository: Repository) throws -> Int {
        do {
            return try repository.mergeNotes(ref: ref, from: other, message: "perfjournal: merge \(other)") { ours, theirs in
                guard let ours else { return theirs }
                // Both sides are perfjournal notes of the same commit (the ids name the commit only for
                // messages, so any id does).
                let placeholder = ObjectID(hex: String(repeating: "0", count: 40))!
                var note = try NoteCodec.decode(ours, commit: placeholder)
                let incoming = try NoteCodec.decode(theirs, commit: placeholder)
                let known = Set(note.runs.map(\.id))
                let new = incoming.runs.filter { !known.contains($0.id) }
                if new.isEmpty { return ours }
                note.runs += new
                return try NoteCodec.encode(note)
            }
        } catch let error as GitError {
            throw PerfJournalError(.store, file: ref, "cannot merge \(other): \(error.message)")
        }
    }
}
