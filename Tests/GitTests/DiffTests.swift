import Foundation
import Git
import Testing

/// Diffs read through libgit2 on commits made by the git CLI (an independent client).
@Suite struct DiffTests {
    final class Scratch {
        let path = NSTemporaryDirectory() + "perfjournal-difftests-" + UUID().uuidString
        deinit { try? FileManager.default.removeItem(atPath: path) }

        @discardableResult
        func git(_ args: String...) throws -> String {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", "-c", "protocol.file.allow=always"] + args
            p.currentDirectoryURL = URL(fileURLWithPath: path)
            var env = ProcessInfo.processInfo.environment
            env["GIT_CONFIG_NOSYSTEM"] = "1"
            env["HOME"] = path
            p.environment = env
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            try p.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            guard p.terminationStatus == 0 else { throw GitCLIFailure(args: args) }
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func write(_ name: String, _ text: String) throws {
            let url = URL(fileURLWithPath: path + "/" + name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }

        init() throws {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            try git("init", "-q", "-b", "main")
        }
    }

    struct GitCLIFailure: Error { var args: [String] }

    @Test func changedLineNumbersOnBothSides() throws {
        let s = try Scratch()
        try s.write("a.py", "one\ntwo\nthree\nfour\n")
        try s.git("add", "-A"); try s.git("commit", "-qm", "first")
        try s.write("a.py", "one\nTWO\nthree\nfour\nfive\n")
        try s.git("add", "-A"); try s.git("commit", "-qm", "second")
        let repo = try Repository(at: s.path)
        let diff = try repo.diff(commit: try repo.resolveCommit("HEAD"))
        #expect(diff.count == 1)
        #expect(diff[0].status == .modified)
        #expect(diff[0].deletedLines == [2])
        #expect(diff[0].addedLines == [2, 5])
        #expect(diff[0].hunks == 2)
    }

    @Test func rootCommitIsDiffedAgainstNothing() throws {
        let s = try Scratch()
        try s.write("a.txt", "x\ny\n")
        try s.git("add", "-A"); try s.git("commit", "-qm", "root")
        let repo = try Repository(at: s.path)
        let diff = try repo.diff(commit: try repo.resolveCommit("HEAD"))
        #expect(diff.map(\.status) == [.added])
        #expect(diff[0].addedLines == [1, 2])
        #expect(diff[0].oldBlob == nil && diff[0].newBlob != nil)
    }

    @Test func renamesBinariesModesAndOddPaths() throws {
        let s = try Scratch()
        let body = (1...40).map { "line \($0)" }.joined(separator: "\n") + "\n"
        try s.write("old_name.py", body)
        try s.write("run.sh", "echo hi\n")
        try s.git("add", "-A"); try s.git("commit", "-qm", "first")
        try s.git("mv", "old_name.py", "new_name.py")
        try s.write("new_name.py", body.replacingOccurrences(of: "line 40", with: "line forty"))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: s.path + "/run.sh")
        try Data([0, 159, 146, 150, 0, 1]).write(to: URL(fileURLWithPath: s.path + "/blob.bin"))
        // A path that is not UTF-8 (Latin-1 'é').
        let latin1 = Array((s.path + "/caf").utf8) + [0xE9, 0]
        let fd = latin1.withUnsafeBufferPointer { open(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), O_CREAT | O_WRONLY, 0o644) }
        #expect(fd >= 0)
        close(fd)
        try s.git("add", "-A"); try s.git("commit", "-qm", "second")
        let repo = try Repository(at: s.path)
        let diff = try repo.diff(commit: try repo.resolveCommit("HEAD"))
        let byPath = Dictionary(uniqueKeysWithValues: diff.map { ($0.path, $0) })
        let renamed = try #require(byPath["new_name.py"])
        #expect(renamed.status == .renamed && renamed.oldPath == "old_name.py")
        #expect(renamed.addedLines == [40] && renamed.deletedLines == [40])
        #expect(try #require(byPath["blob.bin"]).isBinary)
        #expect(try #require(byPath["run.sh"]).modeChanged)
        #expect(diff.contains { $0.path.hasPrefix("caf") && $0.path.contains("\u{FFFD}") })
    }

    @Test func submodulesAreReportedNotRead() throws {
        let inner = try Scratch()
        try inner.write("x", "x\n")
        try inner.git("add", "-A"); try inner.git("commit", "-qm", "inner")
        let s = try Scratch()
        try s.write("a", "a\n")
        try s.git("add", "-A"); try s.git("commit", "-qm", "first")
        try s.git("submodule", "add", "-q", inner.path, "vendor/inner")
        try s.git("commit", "-qm", "add submodule")
        let repo = try Repository(at: s.path)
        let diff = try repo.diff(commit: try repo.resolveCommit("HEAD"))
        let sub = try #require(diff.first { $0.path == "vendor/inner" })
        #expect(sub.isSubmodule && sub.addedLines.isEmpty && sub.newBlob == nil)
    }

    @Test func stagedChangesAgainstHead() throws {
        let s = try Scratch()
        try s.write("a.txt", "1\n2\n")
        try s.git("add", "-A"); try s.git("commit", "-qm", "first")
        try s.write("a.txt", "1\n2\n3\n")
        try s.write("b.txt", "new\n")
        try s.git("add", "a.txt")
        let repo = try Repository(at: s.path)
        let staged = try repo.diffStaged()
        #expect(staged.map(\.path) == ["a.txt"])
        #expect(staged[0].addedLines == [3])
        #expect(try repo.blobBytes(try #require(staged[0].newBlob)) == Array("1\n2\n3\n".utf8))
    }
}
