// swift-format-ignore-file
import CGit2

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Repository {
    /// The note text attached to `commit` under the notes ref `ref` ("refs/notes/perfjournal"), or nil.
    public func noteText(ref: String, commit: ObjectID) throws -> String? {
        var note: OpaquePointer?
        var oid = commit.oid
        let code = git_note_read(&note, pointer, ref, &oid)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try check("read note on \(commit.short)", code)
        defer { git_note_free(note) }
        return git_note_message(note).map { String(cString: $0) }
    }

    /// Every annotated commit under `ref`, mapped to its note blob. Reads no blobs, so it is cheap
    /// enough to answer "which commits are measured" over a long history.
    public func notedCommits(ref: String) throws -> [ObjectID: ObjectID] {
        final class Box { var map: [ObjectID: ObjectID] = [:] }
        let box = Box()
        let code = withExtendedLifetime(box) {
            git_note_foreach(pointer, ref, { blob, annotated, payload in
                let box = Unmanaged<Box>.fromOpaque(payload!).takeUnretainedValue()
                box.map[ObjectID(annotated!)] = ObjectID(blob!)
                return 0
            }, Unmanaged.passUnretained(box).toOpaque())
        }
        if code == GIT_ENOTFOUND.rawValue { return [:] }
        try check("list notes in \(ref)", code)
        return box.map
    }

    /// The text of a note blob found by `notedCommits`.
    public func noteText(blob: ObjectID) throws -> String {
        String(decoding: try blobBytes(blob), as: UTF8.self)
    }

    /// Rewrites the note on `commit` as a compare-and-swap on the notes ref: read the tip, build a new
    /// notes commit on it, and move the ref only if it still points at that tip. When another writer
    /// won the race, `transform` runs again on the fresh note, so concurrent writers lose nothing.
    /// `transform` gets the current text (nil when none) and returns the new text, or nil to leave it.
    /// Returns whether a note was written.
    @discardableResult
    public func updateNote(
        ref: String, commit: ObjectID, message: String = "perfjournal: record run",
        maxAttempts: Int = 200, transform: (String?) throws -> String?
    ) throws -> Bool {
        var attempt = 0
        let started = time(nil)
        while true {
            attempt += 1
            let outcome = try attemptNoteUpdate(ref: ref, commit: commit, message: message, transform: transform)
            switch outcome {
            case .written: return true
            case .unchanged: return false
            case .raced(let error):
                if error.isLocked && removeStaleLock(ref: ref) { continue }
                // A lock left by a killed writer turns stale after `staleLockAge`: keep trying past it.
                let lockedButYoung = error.isLocked && Double(time(nil) - started) <= Self.staleLockAge * 2
                if attempt >= maxAttempts && !lockedButYoung { throw error }
                // Randomised backoff, growing a little, so that many writers spread out.
                usleep(UInt32.random(in: 200...(1000 + UInt32(min(attempt, 50)) * 400)))
            }
        }
    }

    private enum NoteUpdateOutcome { case written, unchanged, raced(GitError) }

    /// A ref is locked for the milliseconds of one update; a lock file older than this was left by a
    /// writer that died (SIGKILL, power loss) and would block every later run forever.
    static let staleLockAge: Double = 5

    /// Removes `<ref>.lock` if it is stale; returns whether it did.
    func removeStaleLock(ref: String) -> Bool {
        let path = commonDir + "/" + ref + ".lock"
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        let age = Double(time(nil)) - Double(info.st_mtim.tv_sec)
        guard age > Self.staleLockAge else { return false }
        return unlink(path) == 0
    }

    private func attemptNoteUpdate(
        ref: String, commit: ObjectID, message: String, transform: (String?) throws -> String?
    ) throws -> NoteUpdateOutcome {
        let tip = try referenceTarget(ref)
        var tipCommit: OpaquePointer?
        if let tip {
            var oid = tip.oid
            try check("read \(ref)", git_commit_lookup(&tipCommit, pointer, &oid))
        }
        defer { git_commit_free(tipCommit) }

        var target = commit.oid
        var current: String?
        if let tipCommit {
            var note: OpaquePointer?
            let code = git_note_commit_read(&note, pointer, tipCommit, &target)
            if code != GIT_ENOTFOUND.rawValue {
                try check("read note on \(commit.short)", code)
                current = git_note_message(note).map { String(cString: $0) }
                git_note_free(note)
            }
        }
        guard let text = try transform(current) else { return .unchanged }
        if text == current { return .unchanged }

        var newCommit = git_oid(), blob = git_oid()
        try withSignature { sig in
            try check("write note on \(commit.short)",
                      git_note_commit_create(&newCommit, &blob, pointer, tipCommit, sig, sig, &target, text, 1))
        }
        var newRef: OpaquePointer?
        let code: Int32
        // Compare-and-swap under the ref's lock. For the first note ever the expected value is the zero id,
        // "must not exist": plain create with force=0 checks existence before taking the lock, so two
        // first writers could both pass and the second would overwrite the first.
        var expected = tip?.oid ?? git_oid()
        code = git_reference_create_matching(&newRef, pointer, ref, &newCommit, 1, &expected, message)
        git_reference_free(newRef)
        if code == GIT_EMODIFIED.rawValue || code == GIT_EEXISTS.rawValue || code == GIT_ELOCKED.rawValue {
            return .raced(GitError(code: code, operation: "update \(ref)"))
        }
        try check("update \(ref)", code)
        return .written
    }
}
