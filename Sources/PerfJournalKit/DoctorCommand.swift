import Foundation
import Git
import Store
import Support

import protocol Support.OutputStream

/// `perfjournal doctor [--fix] [--json]`: the way out when a note perfjournal cannot read (garbage, a newer
/// schema, a bad push from another machine) makes every command that reads history exit 9. Lists the
/// unreadable notes; with `--fix`, moves them to `refs/notes/perfjournal-quarantine` (where `git notes
/// --ref=perfjournal-quarantine show <commit>` still prints them) in one compare-and-swap commit.
public enum DoctorCommand {
    struct Report: Encodable {
        struct Entry: Encodable {
            var commit: String
            var problem: String
        }
        var notes: Int
        var unreadable: [Entry]
        var moved: [String]
        var quarantine: String
    }

    /// Returns whether the notes are healthy now (false: unreadable notes remain, exit 1).
    public static func run(at path: String, fix: Bool, json: Bool, output: OutputStream) throws -> Bool {
        let workspace = try Workspace.open(at: path)
        let store = workspace.store
        let total: Int
        let unreadable: [NoteStore.UnreadableNote]
        do {
            total = try store.measuredCommits().count
            unreadable = try store.unreadableNotes()
        } catch let error as GitError {
            throw PerfJournalError(.store, file: NoteStore.ref, "cannot read the notes: \(error)")
        }
        let moved = fix && !unreadable.isEmpty ? try store.quarantine(unreadable.map(\.commit)) : []
        let healthy = unreadable.isEmpty || Set(moved) == Set(unreadable.map(\.commit))
        if json {
            output.write(
                try JSONText.encode(
                    Report(
                        notes: total, unreadable: unreadable.map { .init(commit: $0.commit.hex, problem: $0.problem.phrase) },
                        moved: moved.map(\.hex), quarantine: NoteStore.quarantineRef)))
            return healthy
        }
        if unreadable.isEmpty {
            output.line("all \(total) note\(total == 1 ? "" : "s") in \(NoteStore.ref) are readable")
            return true
        }
        for note in unreadable { output.line(note.description) }
        if fix {
            output.line(
                "moved \(moved.count) unreadable note\(moved.count == 1 ? "" : "s") to \(NoteStore.quarantineRef); "
                    + "`git notes --ref=perfjournal-quarantine show <commit>` prints one")
        } else {
            output.line("\(unreadable.count) of \(total) notes cannot be read; `perfjournal doctor --fix` moves them to \(NoteStore.quarantineRef)")
        }
        return healthy
    }
}
