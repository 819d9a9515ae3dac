import CGit2

/// libgit2's global state. `git_libgit2_init` is reference-counted, so one call per process is enough;
/// every `Repository` opener calls `ensureInitialized()` first.
public enum GitLibrary {
    private static let initialized: Bool = {
        git_libgit2_init()
        return true
    }()

    public static func ensureInitialized() { _ = initialized }

    public static var version: String {
        var major: Int32 = 0, minor: Int32 = 0, rev: Int32 = 0
        git_libgit2_version(&major, &minor, &rev)
        return "\(major).\(minor).\(rev)"
    }
}
