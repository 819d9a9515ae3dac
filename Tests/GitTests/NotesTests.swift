import Foundation
import Git
import Testing

/// A fresh repository with one commit, made through libgit2 itself.
private func makeRepository() throws -> (Repository, ObjectID, String) {
    let path = NSTemporaryDirectory() + "perfjournal-gittests-" + UUID().uuidString
    let repo = try Repository.create(at: path)
    try "hello\n".write(toFile: path + "/a.txt", atomically: true, encoding: .utf8)
    let commit = try repo.commitAll(message: "first\n")
    return (repo, commit, path)
}

@Suite struct NotesTests {
    let ref = "refs/notes/test"

    @Test func writesAndReadsANote() throws {
        let (repo, commit, path) = try makeRepository()
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try repo.noteText(ref: ref, commit: commit) == nil)
        try repo.updateNote(ref: ref, commit: commit) { _ in "one\n" }
        #expect(try repo.noteText(ref: ref, commit: commit) == "one\n")
        #expect(try repo.notedCommits(ref: ref).keys.contains(commit))
    }

    @Test func transformSeesCurrentTextAndNilLeavesItAlone() throws {
        let (repo, commit, path) = try makeRepository()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try repo.updateNote(ref: ref, commit: commit) { _ in "a" }
        let wrote = try repo.updateNote(ref: ref, commit: commit) { current in
            #expect(current == "a")
            return nil
        }
        #expect(!wrote)
        try repo.updateNote(ref: ref, commit: commit) { ($0 ?? "") + "b" }
        #expect(try repo.noteText(ref: ref, commit: commit) == "ab")
    }

    /// Another writer moves the ref between our read and our swap: the swap must fail, and the retry must
    /// build on the other writer's note, so neither write is lost.
    @Test func compareAndSwapRetriesOnTheWinnersNote() throws {
        let (repo, commit, path) = try makeRepository()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let rival = try Repository(at: path)
        try repo.updateNote(ref: ref, commit: commit) { _ in "base" }
        var attempts = 0
        try repo.updateNote(ref: ref, commit: commit) { current in
            attempts += 1
            if attempts == 1 {
                try rival.updateNote(ref: ref, commit: commit) { ($0 ?? "") + "+rival" }
            }
            return (current ?? "") + "+mine"
        }
        #expect(attempts == 2)
        #expect(try repo.noteText(ref: ref, commit: commit) == "base+rival+mine")
    }

    @Test func missingRevisionThrowsNotFound() throws {
        let (repo, _, path) = try makeRepository()
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: GitError.self) { try repo.resolveCommit("no-such-branch") }
    }

    @Test func walkListsOldestFirstAndHides() throws {
        let (repo, first, path) = try makeRepository()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "two\n".write(toFile: path + "/a.txt", atomically: true, encoding: .utf8)
        let second = try repo.commitAll(message: "second\n")
        try "three\n".write(toFile: path + "/a.txt", atomically: true, encoding: .utf8)
        let third = try repo.commitAll(message: "third\n")
        #expect(try repo.commits(from: third) == [first, second, third])
        #expect(try repo.commits(from: third, hiding: [first]) == [second, third])
        #expect(try repo.commit(third).parents == [second])
        #expect(try repo.commit(third).subject == "third")
    }

    /// A writer killed mid-update leaves `<ref>.lock`; once it is stale the next writer removes it.
    @Test func staleRefLockLeftByAKilledWriterIsRemoved() throws {
        let (repo, commit, path) = try makeRepository()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try repo.updateNote(ref: ref, commit: commit) { _ in "a" }
        let lock = path + "/.git/" + ref + ".lock"
        _ = FileManager.default.createFile(atPath: lock, contents: Data())
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-60)], ofItemAtPath: lock)
        try repo.updateNote(ref: ref, commit: commit) { ($0 ?? "") + "b" }
        #expect(try repo.noteText(ref: ref, commit: commit) == "ab")
        #expect(!FileManager.default.fileExists(atPath: lock))
    }

    /// A note big enough to be compressed in several pieces on several threads (`LooseObject.swift`) is one
    /// loose object that plain git reads back byte for byte, under the id git itself gives that content,
    /// and `git fsck --strict` finds nothing wrong; so is a tiny one, and one that replaces another.
    @Test func bigNotesAreLooseObjectsThatGitReads() throws {
        let (repo, commit, path) = try makeRepository()
        defer { try? FileManager.default.removeItem(atPath: path) }
        // Numbers like a run's samples, 4 MB of them: about 16 pieces, each primed with the one before.
        var generator = SystemRandomNumberGenerator()
        var big = "{\"samples\": ["
        while big.utf8.count < 4_000_000 { big += "\(Double.random(in: 0..<0.01, using: &generator)), " }
        big += "0]}\n"
        for text in ["x", big, big + big.prefix(1000)] {
            try repo.updateNote(ref: ref, commit: commit) { _ in text }
            let blob = try #require(try repo.notedCommits(ref: ref)[commit])
            #expect(try git(path, ["cat-file", "blob", blob.hex]) == Data(text.utf8))
            #expect(try git(path, ["hash-object", "--stdin"], input: Data(text.utf8)) == Data((blob.hex + "\n").utf8))
            #expect(try repo.noteText(ref: ref, commit: commit) == text)
        }
        _ = try git(path, ["fsck", "--strict", "--no-progress"])
    }

    /// Stretches its writers compressed already are copied into the note's stream; one whose checksum or
    /// place does not match the text is compressed again instead. Either way git reads back the text.
    @Test func compressedStretchesAreSplicedIntoANoteGitReads() throws {
        let (repo, commit, path) = try makeRepository()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let runs = (0..<6).map { run in (0..<60_000).map { "\(run).\($0 * 7919 % 10007)" }.joined(separator: ", ") }
        var text = "{\"runs\": ["
        var stretches: [DeflatedStretch] = []
        for (index, run) in runs.enumerated() {
            if index > 0 { text += ", " }
            var stretch = try #require(Array(run.utf8).withUnsafeBytes { Repository.deflate($0) })
            stretch.offset = text.utf8.count
            if index == 2 { stretch.adler &+= 1 }  // damaged: must not be used
            if index == 4 { stretch.offset += 1 }  // misplaced: must not be used
            stretches.append(stretch)
            text += run
        }
        text += "]}\n"
        for deflated in [stretches, Array(stretches.prefix(1)), []] {
            try repo.updateNoteReusingStretches(ref: ref, commit: commit) { _ in Repository.NoteText(text, deflated: deflated) }
            let blob = try #require(try repo.notedCommits(ref: ref)[commit])
            #expect(try git(path, ["cat-file", "blob", blob.hex]) == Data(text.utf8))
            text += " "
        }
        _ = try git(path, ["fsck", "--strict", "--no-progress"])
    }

    /// Runs git in `path` and returns its standard output; throws when it fails.
    private func git(_ path: String, _ arguments: [String], input: Data? = nil) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", path] + arguments
        let output = Pipe(), feed = Pipe()
        process.standardOutput = output
        process.standardInput = feed
        try process.run()
        if let input { feed.fileHandleForWriting.write(input) }
        try feed.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        struct Failed: Error { var command: String }
        guard process.terminationStatus == 0 else { throw Failed(command: "git " + arguments.joined(separator: " ")) }
        return data
    }

    /// The very first note: another writer creates the ref between our read and our swap. Plain create
    /// would overwrite it (libgit2 checks existence before locking); the swap against "must not exist"
    /// must fail and retry on the winner's note.
    @Test func firstNoteRaceKeepsBothWrites() throws {
        let (repo, commit, path) = try makeRepository()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let rival = try Repository(at: path)
        var attempts = 0
        try repo.updateNote(ref: ref, commit: commit) { current in
            attempts += 1
            if attempts == 1 {
                #expect(current == nil)
                try rival.updateNote(ref: ref, commit: commit) { _ in "rival" }
            }
            return (current ?? "") + "+mine"
        }
        #expect(attempts == 2)
        #expect(try repo.noteText(ref: ref, commit: commit) == "rival+mine")
    }
}
