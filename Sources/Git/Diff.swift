import CGit2

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One file's change between two trees (or a tree and the index), with the line numbers that changed,
/// copied out of libgit2 as plain values.
public struct FileDiff: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable {
        case added, deleted, modified, renamed, copied, typeChange = "type-change", other
    }

    /// The path after the change (for a deletion, the old path). Non-UTF-8 bytes are repaired, never fatal.
    public var path: String
    public var oldPath: String
    public var status: Status
    public var isBinary: Bool
    public var isSubmodule: Bool
    public var oldMode: UInt32
    public var newMode: UInt32
    public var hunks: Int
    /// New-side line numbers (1-based) of added lines; old-side numbers of deleted lines.
    public var addedLines: [Int]
    public var deletedLines: [Int]
    /// The blobs on each side; nil for the missing side of an addition or deletion, and for submodules.
    public var oldBlob: ObjectID?
    public var newBlob: ObjectID?

    public var modeChanged: Bool { oldMode != 0 && newMode != 0 && oldMode != newMode }

    public init(
        path: String, oldPath: String, status: Status, isBinary: Bool, isSubmodule: Bool, oldMode: UInt32, newMode: UInt32,
        hunks: Int, addedLines: [Int], deletedLines: [Int], oldBlob: ObjectID?, newBlob: ObjectID?
    ) {
        self.path = path
        self.oldPath = oldPath
        self.status = status
        self.isBinary = isBinary
        self.isSubmodule = isSubmodule
        self.oldMode = oldMode
        self.newMode = newMode
        self.hunks = hunks
        self.addedLines = addedLines
        self.deletedLines = deletedLines
        self.oldBlob = oldBlob
        self.newBlob = newBlob
    }
}

extension Repository {
    /// What `commit` changed against its first parent (against nothing for a root commit), renames found.
    /// A merge is compared against its first parent, like `git diff M^1 M`.
    public func diff(commit id: ObjectID, linesWanted: Bool = true) throws -> [FileDiff] {
        let commit = try lookupCommit(id)
        defer { git_commit_free(commit) }
        var newTree: OpaquePointer?
        try check("read tree of \(id.short)", git_commit_tree(&newTree, commit))
        defer { git_tree_free(newTree) }
        var oldTree: OpaquePointer?
        if git_commit_parentcount(commit) > 0 {
            var parent: OpaquePointer?
            try check("read parent of \(id.short)", git_commit_parent(&parent, commit, 0))
            defer { git_commit_free(parent) }
            try check("read tree of \(id.short)^", git_commit_tree(&oldTree, parent))
        }
        defer { git_tree_free(oldTree) }
        return try diff(oldTree, newTree, label: id.short, linesWanted: linesWanted)
    }

    /// The change from `old` (nothing when nil) to `new`. With `linesWanted` false only paths and kinds
    /// are read, which is much cheaper over long ranges.
    public func diff(from old: ObjectID?, to new: ObjectID, linesWanted: Bool = true) throws -> [FileDiff] {
        let newCommit = try lookupCommit(new)
        defer { git_commit_free(newCommit) }
        var newTree: OpaquePointer?
        try check("read tree of \(new.short)", git_commit_tree(&newTree, newCommit))
        defer { git_tree_free(newTree) }
        var oldTree: OpaquePointer?
        if let old {
            let oldCommit = try lookupCommit(old)
            defer { git_commit_free(oldCommit) }
            try check("read tree of \(old.short)", git_commit_tree(&oldTree, oldCommit))
        }
        defer { git_tree_free(oldTree) }
        return try diff(oldTree, newTree, label: "\(old?.short ?? "nothing")..\(new.short)", linesWanted: linesWanted)
    }

    private func diff(_ oldTree: OpaquePointer?, _ newTree: OpaquePointer?, label: String, linesWanted: Bool) throws -> [FileDiff] {
        var options = try diffOptions()
        var diff: OpaquePointer?
        try check("diff \(label)", git_diff_tree_to_tree(&diff, pointer, oldTree, newTree, &options))
        defer { git_diff_free(diff) }
        return try fileDiffs(diff, linesWanted: linesWanted)
    }

    private func lookupCommit(_ id: ObjectID) throws -> OpaquePointer? {
        var oid = id.oid
        var commit: OpaquePointer?
        try check("read commit \(id.short)", git_commit_lookup(&commit, pointer, &oid))
        return commit
    }

    /// What is staged: the index against HEAD (against nothing on an unborn branch), as `git commit` would record it.
    public func diffStaged() throws -> [FileDiff] {
        var headTree: OpaquePointer?
        if !isHeadUnborn {
            headTree = try lookupTree(try commit(try resolveCommit("HEAD")).tree)
        }
        defer { git_tree_free(headTree) }
        var index: OpaquePointer?
        try check("open index", git_repository_index(&index, pointer))
        defer { git_index_free(index) }
        var options = try diffOptions()
        var diff: OpaquePointer?
        try check("diff staged changes", git_diff_tree_to_index(&diff, pointer, headTree, index, &options))
        defer { git_diff_free(diff) }
        return try fileDiffs(diff)
    }

