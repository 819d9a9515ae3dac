import Foundation
import Testing

/// A throwaway git repository with an isolated HOME and no system config, a fixed identity, and
/// helpers to drive the real `git` and the real `perfjournal` binary in it.
final class TestRepository: @unchecked Sendable {
    let root: String
    let home: String
    private let base: String
    /// Added to every command's environment (e.g. PERFJOURNAL_MACHINE, fixed commit dates).
    var extraEnvironment: [String: String] = [:]

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The perfjournal binary built beside this test bundle (or $PERFJOURNAL_BIN).
    static let binary: String = {
        if let explicit = ProcessInfo.processInfo.environment["PERFJOURNAL_BIN"] { return explicit }
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // macOS runs tests from inside an .xctest bundle.
        while dir.path != "/" && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("perfjournal").path) {
            dir.deleteLastPathComponent()
        }
        return dir.appendingPathComponent("perfjournal").path
    }()

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path

    /// With `fixedDates`, every commit gets the same author and committer date, so the same script makes
    /// the same hashes: golden files can name commits.
    init(name: String = "repo", initialize: Bool = true, fixedDates: Bool = false) throws {
        base = NSTemporaryDirectory() + "perfjournal-test-" + UUID().uuidString
        root = base + "/" + name
        home = base + "/home"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        if fixedDates {
            extraEnvironment["GIT_AUTHOR_DATE"] = "2026-01-01T12:00:00Z"
            extraEnvironment["GIT_COMMITTER_DATE"] = "2026-01-01T12:00:00Z"
        }
        if initialize {
            try git("init", "-q", "-b", "main")
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: base) }

    var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = home
        env["XDG_CONFIG_HOME"] = home + "/.config"
        env["GIT_CONFIG_NOSYSTEM"] = "1"
        env["GIT_AUTHOR_NAME"] = "Test Author"
        env["GIT_AUTHOR_EMAIL"] = "author@example.com"
        env["GIT_COMMITTER_NAME"] = "Test Author"
        env["GIT_COMMITTER_EMAIL"] = "author@example.com"
        env["NO_COLOR"] = "1"
        env.removeValue(forKey: "GIT_DIR")
        env.removeValue(forKey: "GIT_WORK_TREE")
        for (k, v) in extraEnvironment { env[k] = v }
        return env
    }

    /// A sibling directory of the repository, for bare remotes and second clones.
    func sibling(_ name: String) -> String { base + "/" + name }

    @discardableResult
    func git(_ arguments: String..., in directory: String? = nil, check: Bool = true) throws -> Result {
        try run("/usr/bin/env", ["git"] + arguments, in: directory ?? root, check: check)
    }

    @discardableResult
    func perfjournal(_ arguments: String..., in directory: String? = nil, stdin: String? = nil) throws -> Result {
        try run(Self.binary, arguments, in: directory ?? root, check: false, stdin: stdin)
    }

    @discardableResult
    func run(_ executable: String, _ arguments: [String], in directory: String, check: Bool, stdin: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = environment
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read both pipes concurrently with the wait so a chatty child never blocks on a full pipe.
        nonisolated(unsafe) var errData = Data()
        let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        let result = Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
        if check && result.status != 0 {
            throw TestFailure("\(executable) \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
        return result
    }

    func write(_ relative: String, _ text: String) throws {
        let path = root + "/" + relative
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func read(_ relative: String) throws -> String {
        try String(contentsOfFile: root + "/" + relative, encoding: .utf8)
    }

    /// Commits everything with `message`, through real `git commit` (hooks run).
    @discardableResult
    func commit(_ message: String, allowEmpty: Bool = false, extra: [String] = []) throws -> Result {
        try git("add", "-A")
        return try run("/usr/bin/env", ["git", "commit", "-q", "-m", message] + (allowEmpty ? ["--allow-empty"] : []) + extra, in: root, check: true)
    }

    func head() throws -> String {
        try git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
