import Git

/// Questions about runs along history: where is the baseline, what has been measured since.
public struct History {
    public let workspace: Workspace
    /// Measured commits and their note blobs, read once.
    public let measured: [ObjectID: ObjectID]

    public init(workspace: Workspace) throws {
        self.workspace = workspace
        self.measured = try workspace.store.measuredCommits()
    }

    public struct Baseline {
        public var commit: ObjectID
        public var run: Run
    }

    /// The newest baseline run on `head` or its ancestors.
    public func baseline(at head: ObjectID) throws -> Baseline? {
        guard !measured.isEmpty else { return nil }
        var found: Baseline?
        try workspace.repository.walk(from: head) { commit in
            guard let blob = measured[commit] else { return true }
            // Notes are written with a fixed layout, so a note without this text holds no baseline and
            // need not be decoded: that keeps long histories cheap. (Inside JSON strings quotes are
            // escaped, so a benchmark name cannot fake it.)
            let text = try workspace.repository.noteText(blob: blob)
            guard text.contains("\"baseline\": true") else { return true }
            let note = try NoteCodec.decode(text, commit: commit)
            if let run = note.runs.last(where: \.baseline) {
                found = Baseline(commit: commit, run: run)
                return false
            }
            return true
        }
        return found
    }

    /// Commits after `baseline` up to `head`, oldest first; everything reachable when there is no baseline.
    public func commits(since baseline: ObjectID?, to head: ObjectID) throws -> [ObjectID] {
        try workspace.repository.commits(from: head, hiding: baseline.map { [$0] } ?? [])
    }

    public func note(at commit: ObjectID) throws -> Note? {
        guard let blob = measured[commit] else { return nil }
        return try workspace.store.note(blob: blob, commit: commit)
    }

    /// What `commit` is compared against: its nearest measured first-parent ancestor (the baseline at
    /// the latest), or nil when none is measured.
    public func reference(of commit: ObjectID) throws -> ObjectID? {
        guard let parent = try workspace.commit(commit).parents.first else { return nil }
        var found: ObjectID?
        try workspace.repository.walk(from: parent, firstParentOnly: true) { c in
            if measured[c] != nil { found = c; return false }
            return true
        }
        return found
    }
}
