import Config
import Foundation
import Git
import Support

/// A repository as perfjournal uses it: the user's work tree (where the config lives) and
/// perfjournal's own state under the common git dir (`.git/perfjournal/`: worktrees, logs, queue).
public struct Workspace {
    public let repository: Repository
    /// The user's work tree root.
    public let root: String

    /// Opens the repository containing `path`. Bare repositories have no config to read, so they are refused.
    public static func open(at path: String) throws -> Workspace {
        let repository: Repository
        do {
            repository = try Repository(discovering: path)
        } catch let error as GitError where error.isNotFound {
            throw PerfJournalError(.repository, file: path, "not a git repository (or any parent)")
        } catch let error as GitError {
            throw PerfJournalError(.repository, file: path, "cannot open repository: \(error.message)")
        }
        guard let root = repository.workdir else {
            throw PerfJournalError(.repository, file: path, "bare repository: run perfjournal in a work tree")
        }
        // A libgit2 writer killed mid-write (SIGKILL) leaves `objects/tmp_object_git2_*`; git gc never
        // removes them, so every start clears the old ones.
        repository.removeStaleTemporaryObjects(olderThan: AtomicFile.staleAge)
        let workspace = Workspace(repository: repository, root: root)
        // Likewise a daemon killed while claiming a job leaves `queue/….running.tmp-<pid>-…`.
        AtomicFile.removeStaleTemporaries(in: workspace.stateDirectory + "/queue")
        AtomicFile.removeStaleTemporaries(in: workspace.stateDirectory + "/queue/failed")
        // And a writer killed while its run waited in the spool: its run is never stored (see `RunSpool`).
        workspace.store.spool.removeAbandoned()
        return workspace
    }

    public var stateDirectory: String { repository.commonDir + "/perfjournal" }
    public var logsDirectory: String { stateDirectory + "/logs" }
    public var worktreesDirectory: String { stateDirectory + "/worktrees" }

    public var store: NoteStore { NoteStore(repository: repository) }

    public func config() throws -> Config { try Config.load(repositoryRoot: root) }

    /// The config, or nil when the repository has none. A config that exists but is broken is an
    /// error, never quietly replaced by the defaults.
    public func configIfPresent() throws -> Config? {
        do {
            return try config()
        } catch let error as PerfJournalError where error.kind == .config && error.message.hasPrefix("no perfjournal config") {
            return nil
        }
    }

    /// HEAD's commit, or a clear error for a repository with no commits yet.
    public func head() throws -> ObjectID {
        if repository.isHeadUnborn {
            throw PerfJournalError(.repository, file: root, "HEAD has no commits yet (unborn branch): commit something first")
        }
        return try resolve("HEAD")
    }

    public func resolve(_ revision: String) throws -> ObjectID {
        if revision == "HEAD" && repository.isHeadUnborn {
            throw PerfJournalError(.repository, file: root, "HEAD has no commits yet (unborn branch): commit something first")
        }
        do {
            return try repository.resolveCommit(revision)
        } catch let error as GitError {
            throw PerfJournalError(.repository, file: root, "unknown revision '\(revision)': \(error.message)")
        }
    }

    public func commit(_ id: ObjectID) throws -> Commit {
        do { return try repository.commit(id) } catch let error as GitError {
            throw PerfJournalError(.repository, file: root, "\(error)")
        }
    }

    /// Makes a directory of perfjournal's state, creating parents.
    package func ensureDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw PerfJournalError(.repository, file: path, "cannot create directory: \(error.localizedDescription)")
        }
    }
}
