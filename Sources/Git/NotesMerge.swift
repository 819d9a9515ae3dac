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

    /// Merges the notes ref `other` into `ref`: for every commit noted in either, `merge` gets the local
    /// text (nil when none) and the other's, and returns the text to keep. All notes land in one commit
    /// whose parents are both tips, so the result fast-forwards on either side, and the ref moves by
    /// compare-and-swap (retried when another writer got there first). Returns how many notes changed.
    @discardableResult
    public func mergeNotes(ref: String, from other: String, message: String, merge: (String?, String) throws -> String) throws -> Int {
        guard let otherTip = try referenceTarget(other) else { return 0 }
        while true {
            let localTip = try referenceTarget(ref)
            if let localTip, try localTip == otherTip || isAncestor(otherTip, of: localTip) { return 0 }
            let otherNotes = try notedCommits(ref: other)
            var changes: [(ObjectID, String)] = []
            for (commit, blob) in otherNotes.sorted(by: { $0.key < $1.key }) {
                let theirs = try noteText(blob: blob)
                let ours = try localTip.flatMap { _ in try noteText(ref: ref, commit: commit) }
                let merged = try merge(ours, theirs)
                if merged != ours { changes.append((commit, merged)) }
            }
            // The local tip may simply be behind: then the other tip is the answer.
            let fastForward = try localTip.map { try isAncestor($0, of: otherTip) } ?? true
            let target: git_oid
            if fastForward && changes.allSatisfy({ change in (try? noteText(ref: other, commit: change.0)) == change.1 }) {
                target = otherTip.oid
            } else {
                target = try mergeCommit(ref: ref, localTip: localTip, otherTip: otherTip, changes: changes, message: message)
            }
            var newTarget = target
            var expected = localTip?.oid ?? git_oid()
            var newRef: OpaquePointer?
            let code = git_reference_create_matching(&newRef, pointer, ref, &newTarget, 1, &expected, message)
            git_reference_free(newRef)
            if code == GIT_EMODIFIED.rawValue || code == GIT_ELOCKED.rawValue || code == GIT_EEXISTS.rawValue { continue }
            try check("update \(ref)", code)
            return changes.count
        }
    }

    /// One commit holding the local notes plus `changes`, with the local and the other tip as parents.
    private func mergeCommit(ref: String, localTip: ObjectID?, otherTip: ObjectID, changes: [(ObjectID, String)], message: String) throws -> git_oid {
        // Chain the changed notes onto the local tip in memory (the intermediate commits are never
        // referenced), then take the final tree for the merge commit.
        var chain: OpaquePointer?
        if let localTip {
            var oid = localTip.oid
            try check("read \(ref)", git_commit_lookup(&chain, pointer, &oid))
        }
        try withSignature { sig in
            for (commit, text) in changes {
                var target = commit.oid
                var next = git_oid(), blob = git_oid()
                try check("write note on \(commit.short)", git_note_commit_create(&next, &blob, pointer, chain, sig, sig, &target, text, 1))
                git_commit_free(chain)
                chain = nil
                try check("read notes commit", git_commit_lookup(&chain, pointer, &next))
            }
        }
        defer { git_commit_free(chain) }
        var tree: OpaquePointer?
        if let chain {
            try check("read notes tree", git_commit_tree(&tree, chain))
        } else {
            var otherOid = otherTip.oid
            var other: OpaquePointer?
            try check("read other notes", git_commit_lookup(&other, pointer, &otherOid))
            defer { git_commit_free(other) }
            try check("read notes tree", git_commit_tree(&tree, other))
        }
        defer { git_tree_free(tree) }

        var parents: [OpaquePointer?] = []
        defer { parents.forEach { git_commit_free($0) } }
        for tip in [localTip, otherTip].compactMap({ $0 }) {
            var oid = tip.oid
            var parent: OpaquePointer?
            try check("read \(tip.short)", git_commit_lookup(&parent, pointer, &oid))
            parents.append(parent)
        }
        var merged = git_oid()
        try withSignature { sig in
            try check("write notes merge", git_commit_create(&merged, pointer, nil, sig, sig, nil, message, tree, parents.count, &parents))
        }
        return merged
    }
}
