import Foundation
import Testing

@testable import Rules

@Suite struct TrailerTests {
    /// Messages that exercise each branch of git's trailer-block rules.
    static let messages: [String] = [
        "perf: cache parsed headers\n\nBody text.\n\nPerf-Change: cache headers\nSigned-off-by: A <a@x>\n",
        "perf: x\n\nPerf-Change: only trailers, no body\n",
        "perf: subject only\n",
        "perf: trailer-looking title\nKey: value\n",
        "fix: y\n\nBody first.\nStill body.\n\nNot a trailer line\nKey: value\n",
        // A git-generated trailer lets a block with >= 25% trailers count.
        "fix: y\n\nBody.\n\nfree text one\nSigned-off-by: A <a@x>\nReviewed-by: B\nfree text two\n",
        // ... but not below 25%.
        "fix: y\n\nBody.\n\none\ntwo\nthree\nfour\nfive\nSigned-off-by: A <a@x>\nsix\nseven\nnine\nten\n",
        // Without a git-generated trailer one non-trailer line spoils the block.
        "fix: y\n\nBody.\n\nReviewed-by: B\nfree text\n",
        // Continuation lines are folded into the value.
        "perf: z\n\nPerf-Change: a long\n  description that wraps\n   twice\nAPI-Change: none\n",
        // Key with a space before the colon, and a URL (git counts it as a trailer too).
        "perf: z\n\nBody\n\nPerf-Scope : broad on purpose\nSee: http://example.com/x\n",
        "perf: z\n\nhttp://example.com/x\n",
        // Keys must be [A-Za-z0-9-]; an underscore makes it a non-trailer.
        "perf: z\n\nBody\n\nnot_a_key: value\n",
        "perf: z\n\n(cherry picked from commit 0123456789abcdef)\nrandom text\nmore\nand more\n",
        "perf: z\n\nPerf-Change: windows\r\nSigned-off-by: W <w@x>\r\n",
        "perf: z\n\n\n\nBody after several blanks\n\n\nKey: v\n\n\n",
    ]

    @Test func trailersMatchGitInterpretTrailers() throws {
        for message in Self.messages {
            let parsed = CommitMessage(message)
            let ours = parsed.trailers.map { "\($0.key): \($0.value)" }
            let gits = try gitParse(message.replacingOccurrences(of: "\r\n", with: "\n"))
            #expect(ours == gits, "message: \(message.debugDescription)")
        }
    }

    @Test func subjectBodyAndTrailers() {
        let m = CommitMessage("perf(parser)!: cache parsed headers\n\nWe parsed each header twice.\n\nPerf-Change: header cache\nsigned-off-by: A <a@x>\n")
        #expect(m.subject == "perf(parser)!: cache parsed headers")
        #expect(m.body == "We parsed each header twice.")
        #expect(m.trailers == [Trailer(key: "Perf-Change", value: "header cache"), Trailer(key: "signed-off-by", value: "A <a@x>")])
        #expect(m.trailer("perf-change") == "header cache")
        #expect(m.trailer("Signed-Off-By") == "A <a@x>")
        #expect(m.conventionalType == "perf")
        #expect(m.isOptimization)
        #expect(m.title == "header cache")
    }

    @Test func commentsAndScissorsAreStrippedLikeGitCommit() {
        let raw = """
            # leading comment
            perf: vectorize checksum\r
            # Please enter the commit message
            \r
            Body line.   \r
            #comment without space

            Perf-Scope: one loop\r
            # ------------------------ >8 ------------------------
            diff --git a/x b/x
            Key: not a trailer, below the scissors
            """
        let m = CommitMessage(raw)
        #expect(m.subject == "perf: vectorize checksum")
        #expect(m.body == "Body line.")
        #expect(m.trailers == [Trailer(key: "Perf-Scope", value: "one loop")])
        #expect(m.title == "vectorize checksum")
    }

    @Test func conventionalTypes() {
        #expect(CommitMessage("perf: x").conventionalType == "perf")
        #expect(CommitMessage("Perf(io): x").conventionalType == "perf")
        #expect(CommitMessage("perf!: x").conventionalType == "perf")
        #expect(CommitMessage("feat: x").conventionalType == "feat")
        #expect(CommitMessage("perf:x").conventionalType == nil)
        #expect(CommitMessage("performance improvements").conventionalType == nil)
        #expect(CommitMessage("perf(scope: broken").conventionalType == nil)
        #expect(!CommitMessage("fix: x").isOptimization)
        #expect(CommitMessage("fix: x\n\nPerf-Change: faster y").isOptimization)
        #expect(CommitMessage("perf(io): batch writes").title == "batch writes")
        #expect(CommitMessage("Batch writes").title == "Batch writes")
        // The prefix is counted in Characters: a scope with combined characters, and a subject that is only the prefix.
        #expect(CommitMessage("perf(e\u{301}té 🇫🇷)!: plus vite").title == "plus vite")
        #expect(CommitMessage("perf:").conventionalType == "perf" && CommitMessage("perf:").title == "")
        #expect(CommitMessage("pérf: x").conventionalType == nil)
    }

    @Test func emptyAndCommentOnlyMessages() {
        let m = CommitMessage("# nothing here\n\n")
        #expect(m.subject == "" && m.body == "" && m.trailers.isEmpty)
        #expect(!m.isOptimization)
    }

    /// `git interpret-trailers --parse --no-divider`: commit messages have no patch divider.
    private func gitParse(_ message: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-c", "trailer.separators=:", "interpret-trailers", "--parse", "--no-divider"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(message.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
