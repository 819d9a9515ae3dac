import CGit2

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Repository {
    /// Fetches `refspecs` from the remote named `remote` (or a URL or path), as `git fetch` would.
    public func fetch(remote: String, refspecs: [String]) throws {
        var handle: OpaquePointer?
        if git_remote_lookup(&handle, pointer, remote) != 0 {
            try check("open remote \(remote)", git_remote_create_anonymous(&handle, pointer, remote))
        }
        defer { git_remote_free(handle) }
        var options = git_fetch_options()
        try check("fetch options", git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)))
        var copies: [UnsafeMutablePointer<CChar>?] = refspecs.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        try copies.withUnsafeMutableBufferPointer { buffer in
            var array = git_strarray(strings: buffer.baseAddress, count: buffer.count)
            try check("fetch \(refspecs.joined(separator: " ")) from \(remote)", git_remote_fetch(handle, &array, &options, "perfjournal: fetch notes"))
        }
    }

    /// Merges the notes ref `other` into `ref`: for every commit noted in either, `merge` gets the commit,
    /// the local text (nil when none) and the other's, and returns the text to keep, or nil to keep the
    /// other's note out (the local one, if any, stays). All notes land in one commit whose parents are
    /// both tips, so the result fast-forwards on either side (a note kept out is then absent from the
    /// result, not reverted in the other's history), and the ref moves by compare-and-swap (retried when
    /// another writer got there first). Returns how many notes changed.
    @discardableResult
    public func mergeNotes(ref: String, from other: String, message: String, merge: (ObjectID, String?, String) throws -> String?) throws -> Int {
        guard let otherTip = try referenceTarget(other) else { return 0 }
        while true {
            let localTip = try referenceTarget(ref)
            if let localTip, try localTip == otherTip || isAncestor(otherTip, of: localTip) { return 0 }
            let otherNotes = try notedCommits(ref: other)
            var changes: [(ObjectID, String)] = []
            var keptOut = false
            for (commit, blob) in otherNotes.sorted(by: { $0.key < $1.key }) {
                let theirs = try noteText(blob: blob)
                let ours = try localTip.flatMap { _ in try noteText(ref: ref, commit: commit) }
                guard let merged = try merge(commit, ours, theirs) else {
                    keptOut = true
                    continue
                }
                if merged != ours { changes.append((commit, merged)) }
            }
            // The local tip may simply be behind: then the other tip is the answer (unless a note of it
            // is kept out).
            let fastForward = try localTip.map { try isAncestor($0, of: otherTip) } ?? true
            let target: git_oid
            if fastForward && !keptOut && changes.allSatisfy({ change in (try? noteText(ref: other, commit: change.0)) == change.1 }) {
                target = otherTip.oid
            } else {
                target = try commitNotes(
                    ref: ref, onto: localTip, changes: changes.map { ($0.0, Optional($0.1)) },
                    parents: [localTip, otherTip].compactMap { $0 }, message: message
                ).oid
            }
            let code = moveReference(ref, to: target, expected: localTip?.oid, message: message)
            if code == GIT_EMODIFIED.rawValue || code == GIT_ELOCKED.rawValue || code == GIT_EEXISTS.rawValue { continue }
            try check("update \(ref)", code)
            return changes.count
        }
    }

    /// One notes commit: the notes of `base` (none when nil) with `changes` applied (a nil text removes
    /// the note), with `parents`. Only the returned commit is meant to be referenced: the changes are
    /// chained onto `base` in memory first, and the final tree is taken from the last link.
    public func commitNotes(ref: String, onto base: ObjectID?, changes: [(ObjectID, String?)], parents parentIDs: [ObjectID], message: String) throws
        -> ObjectID
    {
        var chain: OpaquePointer?
        if let base {
            var oid = base.oid
            try check("read \(ref)", git_commit_lookup(&chain, pointer, &oid))
        }
        defer { git_commit_free(chain) }
        try withSignature { sig in
            for (commit, text) in changes {
                var target = commit.oid
                var next = git_oid(), blob = git_oid()
                if let text {
                    try check("write note on \(commit.short)", git_note_commit_create(&next, &blob, pointer, chain, sig, sig, &target, text, 1))
                } else {
                    guard chain != nil else { continue }
                    let code = git_note_commit_remove(&next, pointer, chain, sig, sig, &target)
                    if code == GIT_ENOTFOUND.rawValue { continue }
                    try check("remove note on \(commit.short)", code)
                }
                git_commit_free(chain)
                chain = nil
                try check("read notes commit", git_commit_lookup(&chain, pointer, &next))
            }
        }
        // No notes at all: the empty tree.
        let treeID = try chain.map { git_commit_tree_id($0)!.pointee } ?? writeTree(base: nil, what: "the empty tree")

        var parents: [OpaquePointer?] = []
        defer { parents.forEach { git_commit_free($0) } }
        for tip in parentIDs {
            var oid = tip.oid
            var parent: OpaquePointer?
            try check("read \(tip.short)", git_commit_lookup(&parent, pointer, &oid))
            parents.append(parent)
        }
        return ObjectID(try writeCommit(tree: treeID, parents: parents, message: message, what: "the notes commit"))
    }

    /// Moves `ref` from `expected` (nil: must not exist) to `target` as one compare-and-swap; false when
    /// another writer moved it first.
    public func compareAndSwap(_ ref: String, from expected: ObjectID?, to target: ObjectID, message: String) throws -> Bool {
        let code = moveReference(ref, to: target.oid, expected: expected?.oid, message: message)
        if code == GIT_EMODIFIED.rawValue || code == GIT_ELOCKED.rawValue || code == GIT_EEXISTS.rawValue { return false }
        try check("update \(ref)", code)
        return true
    }
}
