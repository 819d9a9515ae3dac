import CGit2

/// libgit2's global state. `git_libgit2_init` is reference-counted, so one call per process is enough;
/// every `Repository` opener calls `ensureInitialized()` first.
public enum GitLibrary {
    private static let initialized: Bool = {
        git_libgit2_init()
        return true
    }()

    public static func ensureInitialized() { _ = initialized }

    /// Stops libgit2 from re-hashing every object it reads to check it against its id (on by default).
    /// For read-only views of big notes (a profile note is megabytes, hashed on every read), where a
    /// damaged object can only mislead the view, never be written on. Process-wide.
    public static func skipHashVerificationOnRead() {
        ensureInitialized()
        _ = perfjournal_git_set_strict_hash_verification(0)
    }

    public static var version: String {
        var major: Int32 = 0, minor: Int32 = 0, rev: Int32 = 0
        git_libgit2_version(&major, &minor, &rev)
        return "\(major).\(minor).\(rev)"
    }
}
