import Foundation
import Testing

@testable import Config
@testable import Runner
@testable import Support

/// The pure parts of issue 14: which config paths stay inside, what a trust record holds, and what
/// `trust --show` reports as changed.
@Suite struct ContainedPathTests {
    @Test func lexicalChecks() {
        #expect(ContainedPath.lexicalProblem("PERFORMANCE.md") == nil)
        #expect(ContainedPath.lexicalProblem("docs/../PERFORMANCE.md") == nil)
        #expect(ContainedPath.lexicalProblem("./a/./b") == nil)
        #expect(ContainedPath.lexicalProblem("benchmarks/**") == nil)
        #expect(ContainedPath.lexicalProblem("../outside.md")?.contains("..") == true)
        #expect(ContainedPath.lexicalProblem("docs/../../x") != nil)
        #expect(ContainedPath.lexicalProblem("/tmp/abs.md")?.contains("absolute") == true)
        #expect(ContainedPath.lexicalProblem("~/.bashrc") != nil)
    }

    @Test func symlinkedParentsLeadingOutAreFound() throws {
        let base = NSTemporaryDirectory() + "contained-\(UUID().uuidString)"
        let root = base + "/repo", outside = base + "/outside"
        try FileManager.default.createDirectory(atPath: root + "/real", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        try FileManager.default.createSymbolicLink(atPath: root + "/out", withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(atPath: root + "/in", withDestinationPath: "real")
        try FileManager.default.createSymbolicLink(atPath: root + "/file.md", withDestinationPath: outside + "/f.md")

        #expect(ContainedPath.symlinkProblem("out/log.md", under: root)?.contains("symlink") == true)
        #expect(ContainedPath.symlinkProblem("out/deeper/log.md", under: root) != nil)
        #expect(ContainedPath.symlinkProblem("in/log.md", under: root) == nil)
        #expect(ContainedPath.symlinkProblem("missing/dir/log.md", under: root) == nil)
        // The file itself only counts when asked (the log replaces a symlinked file instead of following it).
        #expect(ContainedPath.symlinkProblem("file.md", under: root) == nil)
        #expect(ContainedPath.symlinkProblem("file.md", under: root, includingLast: true) != nil)
    }

    @Test func configLoadNamesTheKeyAndLine() throws {
        let root = NSTemporaryDirectory() + "contained-config-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try "[bench]\ncommand = \"true\"\n\n[log]\npath = \"../x.md\"\n".write(toFile: root + "/.perfjournal.toml", atomically: true, encoding: .utf8)
        let error = try #require(throws: PerfJournalError.self) { try Config.load(repositoryRoot: root) }
        #expect(error.kind == .config)
        #expect(error.message.hasPrefix("line 5: 'log.path' = \"../x.md\""), "\(error.message)")
        try "[tool.perfjournal.bench]\ncommand = \"true\"\nresults = \"/abs.json\"\n".write(toFile: root + "/pyproject.toml", atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: root + "/.perfjournal.toml")
        let pyproject = try #require(throws: PerfJournalError.self) { try Config.load(repositoryRoot: root) }
        #expect(pyproject.message.hasPrefix("line 3: 'tool.perfjournal.bench.results'"), "\(pyproject.message)")
    }
}

@Suite struct TrustRecordTests {
    static func config(_ text: String) throws -> Config {
        try Config.parse(text: text, path: "/repo/.perfjournal.toml", isPyproject: false)
    }

    @Test func commandKeysAreTheSchemasCommands() {
        // Every key whose value is a command is one trust shows in full.
        #expect(Set(Config.commandKeys) == Set(ConfigSchema.keys.filter { $0.path.hasSuffix("command") }.map(\.path)))
    }

    @Test func recordsRoundTripAndDiff() throws {
        let old = try Self.config("[bench]\ncommand = \"true\"\n\n[stats]\nalpha = 0.05\n")
        let text =
            "\(old.contentHash) 2026-01-01T00:00:00Z /repo/.perfjournal.toml\n"
            + old.settings.keys.sorted().map { "  \($0) = \(old.settings[$0]!)\n" }.joined()
        let records = TrustStore.parse("legacyhash 2025-01-01T00:00:00Z /repo/.perfjournal.toml\n" + text)
        #expect(records.count == 2)
        #expect(records[0].settings.isEmpty)
        #expect(records[1].hash == old.contentHash)
        #expect(records[1].settings["bench.command"] == "\"true\"")

        let new = try Self.config("[bench]\ncommand = \"make bench\"\n\n[stats]\nalpha = 0.1\n\n[rules]\napi_command = \"./api\"\n")
        let diff = TrustDiff(current: new, approved: records[1])
        #expect(diff.hasApproval)
        #expect(
            diff.commands == [
                .init(key: "bench.command", before: "\"true\"", after: "\"make bench\""),
                .init(key: "rules.api_command", before: nil, after: "\"./api\""),
            ])
        #expect(diff.others == ["stats.alpha"])
        #expect(diff.summary.contains("bench.command changed: \"true\" -> \"make bench\""))
        #expect(diff.summary.contains("rules.api_command added"))

        let never = TrustDiff(current: new, approved: records[0])
        #expect(!never.hasApproval)
        #expect(never.summary.contains("never trusted"))
    }
}
