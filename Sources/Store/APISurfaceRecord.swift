import Git

/// What `rules.api_command` printed for one tree, recorded during a trusted run. The command is code
/// the repository chose, so only a run (behind `TrustGate`) executes it; the API rule, which every
/// read-only command judges, reads these records instead. A run records its own tree and, when no
/// stored run holds it yet, its first parent's, so that one run is enough to judge its commit.
public struct APISurfaceRecord: Codable, Sendable, Equatable {
    /// The tree the command ran on.
    public var tree: String
    /// The command as run: a surface printed by a different command does not count.
    public var command: String
    /// The lines it printed, sorted and trimmed; nil when it failed.
    public var entries: [String]?
    /// Why it failed, with its log.
    public var error: String?

    public init(tree: String, command: String, entries: [String]?, error: String? = nil) {
        self.tree = tree
        self.command = command
        self.entries = entries
        self.error = error
    }
}

extension Note {
    /// The newest surface `command` printed for `tree` in any of this note's runs.
    public func apiSurface(tree: ObjectID, command: String) -> APISurfaceRecord? {
        for run in runs.reversed() {
            if let record = run.api?.last(where: { $0.tree == tree.hex && $0.command == command }) { return record }
        }
        return nil
    }
}
