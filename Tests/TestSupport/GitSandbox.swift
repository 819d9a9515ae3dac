import Foundation

/// A throwaway git repository for unit tests that need one: its own HOME, no system config
/// (GIT_CONFIG_NOSYSTEM=1) and a fixed identity, both for the `git` it runs and, through the
/// repository's own config, for libgit2 in the test process. Removed on deinit.
public final class GitSandbox: @unchecked Sendable {
    /// The work tree.
    public let root: String
    private let base: String
    private let home: String

    public init() throws {
        base = NSTemporaryDirectory() + "perfjournal-unit-" + UUID().uuidString
        root = base + "/repo"
        home = base + "/home"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try git("init", "-q", "-b", "main")
        try git("config", "user.name", "Test Author")
        try git("config", "user.email", "author@example.com")
        try git("config", "commit.gpgsign", "false")
    }

    deinit { try? FileManager.default.removeItem(atPath: base) }

    /// Runs git in the work tree; returns its standard output without the final newline.
    @discardableResult
    public func git(_ arguments: String...) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home
        environment["XDG_CONFIG_HOME"] = home + "/.config"
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        for role in ["AUTHOR", "COMMITTER"] {
            environment["GIT_\(role)_NAME"] = "Test Author"
            environment["GIT_\(role)_EMAIL"] = "author@example.com"
        }
        environment.removeValue(forKey: "GIT_DIR")
        environment.removeValue(forKey: "GIT_WORK_TREE")
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw SandboxError(message: "git \(arguments.joined(separator: " ")): \(String(decoding: stderr, as: UTF8.self))")
        }
        var text = String(decoding: stdout, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    /// Writes `text` to `path` in the work tree, creating directories.
    public func write(_ path: String, _ text: String) throws {
        let url = URL(fileURLWithPath: root + "/" + path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// Writes `files`, commits everything, and returns the new commit's full hash.
    @discardableResult
    public func commit(_ message: String, _ files: [String: String] = [:]) throws -> String {
        for (path, text) in files { try write(path, text) }
        try git("add", "-A")
        try git("commit", "-q", "--allow-empty", "-m", message)
        return try git("rev-parse", "HEAD")
    }

    public struct SandboxError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }
}

/// An output stream that keeps what is written, for asserting on progress and messages. (Structurally
/// `Support.OutputStream`; a test conforms it with an empty extension.)
public final class TextBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var storage = ""

    public init() {}

    public func write(_ text: String) { lock.withLock { storage += text } }

    public var text: String { lock.withLock { storage } }
}
