import CGit2

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One open repository. Not Sendable: libgit2 handles must stay on one task; open one per task and
/// pass `ObjectID`s and other value types between them.
public final class Repository {
    let pointer: OpaquePointer

    /// Opens the repository containing `path`, searching upwards as `git` does.
    public init(discovering path: String) throws {
        GitLibrary.ensureInitialized()
        var repo: OpaquePointer?
        try check("open repository at \(path)", git_repository_open_ext(&repo, path, 0, nil))
        pointer = repo!
        preferFastLooseCompression()
    }

    /// Opens exactly `path` (a work tree or a .git directory), without searching.
    public init(at path: String) throws {
        GitLibrary.ensureInitialized()
        var repo: OpaquePointer?
        try check("open repository at \(path)", git_repository_open(&repo, path))
        pointer = repo!
        preferFastLooseCompression()
    }

    deinit { git_repository_free(pointer) }

    /// Writes loose objects at zlib level 1 rather than libgit2's default (6). Notes are large numeric JSON
    /// (a run of 48,000 samples is 1.1 MB, 32 runs on one commit 35 MB): level 6 took about 5 times as long
    /// to compress them for about 10% fewer bytes, and `git gc` recompresses what it packs anyway. Every
    /// reader reads either. On failure libgit2's default stays.
    private func preferFastLooseCompression() {
        var odb: OpaquePointer?
        guard git_repository_odb(&odb, pointer) == 0 else { return }
        defer { git_odb_free(odb) }
        var backend: OpaquePointer?
        guard git_odb_backend_loose(&backend, commonDir + "/objects", 1, 0, 0, 0) == 0 else { return }
        // Above libgit2's own loose (1) and pack (2) backends: writes go to the first that can write. (Were
        // adding it to fail, the backend would leak: its free function is not in the public headers.)
        _ = git_odb_add_backend(odb, backend, 3)
    }

    /// The work tree's root with a trailing slash stripped; nil for a bare repository.
    public var workdir: String? {
        git_repository_workdir(pointer).map { Self.trimSlash(String(cString: $0)) }
    }

    /// This work tree's git directory (for a linked worktree, its private one).
    public var gitDir: String { Self.trimSlash(String(cString: git_repository_path(pointer))) }

    /// The directory shared by all work trees: where refs, objects and perfjournal's own state live.
    public var commonDir: String { Self.trimSlash(String(cString: git_repository_commondir(pointer))) }

    public var isBare: Bool { git_repository_is_bare(pointer) == 1 }
    public var isHeadUnborn: Bool { git_repository_head_unborn(pointer) == 1 }

    /// A merge, rebase, cherry-pick or bisect in progress, by name; nil when none.
    public var operationInProgress: String? {
        let state = git_repository_state(pointer)
        switch git_repository_state_t(UInt32(state)) {
        case GIT_REPOSITORY_STATE_NONE: return nil
        case GIT_REPOSITORY_STATE_MERGE: return "merge"
        case GIT_REPOSITORY_STATE_REVERT, GIT_REPOSITORY_STATE_REVERT_SEQUENCE: return "revert"
        case GIT_REPOSITORY_STATE_CHERRYPICK, GIT_REPOSITORY_STATE_CHERRYPICK_SEQUENCE: return "cherry-pick"
        case GIT_REPOSITORY_STATE_BISECT: return "bisect"
        default: return "rebase"
        }
    }

    /// The reference a symbolic reference points at ("refs/remotes/origin/HEAD" -> "refs/remotes/origin/main");
    /// nil when it does not exist or is not symbolic.
    public func symbolicTarget(_ name: String) -> String? {
        var ref: OpaquePointer?
        guard git_reference_lookup(&ref, pointer, name) == 0, let ref else { return nil }
        defer { git_reference_free(ref) }
        guard git_reference_type(ref) == GIT_REFERENCE_SYMBOLIC, let target = git_reference_symbolic_target(ref) else { return nil }
        return String(cString: target)
    }

    /// Resolves any revision expression (`HEAD~2`, a short hash, a branch) to the commit it names.
    public func resolveCommit(_ revision: String) throws -> ObjectID {
        var object: OpaquePointer?
        try check("resolve '\(revision)'", git_revparse_single(&object, pointer, revision))
        defer { git_object_free(object) }
        var peeled: OpaquePointer?
        try check("'\(revision)' is not a commit", git_object_peel(&peeled, object, GIT_OBJECT_COMMIT))
        defer { git_object_free(peeled) }
        return ObjectID(git_object_id(peeled)!)
    }

    /// The commit a reference points at, or nil when the ref does not exist.
    public func referenceTarget(_ name: String) throws -> ObjectID? {
        var oid = git_oid()
        let code = git_reference_name_to_id(&oid, pointer, name)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try check("read ref \(name)", code)
        return ObjectID(oid)
    }

