import CGit2
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Repository {
    /// Makes (or reuses) a linked work tree at `path`, registered as `name` under the common git dir,
    /// with a detached HEAD at `commit` and its files forced to match that commit. The user's work tree
    /// and index are never touched. libgit2 can only add a worktree on a new branch, so the three
    /// admin files git expects (gitdir, commondir, HEAD) are written here in git's own layout;
    /// `git worktree list` shows the result like any other worktree.
    public func checkoutDetachedWorktree(name: String, path: String, commit: ObjectID) throws -> Repository {
        let admin = commonDir + "/worktrees/" + name
        let fm = FileManager.default
        if !fm.fileExists(atPath: path + "/.git") || !fm.fileExists(atPath: admin + "/gitdir") {
            try? fm.removeItem(atPath: admin)
            try fm.createDirectory(atPath: admin, withIntermediateDirectories: true)
            try fm.createDirectory(atPath: path, withIntermediateDirectories: true)
            try Data((path + "/.git\n").utf8).write(to: URL(fileURLWithPath: admin + "/gitdir"))
            try Data("../..\n".utf8).write(to: URL(fileURLWithPath: admin + "/commondir"))
            try Data((commit.hex + "\n").utf8).write(to: URL(fileURLWithPath: admin + "/HEAD"))
            try Data(("gitdir: " + admin + "\n").utf8).write(to: URL(fileURLWithPath: path + "/.git"))
        }
        // Callers serialise work in a perfjournal worktree, so a lock found in its admin dir (index.lock,
        // HEAD.lock) was left by a run that was killed; it would make every later checkout fail.
        for name in (try? fm.contentsOfDirectory(atPath: admin)) ?? [] where name.hasSuffix(".lock") {
            unlink(admin + "/" + name)
        }
        let worktree = try Repository(at: path)
        try worktree.forceCheckout(commit)
        return worktree
    }

    /// Detaches HEAD at `commit` and makes the work tree match it exactly, removing untracked files
    /// left by an earlier run (ignored files such as virtualenvs stay, to keep later runs fast).
    public func forceCheckout(_ commit: ObjectID) throws {
        var oid = commit.oid
        var object: OpaquePointer?
        try check("read commit \(commit.short)", git_object_lookup(&object, pointer, &oid, GIT_OBJECT_COMMIT))
        defer { git_object_free(object) }
        var options = git_checkout_options()
        try check("checkout options", git_checkout_options_init(&options, UInt32(GIT_CHECKOUT_OPTIONS_VERSION)))
        options.checkout_strategy = GIT_CHECKOUT_FORCE.rawValue | GIT_CHECKOUT_REMOVE_UNTRACKED.rawValue
        try check("check out \(commit.short)", git_checkout_tree(pointer, object, &options))
        try check("detach HEAD at \(commit.short)", git_repository_set_head_detached(pointer, &oid))
    }
}
