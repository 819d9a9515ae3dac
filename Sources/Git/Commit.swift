import CGit2

/// A person and moment, as git records them.
public struct Signature: Sendable, Equatable {
    public var name: String
    public var email: String
    /// Seconds since the epoch.
    public var time: Int64
    /// Minutes east of UTC.
    public var offsetMinutes: Int32

    init(_ pointer: UnsafePointer<git_signature>) {
        let s = pointer.pointee
        name = s.name.map { String(cString: $0) } ?? ""
        email = s.email.map { String(cString: $0) } ?? ""
        time = s.when.time
        offsetMinutes = s.when.offset
    }
}

/// Everything perfjournal reads from a commit, copied out of libgit2 at once.
public struct Commit: Sendable, Equatable {
    public var id: ObjectID
    public var tree: ObjectID
    public var parents: [ObjectID]
    /// The raw message (libgit2 hands back bytes; invalid UTF-8 is repaired, never fatal).
    public var message: String
    public var author: Signature
    public var committer: Signature

    public var subject: String {
        message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
    }
    public var isMerge: Bool { parents.count > 1 }
}