    public func commit(_ id: ObjectID) throws -> Commit {
        var oid = id.oid
        var commit: OpaquePointer?
        try check("read commit \(id.short)", git_commit_lookup(&commit, pointer, &oid))
        defer { git_commit_free(commit) }
        var parents: [ObjectID] = []
        for i in 0..<git_commit_parentcount(commit) {
            parents.append(ObjectID(git_commit_parent_id(commit, i)!))
        }
        let raw = git_commit_message_raw(commit).map { String(decoding: UnsafeRawBufferPointer(start: $0, count: strlen($0)), as: UTF8.self) } ?? ""
        return Commit(
            id: id, tree: ObjectID(git_commit_tree_id(commit)!), parents: parents, message: raw,
            author: Signature(git_commit_author(commit)!), committer: Signature(git_commit_committer(commit)!))
    }

    /// Is `ancestor` reachable from `descendant` (or the same commit)?
    public func isAncestor(_ ancestor: ObjectID, of descendant: ObjectID) throws -> Bool {
        if ancestor == descendant { return true }
        var a = ancestor.oid, d = descendant.oid
        let code = git_graph_descendant_of(pointer, &d, &a)
        try check("compare history of \(ancestor.short) and \(descendant.short)", code)
        return code == 1
    }

    public func mergeBase(_ a: ObjectID, _ b: ObjectID) throws -> ObjectID? {
        var out = git_oid(), x = a.oid, y = b.oid
        let code = git_merge_base(&out, pointer, &x, &y)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try check("merge base of \(a.short) and \(b.short)", code)
        return ObjectID(out)
    }

    /// Commits reachable from `from` but not from any of `hiding`, oldest first (topological).
    public func commits(from: ObjectID, hiding: [ObjectID] = [], firstParentOnly: Bool = false) throws -> [ObjectID] {
        var result: [ObjectID] = []
        try walk(from: from, hiding: hiding, firstParentOnly: firstParentOnly, oldestFirst: true) {
            result.append($0); return true
        }
        return result
    }

    /// Visits commits reachable from `from` but not from `hiding`, in topological order (children before
    /// parents unless `oldestFirst`), until `visit` returns false.
    public func walk(
        from: ObjectID, hiding: [ObjectID] = [], firstParentOnly: Bool = false, oldestFirst: Bool = false,
        _ visit: (ObjectID) throws -> Bool
    ) throws {
        var walk: OpaquePointer?
        try check("start history walk", git_revwalk_new(&walk, pointer))
        defer { git_revwalk_free(walk) }
        // Sort flags are ORed in one call.
        let sorting = GIT_SORT_TOPOLOGICAL.rawValue | (oldestFirst ? GIT_SORT_REVERSE.rawValue : 0)
        try check("sort history walk", git_revwalk_sorting(walk, sorting))
        if firstParentOnly { try check("first-parent walk", git_revwalk_simplify_first_parent(walk)) }
        var start = from.oid
        try check("walk from \(from.short)", git_revwalk_push(walk, &start))
        for h in hiding {
            var oid = h.oid
            try check("hide \(h.short) from walk", git_revwalk_hide(walk, &oid))
        }
        var oid = git_oid()
        while true {
            let code = git_revwalk_next(&oid, walk)
            if code == GIT_ITEROVER.rawValue { return }
            try check("walk history", code)
            if try !visit(ObjectID(oid)) { return }
        }
    }

    /// The text of the file at `path` in `commit`'s tree; nil when there is no such file.
    public func fileText(at path: String, in commit: ObjectID) throws -> String? {
        guard let bytes = try fileBytes(at: path, in: commit) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    public func fileBytes(at path: String, in commitID: ObjectID) throws -> [UInt8]? {
        var oid = commitID.oid
        var commit: OpaquePointer?
        try check("read commit \(commitID.short)", git_commit_lookup(&commit, pointer, &oid))
        defer { git_commit_free(commit) }
        var tree: OpaquePointer?
        try check("read tree of \(commitID.short)", git_commit_tree(&tree, commit))
        defer { git_tree_free(tree) }
        var entry: OpaquePointer?
        let code = git_tree_entry_bypath(&entry, tree, path)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try check("find \(path) in \(commitID.short)", code)
        defer { git_tree_entry_free(entry) }
        guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return nil }
        return try blobBytes(ObjectID(git_tree_entry_id(entry)!))
    }

    /// `body` on the bytes of blob `id` (lent for the call).
    public func withBlobBytes<T>(_ id: ObjectID, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        var oid = id.oid
        var blob: OpaquePointer?
        try check("read blob \(id.short)", git_blob_lookup(&blob, pointer, &oid))
        defer { git_blob_free(blob) }
        return try body(UnsafeRawBufferPointer(start: git_blob_rawcontent(blob), count: Int(git_blob_rawsize(blob))))
    }

    public func blobBytes(_ id: ObjectID) throws -> [UInt8] {
        try withBlobBytes(id) { Array($0) }
    }

    /// The default signature from user.name/user.email, or a fixed one when they are unset, so that
    /// perfjournal never fails to store a run for want of an identity.
    @discardableResult
    func withSignature<T>(_ body: (UnsafeMutablePointer<git_signature>) throws -> T) throws -> T {
        var sig: UnsafeMutablePointer<git_signature>?
        if git_signature_default(&sig, pointer) != 0 {
            try check("make a signature", git_signature_now(&sig, "perfjournal", "perfjournal@localhost"))
        }
        defer { git_signature_free(sig) }
        return try body(sig!)
    }

    static func trimSlash(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }
}
