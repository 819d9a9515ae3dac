import Foundation
import Git
import Testing

/// The commit-graph cache must give what `git rev-list` gives, with merges, hiding and a reloaded file.
@Suite struct CommitGraphTests {
    @Test func matchesRevListWithMergesHidingAndReload() throws {
        let s = try DiffTests.Scratch()
        func commit(_ name: String) throws { try s.write(name, name + "\n"); try s.git("add", "-A"); try s.git("commit", "-qm", name) }
        try commit("a"); try commit("b")
        try s.git("checkout", "-qb", "side")
        try commit("s1"); try commit("s2")
        try s.git("checkout", "-q", "main")
        try commit("c")
        try s.git("merge", "-q", "--no-ff", "-m", "merge", "side")
        try commit("d")
        let repo = try Repository(at: s.path)
        let head = try repo.resolveCommit("HEAD")
        let b = try repo.resolveCommit("main~2")  // "b"... the first parent chain: d, merge, c, b
        let cache = s.path + "/.git/perfjournal/cache/commit-graph"

        for round in 0..<2 {
            // Round 1 reads the file written by round 0.
            let graph = CommitGraph(repository: repo, cacheFile: cache)
            let all = try graph.commits(from: head)
            let expected = try s.git("rev-list", "HEAD").split(separator: "\n").map(String.init)
            #expect(Set(all.map(\.hex)) == Set(expected), "round \(round)")
            #expect(all.count == expected.count)
            // Parents come before children.
            let position = Dictionary(uniqueKeysWithValues: all.enumerated().map { ($1, $0) })
            for c in all { for p in try repo.commit(c).parents { #expect(position[p]! < position[c]!) } }
            let since = try graph.commits(from: head, hiding: [b])
            let expectedSince = try s.git("rev-list", "HEAD", "^\(b.hex)").split(separator: "\n").map(String.init)
            #expect(Set(since.map(\.hex)) == Set(expectedSince), "round \(round)")
            var firstParents: [ObjectID] = []
            try graph.firstParents(from: head) {
                firstParents.append($0); return true
            }
            let expectedFirst = try s.git("rev-list", "--first-parent", "HEAD").split(separator: "\n").map(String.init)
            #expect(firstParents.map(\.hex) == expectedFirst)
        }
        #expect(FileManager.default.fileExists(atPath: cache))
    }
}
