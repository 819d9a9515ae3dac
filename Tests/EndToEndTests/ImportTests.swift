import Foundation
import Testing

/// `perfjournal import`: runs saved in pytest-benchmark's `.benchmarks/` go to the commits they measured.
@Suite struct ImportTests {
    /// The real storage fixture, with its commit ids rewritten to this repository's commits (the
    /// fixture was made in a throwaway repository whose commits do not exist here).
    static func storage(in repo: TestRepository, first: String, second: String) throws -> String {
        let source = TestRepository.fixtures + "/pytest-benchmark/storage"
        let target = repo.root + "/.benchmarks"
        let fm = FileManager.default
        for machine in try fm.contentsOfDirectory(atPath: source) {
            try fm.createDirectory(atPath: target + "/" + machine, withIntermediateDirectories: true)
            for name in try fm.contentsOfDirectory(atPath: source + "/" + machine) {
                func rewrite(_ s: String) -> String {
                    s.replacingOccurrences(of: "cca60ba6ef24d3825ae091dfdc9d356859db72fd", with: first)
                        .replacingOccurrences(of: "4e05a6559bda2eaa44f2a491d08b84d3fa92cbee", with: second)
                }
                let text = try String(contentsOfFile: source + "/" + machine + "/" + name, encoding: .utf8)
                try rewrite(text).write(toFile: target + "/" + machine + "/" + rewrite(name), atomically: true, encoding: .utf8)
            }
        }
        return target
    }

    @Test func importsEachSavedRunOntoItsCommitOnce() throws {
        let repo = try TestRepository()
        try repo.write(".gitignore", ".benchmarks/\n")
        try repo.write("a.py", "x = 1\n")
        try repo.commit("first")
        let first = try repo.head()
        try repo.write("a.py", "x = 2\n")
        try repo.commit("second")
        let second = try repo.head()
        _ = try Self.storage(in: repo, first: first, second: second)

        let imported = try repo.perfjournal("import")
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("2 imported, 1 skipped"), "\(imported.stdout)")
        #expect(imported.stdout.contains("uncommitted changes"))
        for commit in [first, second] {
            let note = try repo.git("notes", "--ref=perfjournal", "show", commit).stdout
            let json = try #require(try JSONSerialization.jsonObject(with: Data(note.utf8)) as? [String: Any])
            let runs = try #require(json["runs"] as? [[String: Any]])
            #expect(runs.count == 1)
            #expect(runs[0]["source"] as? String == "import")
            #expect((runs[0]["results"] as? [Any])?.count == 4)
        }

        let again = try repo.perfjournal("import")
        #expect(again.stdout.contains("0 imported"), "\(again.stdout)")
        let dirty = try repo.perfjournal("import", "--include-dirty")
        #expect(dirty.stdout.contains("1 imported"), "\(dirty.stdout)")
    }

    @Test func missingFolderIsAResultFileError() throws {
        let repo = try TestRepository()
        try repo.write("a", "a\n")
        try repo.commit("first")
        let result = try repo.perfjournal("import")
        #expect(result.status == 5)
        #expect(result.stderr.contains(".benchmarks"))
    }
}
