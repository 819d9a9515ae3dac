import Foundation
import Git
import Store
import Support

import protocol Support.OutputStream

/// `perfjournal fetch [REMOTE]`: brings another clone's runs in. git cannot fast-forward notes that two
/// machines wrote to at once, and libgit2 has no notes merge, so the remote's notes are fetched to
/// `refs/notes/perfjournal-remotes/<remote>` and merged here: a union of notes by commit, and inside a
/// note a union of runs by run id. The merge commit has both tips as parents, so `git push REMOTE
/// refs/notes/perfjournal` then fast-forwards the remote. An incoming note perfjournal cannot read is
/// never merged: it is reported on `warnings` and kept in `refs/notes/perfjournal-quarantine`. A note written by
/// a newer perfjournal is not garbage: the fetch stops (exit 9) and merges nothing until perfjournal is upgraded.
public enum FetchCommand {
    public static func run(at path: String, remote: String, output: OutputStream, warnings: OutputStream) throws {
        let workspace = try Workspace.open(at: path)
        let safeName = remote.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }
        let tracking = "refs/notes/perfjournal-remotes/" + String(safeName)
        do {
            try workspace.repository.fetch(remote: remote, refspecs: ["+\(NoteStore.ref):\(tracking)"])
        } catch let error as GitError {
            throw PerfJournalError(.repository, file: remote, "cannot fetch \(NoteStore.ref): \(error.message)")
        }
        var keptOut: [NoteStore.KeptOut] = []
        let merged: Int
        do {
            merged = try workspace.store.merge(from: tracking, keptOut: &keptOut)
        } catch let newer as NoteStore.NewerNote {
            throw PerfJournalError(
                .store, file: remote,
                "\(remote)'s note on \(newer.commit.short) was written by a newer perfjournal (schema \(newer.schema)): "
                    + "upgrade perfjournal to fetch it; nothing was merged")
        }
        for note in keptOut where !note.local {
            warnings.line("\(remote)'s note on \(note.commit.short) \(note.problem.phrase); kept out (a copy is in \(NoteStore.quarantineRef))")
        }
        for note in keptOut where note.local {
            warnings.line("your note on \(note.commit.short) \(note.problem.phrase); \(remote)'s runs on it were not merged; \(NoteCodec.doctorHint)")
        }
        output.line(merged == 0 ? "notes up to date with \(remote)" : "merged runs on \(merged) commit\(merged == 1 ? "" : "s") from \(remote)")
        // Profiles live in their own ref, merged the same way; a remote without any is no error.
        let profilesTracking = "refs/notes/perfjournal-profiles-remotes/" + String(safeName)
        if (try? workspace.repository.fetch(remote: remote, refspecs: ["+\(ProfileStore.ref):\(profilesTracking)"])) != nil {
            let profiles = try ProfileStore.merge(from: profilesTracking, into: workspace.repository)
            if profiles > 0 { output.line("merged profiles on \(profiles) commit\(profiles == 1 ? "" : "s") from \(remote)") }
        }
        output.line("share yours: git push \(remote) \(NoteStore.ref) \(ProfileStore.ref)")
    }
}