    private func lookupTree(_ id: ObjectID) throws -> OpaquePointer? {
        var oid = id.oid
        var tree: OpaquePointer?
        try check("read tree \(id.short)", git_tree_lookup(&tree, pointer, &oid))
        return tree
    }

    private func diffOptions() throws -> git_diff_options {
        var options = git_diff_options()
        try check("diff options", git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)))
        // No context: every line we see is a changed line.
        options.context_lines = 0
        return options
    }

    private func fileDiffs(_ diff: OpaquePointer?, linesWanted: Bool = true) throws -> [FileDiff] {
        // A rename needs a deletion and an addition; most commits have neither, and the search costs.
        var added = false, deleted = false
        for i in 0..<git_diff_num_deltas(diff) {
            switch git_diff_get_delta(diff, i)?.pointee.status {
            case GIT_DELTA_ADDED: added = true
            case GIT_DELTA_DELETED: deleted = true
            default: break
            }
        }
        if added && deleted {
            var find = git_diff_find_options()
            try check("rename options", git_diff_find_options_init(&find, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION)))
            find.flags = GIT_DIFF_FIND_RENAMES.rawValue
            try check("find renames", git_diff_find_similar(diff, &find))
        }

        var result: [FileDiff] = []
        let count = git_diff_num_deltas(diff)
        result.reserveCapacity(count)
        for i in 0..<count {
            // Borrowed from the diff: not freed.
            guard let delta = git_diff_get_delta(diff, i)?.pointee else { continue }
            let oldPath = Self.pathString(delta.old_file.path)
            let newPath = Self.pathString(delta.new_file.path)
            let isSubmodule = delta.old_file.mode == UInt16(GIT_FILEMODE_COMMIT.rawValue) || delta.new_file.mode == UInt16(GIT_FILEMODE_COMMIT.rawValue)
            var file = FileDiff(
                path: delta.status == GIT_DELTA_DELETED ? oldPath : newPath, oldPath: oldPath,
                status: Self.status(delta.status), isBinary: delta.flags & GIT_DIFF_FLAG_BINARY.rawValue != 0,
                isSubmodule: isSubmodule, oldMode: UInt32(delta.old_file.mode), newMode: UInt32(delta.new_file.mode),
                hunks: 0, addedLines: [], deletedLines: [],
                oldBlob: Self.blobID(delta.old_file, submodule: isSubmodule), newBlob: Self.blobID(delta.new_file, submodule: isSubmodule))
            if !isSubmodule && linesWanted {
                var patch: OpaquePointer?
                try check("diff \(newPath)", git_patch_from_diff(&patch, diff, i))
                // A NULL patch means binary (or unchanged content, as for a pure rename or mode change).
                if let patch {
                    defer { git_patch_free(patch) }
                    if let d = git_patch_get_delta(patch), d.pointee.flags & GIT_DIFF_FLAG_BINARY.rawValue != 0 { file.isBinary = true }
                    let hunks = git_patch_num_hunks(patch)
                    file.hunks = hunks
                    for h in 0..<hunks {
                        let lines = git_patch_num_lines_in_hunk(patch, h)
                        for l in 0..<Int(lines) {
                            var line: UnsafePointer<git_diff_line>?
                            try check("read diff line", git_patch_get_line_in_hunk(&line, patch, h, l))
                            guard let line = line?.pointee else { continue }
                            switch UInt8(bitPattern: line.origin) {
                            case UInt8(ascii: "+"): file.addedLines.append(Int(line.new_lineno))
                            case UInt8(ascii: "-"): file.deletedLines.append(Int(line.old_lineno))
                            default: break
                            }
                        }
                    }
                }
            }
            result.append(file)
        }
        return result
    }

    private static func pathString(_ path: UnsafePointer<CChar>?) -> String {
        guard let path else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: path, count: strlen(path)), as: UTF8.self)
    }

    private static func blobID(_ file: git_diff_file, submodule: Bool) -> ObjectID? {
        guard !submodule, file.flags & GIT_DIFF_FLAG_EXISTS.rawValue != 0 else { return nil }
        var oid = file.id
        return git_oid_is_zero(&oid) == 1 ? nil : ObjectID(oid)
    }

    private static func status(_ s: git_delta_t) -> FileDiff.Status {
        switch s {
        case GIT_DELTA_ADDED: return .added
        case GIT_DELTA_DELETED: return .deleted
        case GIT_DELTA_MODIFIED: return .modified
        case GIT_DELTA_RENAMED: return .renamed
        case GIT_DELTA_COPIED: return .copied
        case GIT_DELTA_TYPECHANGE: return .typeChange
        default: return .other
        }
    }
}
