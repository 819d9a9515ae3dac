import CGit2

/// A libgit2 failure as a Swift error: the code, the class and libgit2's message.
public struct GitError: Error, Sendable, CustomStringConvertible {
    public var code: Int32
    public var errorClass: Int32
    public var message: String
    /// What perfjournal was doing, so the message says more than libgit2's.
    public var operation: String
    /// A failed write left an unreachable object behind, for `git gc` to remove.
    public var leftForGC = false

    public var isNotFound: Bool { code == GIT_ENOTFOUND.rawValue }
    public var isExists: Bool { code == GIT_EEXISTS.rawValue }
    /// The ref moved under a compare-and-swap.
    public var isModified: Bool { code == GIT_EMODIFIED.rawValue }
    public var isLocked: Bool { code == GIT_ELOCKED.rawValue }

    /// The write failed because the disk (or quota) is full.
    public var isOutOfSpace: Bool { message.lowercased().contains("no space left") || code == Self.outOfSpaceCode }
    static let outOfSpaceCode: Int32 = -1_000_028  // ENOSPC, as perfjournal marks it; not a libgit2 code

    public var description: String { "\(operation): \(message)" }

    init(code: Int32, operation: String, message: String) {
        self.code = code
        self.errorClass = 0
        self.operation = operation
        self.message = message
    }

    /// "no space left on device", for a failure that happened while the disk was full.
    static func outOfSpace(_ operation: String) -> GitError {
        GitError(code: outOfSpaceCode, operation: operation, message: "no space left on device")
    }

    init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
        // git_error_last() may be NULL in 1.5.
        if let last = git_error_last() {
            self.errorClass = last.pointee.klass
            self.message = last.pointee.message.map { String(cString: $0) } ?? "libgit2 error \(code)"
        } else {
            self.errorClass = 0
            self.message = "libgit2 error \(code)"
        }
    }
}

/// Runs a libgit2 call and throws when it returns a negative code.
@discardableResult
func check(_ operation: @autoclosure () -> String, _ code: Int32) throws -> Int32 {
    if code < 0 { throw GitError(code: code, operation: operation()) }
    return code
}
