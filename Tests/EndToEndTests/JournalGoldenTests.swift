// swift-format-ignore-file
import Foundation
import Testing

/// The journal (log, checklist, PR summary) through the real binary on a scripted history: a baseline,
/// an improvement, a change within noise, a regression, a bundled commit, a failing-test commit, an
/// unmeasured commit and a subject full of Markdown metacharacters. Dates, identity and machine are fixed
/// so commit hashes and output are the same on every run; the run time stored by `record` is the only
/// thing that varies, and it is replaced by a placeholder before comparing with the golden files in
/// Tests/Snapshots (re-recorded with PERFJOURNAL_RECORD_SNAPSHOTS=1).
@Suite(.serialized) struct JournalGoldenTests {
    static let snapshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Snapshots").path

    /// The repository and its perfjournal, with every date and the machine pinned.
    final class History: @unchecked Sendable {
        let repo: TestRepository
        private var minute = 0
        private var resultFiles = 0

        init() throws { repo = try TestRepository() }

        var pinned: [String] {
            let date = String(format: "2026-01-01T12:%02d:00+0000", minute)
            return ["GIT_AUTHOR_DATE=\(date)", "GIT_COMMITTER_DATE=\(date)", "PERFJOURNAL_MACHINE=golden-machine"]
        }

        @discardableResult
        func commit(_ message: String, files: [String: String], noVerify: Bool = false) throws -> String {
            for (path, text) in files { try repo.write(path, text) }
            try repo.git("add", "-A")
            minute += 1
            try repo.run("/usr/bin/env", pinned + ["git", "commit", "-q", "-m", message] + (noVerify ? ["--no-verify"] : []),
                         in: repo.root, check: true)
            return try repo.head()
        }

        @discardableResult
        func perfjournal(_ arguments: String...) throws -> TestRepository.Result {
            try repo.run("/usr/bin/env", pinned + [TestRepository.binary] + arguments, in: repo.root, check: false)
        }

        /// Records synthetic pytest-benchmark results on HEAD: medians in seconds, seeded samples.
        func record(_ medians: [String: Double], seed: UInt64, tests: String = "passed", baseline: Bool = false) throws {
            resultFiles += 1
            let path = repo.sibling("results-\(resultFiles).json")
            try SyntheticResults.pytestBenchmark(medians: medians, seed: seed).write(toFile: path, atomically: true, encoding: .utf8)
            var arguments = ["record", "HEAD", "--results", path, "--tests", tests]
            if baseline { arguments.append("--baseline") }
            let result = try repo.run("/usr/bin/env", pinned + [TestRepository.binary] + arguments, in: repo.root, check: false)
            try #require(result.status == 0, "\(result.stderr)")
        }

        /// Stores a profile (as `perfjournal run` would convert it) for HEAD's newest run, in
        /// refs/notes/perfjournal-profiles. Each benchmark: (name, total seconds a call, peak bytes, rows
        /// `[file, name, line, primitive calls, calls, self seconds, cumulative seconds]`).
        func profile(_ benchmarks: [(String, Double, Int, [[Any]])]) throws {
            let note = try repo.git("notes", "--ref=perfjournal", "show", "HEAD").stdout
            let runs = (try JSONSerialization.jsonObject(with: Data(note.utf8)) as? [String: Any])?["runs"] as? [[String: Any]]
            let id = try #require(runs?.last?["id"] as? String)
            let profiles = benchmarks.map { name, total, peak, functions -> [String: Any] in
                ["name": name, "loops": 1, "total_seconds": total, "peak_memory_bytes": peak, "functions": functions, "edges": [[Any]]()]
            }
            let text = String(decoding: try JSONSerialization.data(
                withJSONObject: ["schema": 1, "runs": [id: ["python": "3.12.0", "benchmarks": profiles]]], options: [.sortedKeys]), as: UTF8.self)
            try repo.git("notes", "--ref=perfjournal-profiles", "add", "-f", "-m", text, "HEAD")
        }
    }

    static let parse = "tests/test_bench.py::test_parse"
    static let render = "tests/test_bench.py::test_render"
    static let sort = "tests/test_bench.py::test_sort[1000]"
    static let baseMedians = [parse: 0.0120, render: 0.00250, sort: 0.000480]

    static func module(_ name: String, _ version: Int) -> String {
        "def \(name)(x):\n    return x + \(version)\n"
    }

