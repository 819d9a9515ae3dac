// swift-format-ignore-file
import CGit2
import Foundation

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

    /// `body` on the bytes of the note attached to `commit` under `ref` (lent for the call), or nil without a
    /// note: a big note is read straight into a parser, with no String to validate and no copy on the way.
    public func withNoteBytes<T>(ref: String, commit: ObjectID, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T? {
        var note: OpaquePointer?
        var oid = commit.oid
        let code = git_note_read(&note, pointer, ref, &oid)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try check("read note on \(commit.short)", code)
        defer { git_note_free(note) }
        guard let message = git_note_message(note) else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeRawBufferPointer(start: message, count: strlen(message)))
    }

    /// The blob of the note attached to `commit` under `ref`, or nil, found without reading the blob: a
    /// caller that keeps notes decoded by blob (a cache) need not inflate megabytes to learn it has them.
    /// Follows git's fan-out (`ab/cdef…` directories), as `git_note_read` does.
    public func noteBlobID(ref: String, commit: ObjectID) throws -> ObjectID? {
        var tipID = git_oid()
        let code = git_reference_name_to_id(&tipID, pointer, ref)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try check("read \(ref)", code)
        var tip: OpaquePointer?
        try check("read \(ref)", git_commit_lookup(&tip, pointer, &tipID))
        defer { git_commit_free(tip) }
        var tree: OpaquePointer?
        try check("read the notes tree of \(ref)", git_commit_tree(&tree, tip))
        var rest = Substring(commit.hex)
        while let current = tree {
            defer { git_tree_free(current) }
            tree = nil
            if let entry = git_tree_entry_byname(current, String(rest)), git_tree_entry_type(entry) == GIT_OBJECT_BLOB {
                return ObjectID(git_tree_entry_id(entry)!)
            }
            guard rest.count > 2, let entry = git_tree_entry_byname(current, String(rest.prefix(2))),
                git_tree_entry_type(entry) == GIT_OBJECT_TREE
            else { return nil }
            try check("read the notes tree of \(ref)", git_tree_lookup(&tree, pointer, git_tree_entry_id(entry)))
            rest = rest.dropFirst(2)
        }
        return nil
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

    /// Creates `ref` as a notes commit holding no notes, unless it exists. git names a notes ref in
    /// `notes.rewriteRef` and warns "notes ref … is invalid" on every amend and rebase while it is missing.
    /// Returns whether it created it.
    @discardableResult
    public func createEmptyNotesRef(_ ref: String, message: String) throws -> Bool {
        if try referenceTarget(ref) != nil { return false }
        var commitID = try writeCommit(
            tree: try writeTree(base: nil, what: "the empty tree"), parents: [], message: message, what: "the first notes commit")
        // "Must not exist yet": a writer that stored a run meanwhile keeps its ref.
        var expected = git_oid()
        var newRef: OpaquePointer?
        let code = git_reference_create_matching(&newRef, pointer, ref, &commitID, 1, &expected, message)
        git_reference_free(newRef)
        if code == GIT_EMODIFIED.rawValue || code == GIT_EEXISTS.rawValue { return false }
        try check("create \(ref)", code)
        return true
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
        try updateNoteReusingStretches(ref: ref, commit: commit, message: message, maxAttempts: maxAttempts) { current in
            try transform(current).map { NoteText($0) }
        }
    }

    /// A note's new text, with the stretches of it that their writers compressed already.
    public struct NoteText {
        public var text: String
        public var deflated: [DeflatedStretch]

        public init(_ text: String, deflated: [DeflatedStretch] = []) {
            self.text = text
            self.deflated = deflated
        }
    }

    /// `updateNote`, where `transform` also says which stretches of the new text are compressed already.
    @discardableResult
    public func updateNoteReusingStretches(
        ref: String, commit: ObjectID, message: String = "perfjournal: record run",
        maxAttempts: Int = 200, transform: (String?) throws -> NoteText?
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
        ref: String, commit: ObjectID, message: String, transform: (String?) throws -> NoteText?
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
        guard let new = try transform(current) else { return .unchanged }
        var text = new.text
        if text == current { return .unchanged }

        // The note's blob holds the new run, so unless it is already stored, this attempt's blob, tree and
        // commit are new objects that nothing else can refer to: a failed attempt removes them again.
        let blobToWrite = try text.withUTF8 { try Self.blobID(of: UnsafeRawBufferPointer($0)) }
        let blobExisted = objectExists(blobToWrite)
        let flatTree = flatNotesTree(tip: tipCommit, adding: commit, blob: blobToWrite)
        let attempt = AttemptObjects(blob: blobToWrite, blobExisted: blobExisted, tree: flatTree)

        var newCommit = git_oid()
        do {
            if flatTree != nil {
                // The blob written here (`LooseObject.swift` says why), the tree and commit as libgit2 makes them.
                if !blobExisted {
                    try text.withUTF8 { try writeLooseBlob(UnsafeRawBufferPointer($0), id: blobToWrite, deflated: new.deflated) }
                }
                newCommit = try commitNote(onto: tipCommit, commit: commit, blob: blobToWrite)
            } else {
                // A fanned-out notes tree (git's, for many notes): libgit2 knows where the note goes.
                var blob = git_oid()
                try withSignature { sig in
                    try check("write note on \(commit.short)",
                              git_note_commit_create(&newCommit, &blob, pointer, tipCommit, sig, sig, &target, text, 1))
                }
            }
        } catch let error as GitError {
            // Judged before the attempt's objects are removed: that frees the space again.
            let full = diskFull(error, needing: text.utf8.count)
            let leftForGC = removeAttempt(attempt, commit: nil)
            guard full else { throw error }
            var outOfSpace = GitError.outOfSpace("write note on \(commit.short)")
            outOfSpace.leftForGC = leftForGC
            throw outOfSpace
        }
        // Compare-and-swap under the ref's lock. For the first note ever the expected value is the zero id,
        // "must not exist": plain create with force=0 checks existence before taking the lock, so two
        // first writers could both pass and the second would overwrite the first.
        let code = moveReference(ref, to: newCommit, expected: tip?.oid, message: message)
        if code == GIT_EMODIFIED.rawValue || code == GIT_EEXISTS.rawValue || code == GIT_ELOCKED.rawValue {
            // Lost the race: this attempt's objects are garbage already; the retry writes its own.
            _ = removeAttempt(attempt, commit: ObjectID(newCommit))
            return .raced(GitError(code: code, operation: "update \(ref)"))
        }
        if code < 0 {
            // On a full disk libgit2 may report the commit written when it is not, and the ref update then
            // finds no target ("target OID for the reference doesn't exist").
            let error = GitError(code: code, operation: "update \(ref)")
            let full = diskFull(error, needing: text.utf8.count)
            let leftForGC = removeAttempt(attempt, commit: ObjectID(newCommit))
            guard full else { throw error }
            var outOfSpace = GitError.outOfSpace("write note on \(commit.short)")
            outOfSpace.leftForGC = leftForGC
            throw outOfSpace
        }
        return .written
    }

    private struct AttemptObjects {
        var blob: ObjectID
        var blobExisted: Bool
        /// The notes tree holding the blob (`flatNotesTree`); nil when it cannot be computed.
        var tree: ObjectID?
    }

    /// The notes commit `git_note_commit_create` makes when it adds the note `blob`, already written, on
    /// `commit` to `tip` (nil: the first note): `tip`'s tree with the entry, and `tip` as its parent. Only for
    /// a flat notes tree (`flatNotesTree` is not nil).
    private func commitNote(onto tip: OpaquePointer?, commit: ObjectID, blob: ObjectID) throws -> git_oid {
        var tipTree: OpaquePointer?
        if let tip { try check("read the notes tree", git_commit_tree(&tipTree, tip)) }
        defer { git_tree_free(tipTree) }
        let tree = try writeTree(base: tipTree, adding: (commit.hex, blob), what: "the notes tree")
        return try writeCommit(tree: tree, parents: tip.map { [$0] } ?? [], message: Self.noteCommitMessage, what: "note on \(commit.short)")
    }

    /// A tree of `base`'s entries (nil: none), with `entry` added as a blob when given.
    func writeTree(base: OpaquePointer?, adding entry: (name: String, blob: ObjectID)? = nil, what: String) throws -> git_oid {
        var builder: OpaquePointer?
        try check("start \(what)", git_treebuilder_new(&builder, pointer, base))
        defer { git_treebuilder_free(builder) }
        if let entry {
            var blobID = entry.blob.oid
            try check("add \(entry.name) to \(what)", git_treebuilder_insert(nil, builder, entry.name, &blobID, GIT_FILEMODE_BLOB))
        }
        var treeID = git_oid()
        try check("write \(what)", git_treebuilder_write(&treeID, builder))
        return treeID
    }

    /// A commit of the tree `treeID` on `parents`, signed as perfjournal signs; no reference moves.
    func writeCommit(tree treeID: git_oid, parents: [OpaquePointer?], message: String, what: String) throws -> git_oid {
        var treeID = treeID
        var tree: OpaquePointer?
        try check("read the tree of \(what)", git_tree_lookup(&tree, pointer, &treeID))
        defer { git_tree_free(tree) }
        var parents = parents
        var result = git_oid()
        try withSignature { sig in
            try check("write \(what)", git_commit_create(&result, pointer, nil, sig, sig, nil, message, tree, parents.count, &parents))
        }
        return result
    }

    /// libgit2's message for a notes commit that adds a note (`GIT_NOTES_DEFAULT_MSG_ADD`, not in its headers).
    static let noteCommitMessage = "Notes added by 'git_note_create' from libgit2"

    func objectExists(_ id: ObjectID) -> Bool {
        var odb: OpaquePointer?
        guard git_repository_odb(&odb, pointer) == 0 else { return true }
        defer { git_odb_free(odb) }
        var oid = id.oid
        return git_odb_exists(odb, &oid) == 1
    }

    /// The id of the notes tree `git_note_commit_create` writes when it adds `blob` as the note on `commit` to
    /// `tip`'s tree, computed without writing anything. Nil when the tree fans out (git's own notes code splits
    /// big notes trees into `ab/cdef…` directories), where libgit2 writes more than one tree.
    func flatNotesTree(tip: OpaquePointer?, adding commit: ObjectID, blob: ObjectID) -> ObjectID? {
        var entries: [(name: [UInt8], mode: UInt32, id: git_oid)] = []
        if let tip {
            var tree: OpaquePointer?
            guard git_commit_tree(&tree, tip) == 0 else { return nil }
            defer { git_tree_free(tree) }
            for index in 0..<git_tree_entrycount(tree) {
                guard let entry = git_tree_entry_byindex(tree, index) else { return nil }
                let name = String(cString: git_tree_entry_name(entry))
                let mode = git_tree_entry_filemode_raw(entry).rawValue
                if mode == GIT_FILEMODE_TREE.rawValue && commit.hex.hasPrefix(name) { return nil }
                if name == commit.hex { continue }
                entries.append((Array(name.utf8), mode, git_tree_entry_id(entry)!.pointee))
            }
        }
        entries.append((Array(commit.hex.utf8), GIT_FILEMODE_BLOB.rawValue, blob.oid))
        // git's order: names compared bytewise, a directory as if it ended in "/".
        func key(_ entry: (name: [UInt8], mode: UInt32, id: git_oid)) -> [UInt8] {
            entry.mode == GIT_FILEMODE_TREE.rawValue ? entry.name + [47] : entry.name
        }
        entries.sort { key($0).lexicographicallyPrecedes(key($1)) }
        var bytes: [UInt8] = []
        for entry in entries {
            bytes += Array(String(entry.mode, radix: 8).utf8) + [32] + entry.name + [0]
            withUnsafeBytes(of: entry.id.id) { bytes += $0.prefix(20) }
        }
        var oid = git_oid()
        let code = bytes.withUnsafeBytes { git_odb_hash(&oid, $0.baseAddress, $0.count, GIT_OBJECT_TREE) }
        return code == 0 ? ObjectID(oid) : nil
    }

    /// Deletes what a failed attempt wrote: its commit, and its blob and notes tree when the blob is new (a
    /// tree holding a new blob is new too). The tree's id is computed, since libgit2 may have written it
    /// and then failed on the commit; returns true when a tree may be left (a fanned-out notes tree whose
    /// id was not computed, and no commit to read it from) for `git gc`.
    private func removeAttempt(_ attempt: AttemptObjects, commit: ObjectID?) -> Bool {
        var doomed: [ObjectID] = []
        var treeLeft = false
        if !attempt.blobExisted {
            doomed.append(attempt.blob)
            if let tree = attempt.tree ?? commit.flatMap({ try? self.commit($0).tree }) {
                doomed.append(tree)
            } else {
                treeLeft = true
            }
        }
        if let commit { doomed.append(commit) }
        for id in doomed { removeLooseObject(id) }
        return treeLeft
    }

    /// Unlinks the loose file of `id`, if there is one (a packed object is never touched).
    func removeLooseObject(_ id: ObjectID) {
        let hex = id.hex
        unlink(commonDir + "/objects/" + String(hex.prefix(2)) + "/" + String(hex.dropFirst(2)))
    }

    /// Did `error` happen because the disk is full? libgit2 does not always say so (a failed object write
    /// can surface as "note could not be found"), so the free space decides too.
    func diskFull(_ error: GitError, needing bytes: Int) -> Bool {
        if error.isOutOfSpace || errno == ENOSPC { return true }
        var info = statvfs()
        guard statvfs(commonDir + "/objects", &info) == 0 else { return false }
        return UInt64(info.f_bavail) * UInt64(info.f_frsize) < UInt64(bytes) + 64 * 1024
    }

    /// Removes `tmp_object_git2_*` files that a killed libgit2 writer left in the object store, when older
    /// than `age` seconds (a live writer renames its file away within moments). Returns how many.
    @discardableResult
    public func removeStaleTemporaryObjects(olderThan age: Double) -> Int {
        let directory = commonDir + "/objects"
        guard let dir = opendir(directory) else { return 0 }
        defer { closedir(dir) }
        var removed = 0
        let now = Double(time(nil))
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard name.hasPrefix("tmp_object_git2_") else { continue }
            var info = stat()
            let path = directory + "/" + name
            guard stat(path, &info) == 0, now - Double(info.st_mtim.tv_sec) > age else { continue }
            if unlink(path) == 0 { removed += 1 }
        }
        return removed
    }
}
