import CGit2

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Repository {
    /// Creates a new repository with a work tree at `path` (like `git init`), HEAD on `initialBranch`.
    public static func create(at path: String, initialBranch: String = "main") throws -> Repository {
        GitLibrary.ensureInitialized()
        var options = git_repository_init_options()
        try check("init options", git_repository_init_options_init(&options, UInt32(GIT_REPOSITORY_INIT_OPTIONS_VERSION)))
        options.flags = GIT_REPOSITORY_INIT_MKPATH.rawValue
        var repo: OpaquePointer?
        try initialBranch.withCString { branch in
            options.initial_head = branch
            try check("create repository at \(path)", git_repository_init_ext(&repo, path, &options))
        }
        git_repository_free(repo)
        return try Repository(at: path)
    }

    /// Stages every file of the work tree (as `git add -A`) and commits it on HEAD. Returns the new commit.
    @discardableResult
    public func commitAll(message: String) throws -> ObjectID {
        var index: OpaquePointer?
        try check("open index", git_repository_index(&index, pointer))
        defer { git_index_free(index) }
        var star = strdup("*")
        defer { free(star) }
        try withUnsafeMutablePointer(to: &star) { strings in
            var array = git_strarray(strings: strings, count: 1)
            try check("stage files", git_index_add_all(index, &array, 0, nil, nil))
            try check("stage deletions", git_index_update_all(index, &array, nil, nil))
        }
        try check("write index", git_index_write(index))
        var treeID = git_oid()
        try check("write tree", git_index_write_tree(&treeID, index))
        var tree: OpaquePointer?
        try check("read tree", git_tree_lookup(&tree, pointer, &treeID))
        defer { git_tree_free(tree) }

        var parent: OpaquePointer?
        if !isHeadUnborn {
            var headID = try resolveCommit("HEAD").oid
            try check("read HEAD", git_commit_lookup(&parent, pointer, &headID))
        }
        defer { git_commit_free(parent) }
        var commitID = git_oid()
        try withSignature { sig in
            var parents: [OpaquePointer?] = parent.map { [$0] } ?? []
            try check("commit", git_commit_create(&commitID, pointer, "HEAD", sig, sig, nil, message, tree, parents.count, &parents))
        }
        return ObjectID(commitID)
    }
}