    /// The scripted history; returns it with HEAD at the metacharacter commit.
    static func scripted() throws -> History {
        let h = try History()
        try h.commit("Initial version", files: ["src/parse.py": module("parse", 0), "src/render.py": module("render", 0),
                                                 "src/sort.py": module("sort", 0), "src/app.py": module("app", 0),
                                                 "src/util.py": module("util", 0), "src/io.py": module("io", 0)])
        let initialised = try h.perfjournal("init", "--no-hooks", "--bench", "true", "--results", "out.json",
                                            "--format", "pytest-benchmark", "--test", "true")
        try #require(initialised.status == 0, "\(initialised.stderr)")
        try h.commit("Add perfjournal config", files: [:])
        try h.record(baseMedians, seed: 1, baseline: true)
        // Three more runs of the baseline's tree, as `baseline --runs 4` makes them: the machine's noise.
        for seed: UInt64 in 101...103 { try h.record(baseMedians, seed: seed) }
        // Profiles of the baseline and of the tokenizer cache: "where the time went" names the tokenizer
        // (gone) for parse, which improved; render's time is unchanged, so its moved shares are not shown,
        // but its peak memory grew beyond max(5%, 64 KiB); sort's grew by less than 64 KiB.
        try h.profile([
            (parse, 0.0120, 2_000_000, [["src/parse.py", "parse", 1, 1, 1, 0.0005, 0.0120], ["src/parse.py", "tokenize", 5, 1, 1, 0.0030, 0.0030],
                                        ["src/parse.py", "scan", 9, 50, 50, 0.0080, 0.0080], ["~", "<built-in method builtins.len>", 0, 100, 100, 0.0005, 0.0005]]),
            (render, 0.0025, 1_000_000, [["src/render.py", "render", 1, 1, 1, 0.0005, 0.0025], ["src/render.py", "glyph", 4, 10, 10, 0.0020, 0.0020]]),
            (sort, 0.00048, 40_000, [["src/sort.py", "sort", 1, 1, 1, 0.00048, 0.00048]]),
        ])

        try h.commit("perf(parse): cache the tokenizer\n\nThe tokenizer was rebuilt for every call; it is built once now.",
                     files: ["src/parse.py": module("parse", 1)])
        try h.record([parse: 0.0096, render: 0.00250, sort: 0.000480], seed: 2)
        try h.profile([
            (parse, 0.0096, 2_000_000, [["src/parse.py", "parse", 1, 1, 1, 0.0005, 0.0096], ["src/parse.py", "cached_tokenizer", 5, 1, 1, 0.0006, 0.0006],
                                        ["src/parse.py", "scan", 12, 50, 50, 0.0080, 0.0080], ["~", "<built-in method builtins.len>", 0, 100, 100, 0.0005, 0.0005]]),
            (render, 0.0025, 1_500_000, [["src/render.py", "render", 1, 1, 1, 0.0008, 0.0025], ["src/render.py", "glyph", 4, 10, 10, 0.0017, 0.0017]]),
            (sort, 0.00048, 100_000, [["src/sort.py", "sort", 1, 1, 1, 0.00048, 0.00048]]),
        ])

        try h.commit("perf(render): inline the glyph lookup", files: ["src/render.py": module("render", 1)])
        try h.record([parse: 0.0096, render: 0.00250, sort: 0.000480], seed: 3)

        try h.commit("perf(sort): switch to insertion sort\n\nFaster for tiny inputs, they said.", files: ["src/sort.py": module("sort", 1)])
        try h.record([parse: 0.0096, render: 0.00250, sort: 0.000560], seed: 4)

        try h.commit("perf: rewrite app, util, io, parse and render at once",
                     files: ["src/app.py": module("app", 2), "src/util.py": module("util", 2), "src/io.py": module("io", 2),
                             "src/parse.py": module("parse", 2), "src/render.py": module("render", 2)],
                     noVerify: true)
        try h.record([parse: 0.0090, render: 0.00240, sort: 0.000560], seed: 5)

        try h.commit("perf(parse): skip input validation", files: ["src/parse.py": module("parse", 3)])
        try h.record([parse: 0.0080, render: 0.00240, sort: 0.000560], seed: 6, tests: "failed")

        try h.commit("test: cover the renderer", files: ["tests/test_render.py": "def test_render():\n    pass\n"])

        try h.commit("perf(io): precompute the table", files: ["src/io.py": module("io", 3)])

        try h.commit("perf: | \\` * _ <script>alert(1)</script> [x](y)\n\nA body line with <b>html</b> & a | pipe,\nand a second line.\n# not a heading",
                     files: ["src/util.py": module("util", 3)])
        try h.record([parse: 0.0080, render: 0.00200, sort: 0.000560], seed: 7)
        return h
    }

    /// The record time is the one thing not pinned; it is stored in the notes, so it is shown.
    static func normalised(_ text: String) -> String {
        text.replacingOccurrences(of: #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"#, with: "<time>", options: .regularExpression)
    }

    static func assertSnapshot(_ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let path = snapshots + "/" + name
        let actual = normalised(text)
        if ProcessInfo.processInfo.environment["PERFJOURNAL_RECORD_SNAPSHOTS"] == "1" {
            try FileManager.default.createDirectory(atPath: snapshots, withIntermediateDirectories: true)
            try actual.write(toFile: path, atomically: true, encoding: .utf8)
            print("recorded snapshot \(name)")
            return
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        #expect(actual == expected, "\(name) differs from its snapshot; PERFJOURNAL_RECORD_SNAPSHOTS=1 re-records it", sourceLocation: sourceLocation)
    }

    @Test func goldenFiles() throws {
        let h = try Self.scripted()
        let log = try h.perfjournal("log")
        #expect(log.status == 0, "\(log.stderr)")
        try Self.assertSnapshot(log.stdout, "journal-log.md")
        let json = try h.perfjournal("log", "--json")
        #expect(json.status == 0, "\(json.stderr)")
        try Self.assertSnapshot(json.stdout, "journal-log.json")
        let checklist = try h.perfjournal("checklist", "--markdown")
        #expect(checklist.status == 1, "failing items exit 1: \(checklist.stderr)")
        try Self.assertSnapshot(checklist.stdout, "journal-checklist.md")
        // For the terminal: plain text, no Markdown escapes.
        let plain = try h.perfjournal("checklist")
        #expect(plain.status == 1)
        #expect(!plain.stdout.contains("&gt;") && !plain.stdout.contains("\\["))
        try Self.assertSnapshot(plain.stdout, "journal-checklist.txt")
        let checklistJSON = try h.perfjournal("checklist", "--json")
        try Self.assertSnapshot(checklistJSON.stdout, "journal-checklist.json")
        let pr = try h.perfjournal("pr-summary")
        #expect(pr.status == 0, "\(pr.stderr)")
        try Self.assertSnapshot(pr.stdout, "journal-pr-summary.md")
        let prJSON = try h.perfjournal("pr-summary", "--format", "json")
        try Self.assertSnapshot(prJSON.stdout, "journal-pr-summary.json")

        // The same history renders the same bytes.
        #expect(try h.perfjournal("log").stdout == log.stdout)
        try MermaidGrammar.validate(try #require(MermaidGrammar.blocks(in: pr.stdout).first))
    }

    /// A PR whose base was never measured (the ordinary case when main's merge-base has no run): the
    /// baseline stands in, the chart is drawn, and no commit is said to be another machine's.
    @Test func prSummaryFromAnUnmeasuredBase() throws {
        let h = try Self.scripted()
        let root = try h.repo.git("rev-list", "--max-parents=0", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let pr = try h.perfjournal("pr-summary", "--base", root)
        #expect(pr.status == 0, "\(pr.stderr)")
        #expect(!pr.stdout.contains("another machine"), "\(pr.stdout)")
        #expect(!pr.stdout.contains("No overall change"), "\(pr.stdout)")
        #expect(pr.stdout.contains("the baseline"), "\(pr.stdout)")
        try MermaidGrammar.validate(try #require(MermaidGrammar.blocks(in: pr.stdout).first))
        try Self.assertSnapshot(pr.stdout, "journal-pr-summary-unmeasured-base.md")
    }

    @Test func escapingHoldsInTheRenderedLog() throws {
        let h = try Self.scripted()
        let log = try h.perfjournal("log").stdout
        #expect(!log.contains("<script>"))
        #expect(!log.contains("<b>"))
        #expect(log.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!log.contains("\n# not a heading"))
        // Every table row has exactly as many unescaped pipes as its header.
        for table in log.components(separatedBy: "\n\n") where table.hasPrefix("| ") {
            let rows = table.split(separator: "\n")
            let columns = Self.cells(String(rows[0]))
            for row in rows { #expect(Self.cells(String(row)) == columns, "\(row)") }
        }
    }

    static func cells(_ row: String) -> Int {
        var count = 0, escaped = false
        for c in row {
            if escaped { escaped = false; continue }
            if c == "\\" { escaped = true } else if c == "|" { count += 1 }
        }
        return count
    }

    @Test func checkDetectsAStaleLogAndCommittingTheLogKeepsItCurrent() throws {
        let h = try Self.scripted()
        #expect(try h.perfjournal("log", "--check").status == 1, "no log committed yet")
        let write = try h.perfjournal("log", "--write")
        #expect(write.status == 0, "\(write.stderr)")
        let written = try h.repo.read("PERFORMANCE.md")
        #expect(try h.perfjournal("log", "--check").status == 1, "written but not committed")
        try h.commit("docs: update the performance log", files: [:])
        let check = try h.perfjournal("log", "--check")
        #expect(check.status == 0, "\(check.stderr)")
        // Committing the log did not change what it says.
        #expect(try h.perfjournal("log").stdout == written)
        #expect(try h.perfjournal("checklist", "--json").stdout.contains("\"key\" : \"log\",\n      \"status\" : \"pass\""))

        // Editing it by hand is caught.
        try h.repo.write("PERFORMANCE.md", written + "hand-written line\n")
        #expect(try h.perfjournal("log", "--check").status == 1)
        try h.repo.write("PERFORMANCE.md", written)

        // A new optimization makes the committed log stale.
        try h.commit("perf(render): draw less", files: ["src/render.py": Self.module("render", 9)])
        let stale = try h.perfjournal("log", "--check")
        #expect(stale.status == 1)
        #expect(stale.stderr.contains("PERFORMANCE.md"))
    }

    @Test func repositoryTemplatesOverrideTheEmbeddedOnes() throws {
        let h = try Self.scripted()
        try h.repo.write(".perfjournal/templates/log.mustache", "{{#entries}}{{{number}}}={{{title}}}\n{{/entries}}")
        let log = try h.perfjournal("log")
        #expect(log.status == 0, "\(log.stderr)")
        #expect(log.stdout.hasPrefix("1=cache the tokenizer\n2=inline the glyph lookup\n"))
        try h.repo.write(".perfjournal/templates/log.mustache", "{{#entries}}")
        let broken = try h.perfjournal("log")
        #expect(broken.status == 4)
        #expect(broken.stderr.contains("log.mustache"))
    }

    @Test func autoWriteUpdatesTheWorkingTreeOnly() throws {
        let h = try Self.scripted()
        let results = h.repo.sibling("auto.json")
        try SyntheticResults.pytestBenchmark(medians: Self.baseMedians, seed: 9).write(toFile: results, atomically: true, encoding: .utf8)
        let config = try h.repo.read(".perfjournal.toml")
        #expect(config.contains("auto_write = false"))
        try h.repo.write(".perfjournal.toml", config.replacingOccurrences(of: "auto_write = false", with: "auto_write = true")
            .replacingOccurrences(of: "command = \"true\"\n", with: "command = \"cp '\(results)' out.json\"\n"))
        try h.commit("chore: write the log automatically", files: [:])
        #expect(try h.perfjournal("trust").status == 0)
        let run = try h.perfjournal("run")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: h.repo.root + "/PERFORMANCE.md"))
        #expect(try h.repo.git("log", "--oneline", "-1").stdout.contains("write the log automatically"))
        #expect(try h.repo.read("PERFORMANCE.md") == (try h.perfjournal("log").stdout))
    }
}

/// A check of the Mermaid `xychart-beta` grammar the PR summary relies on: the header, a quoted title,
/// an x-axis of quoted labels, a quoted y-axis label, then `line` series of plain numbers, all as long
/// as the x-axis.
enum MermaidGrammar {
    struct Invalid: Error, CustomStringConvertible { var description: String }

    /// The bodies of the ```mermaid blocks in `markdown`.
    static func blocks(in markdown: String) -> [String] {
        var blocks: [String] = [], current: [String]?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```mermaid" { current = []; continue }
            if current != nil, line == "```" { blocks.append(current!.joined(separator: "\n")); current = nil; continue }
            current?.append(String(line))
        }
        return blocks
    }

    static func validate(_ source: String) throws {
        let lines = source.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard lines.first == "xychart-beta" else { throw Invalid(description: "must start with xychart-beta") }
        var labels: Int?
        var series = 0
        for line in lines.dropFirst() {
            if line.hasPrefix("title ") {
                try quoted(String(line.dropFirst(6)))
            } else if line.hasPrefix("x-axis ") {
                let list = try bracketed(String(line.dropFirst(7)))
                for item in list { try quoted(item) }
                labels = list.count
            } else if line.hasPrefix("y-axis ") {
                try quoted(String(line.dropFirst(7)))
            } else if line.hasPrefix("line ") {
                let values = try bracketed(String(line.dropFirst(5)))
                for v in values where v.range(of: #"^-?\d+(\.\d+)?$"#, options: .regularExpression) == nil {
                    throw Invalid(description: "not a plain number: \(v)")
                }
                guard values.count == labels else { throw Invalid(description: "series of \(values.count) values for \(labels ?? 0) labels") }
                series += 1
            } else {
                throw Invalid(description: "unexpected line: \(line)")
            }
        }
        guard series > 0 else { throw Invalid(description: "no series") }
    }

    static func quoted(_ text: String) throws {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard t.count >= 2, t.hasPrefix("\""), t.hasSuffix("\""), !t.dropFirst().dropLast().contains("\"") else {
            throw Invalid(description: "not a quoted string: \(text)")
        }
    }

    static func bracketed(_ text: String) throws -> [String] {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard t.hasPrefix("["), t.hasSuffix("]") else { throw Invalid(description: "not a list: \(text)") }
        let inner = t.dropFirst().dropLast()
        guard !inner.contains("[") && !inner.contains("]") else { throw Invalid(description: "nested brackets: \(text)") }
        return inner.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }
}
