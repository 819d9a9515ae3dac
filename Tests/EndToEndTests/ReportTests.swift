import Foundation
import Testing

/// `perfjournal report --html`: the page through the real binary, then rendered by headless Chromium.
@Suite struct ReportTests {
    static let names = ["bench::parse", "bench::render", "bench::sort<'&'>"]

    /// A baseline and five commits: an improving optimization, a support commit, a regressing
    /// optimization, an unmeasured one and a support commit whose runs were disturbed; the remote is on GitHub.
    static func history() throws -> TestRepository {
        let repo = try TestRepository()
        try repo.write("src/app.py", "def parse():\n    return 1\n\n\ndef render():\n    return 2\n")
        try repo.commit("Initial version")
        let initialised = try repo.perfjournal(
            "init", "--no-hooks", "--bench", "true", "--results", "out.json", "--format", "pytest-benchmark", "--test", "true")
        try #require(initialised.status == 0, "\(initialised.stderr)")
        // A repository-defined command a read-only report must never run.
        let config = try repo.read(".perfjournal.toml")
        try #require(config.contains("\n[rules]\n"))
        try repo.write(
            ".perfjournal.toml",
            config.replacingOccurrences(of: "\n[rules]\n", with: "\n[rules]\napi_command = \"touch \(repo.sibling("api-command-ran"))\"\n"))
        try repo.commit("Add perfjournal config")
        try repo.git("remote", "add", "origin", "git@github.com:example/project.git")
        try record(repo, medians: [1.0, 1.0, 1.0], seed: 1, baseline: true)

        try repo.write("src/app.py", "def parse():\n    return 10\n\n\ndef render():\n    return 2\n")
        try repo.commit("perf: parse without the regex\n\nThe tokenizer matches bytes directly.")
        try record(repo, medians: [0.6, 1.0, 1.0], seed: 2)

        try repo.write("README.md", "docs\n")
        try repo.commit("docs: say how to run it")
        try record(repo, medians: [0.6, 1.0, 1.0], seed: 3)

        try repo.write("src/app.py", "def parse():\n    return 10\n\n\ndef render():\n    return 20\n")
        try repo.commit("perf: render into one buffer")
        try record(repo, medians: [0.6, 1.4, 1.0], seed: 4)

        try repo.write("src/app.py", "def parse():\n    return 11\n\n\ndef render():\n    return 20\n")
        try repo.commit("perf: not measured yet")

        try repo.write("README.md", "docs, more\n")
        try repo.commit("docs: say what it costs")
        try record(repo, medians: [0.6, 1.4, 1.0], seed: 5)
        // The machine was busy during that run: the report draws it hollow.
        let note = try repo.git("notes", "--ref=perfjournal", "show", "HEAD").stdout
        var json = try #require(try JSONSerialization.jsonObject(with: Data(note.utf8)) as? [String: Any])
        var runs = try #require(json["runs"] as? [[String: Any]])
        for i in runs.indices { runs[i]["disturbed"] = ["reason": "another process took 80% of a core"] }
        json["runs"] = runs
        let edited = repo.sibling("disturbed-note.json")
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: edited))
        try repo.git("notes", "--ref=perfjournal", "add", "-f", "-F", edited, "HEAD")
        return repo
    }

    /// Three runs a side: verdicts are made on run-level values, and one run a side decides nothing.
    static func record(_ repo: TestRepository, medians: [Double], seed: UInt64, baseline: Bool = false) throws {
        for k in 0..<3 {
            let benchmarks = zip(names, medians).map { SyntheticResults.Benchmark(name: $0, median: $1 * 0.01, cv: 0.01) }
            let file = repo.sibling("results-\(seed)-\(k).json")
            try SyntheticResults.pytestBenchmark(benchmarks, seed: seed * 10 + UInt64(k)).write(toFile: file, atomically: true, encoding: .utf8)
            let arguments = ["record", "HEAD", "--results", file, "--tests", "passed"] + (baseline ? ["--baseline"] : [])
            let recorded = try repo.run(TestRepository.binary, arguments, in: repo.root, check: false)
            try #require(recorded.status == 0, "\(recorded.stderr)")
        }
    }

    @Test func writesOneSelfContainedPage() throws {
        let repo = try Self.history()
        let out = repo.sibling("site")
        let result = try repo.perfjournal("report", "--html", out)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("3 benchmarks, 5 measured commits, 3 optimizations"), "\(result.stderr)")
        let page = try String(contentsOfFile: out + "/index.html", encoding: .utf8)

        // One chart per benchmark, each named (escaped), plus the overview's geometric mean.
        #expect(page.components(separatedBy: "<figure class=\"bench").count - 1 == 3)
        #expect(page.components(separatedBy: "<svg class=\"chart\"").count - 1 == 4)
        #expect(page.contains("bench::sort&lt;&#39;&amp;&#39;&gt;"))
        #expect(!page.contains("bench::sort<'&'>"))
        // The disturbed commit is hollow in every chart (and in the two legends).
        #expect(page.components(separatedBy: "<path class=\"hollow plain\"").count - 1 == 4 + 2)
        // Nothing from the network: the only absolute URLs are the commit links.
        for forbidden in ["<link", "src=\"http", "@import", "url(", "@font-face"] { #expect(!page.contains(forbidden), "\(forbidden)") }
        let urls = page.components(separatedBy: "https://").dropFirst().map { String($0.prefix(while: { $0 != "\"" })) }
        #expect(!urls.isEmpty)
        for url in urls { #expect(url.hasPrefix("github.com/example/project/commit/"), "\(url)") }
        #expect(
            page.contains(
                "https://github.com/example/project/commit/\(try repo.git("rev-parse", "HEAD~1").stdout.trimmingCharacters(in: .whitespacesAndNewlines))"))

        // The optimizations, their verdicts and sections.
        #expect(page.contains("href=\"#opt-1\">parse without the regex</a>"))
        #expect(page.contains("id=\"opt-2\""))
        // The unmeasured optimization is listed, with no section: nothing was measured to show.
        #expect(!page.contains("id=\"opt-3\""))
        #expect(page.contains("<span class=\"badge v-improved\">improved</span>"))
        #expect(page.contains("<span class=\"badge v-regressed\">regressed</span>"))
        #expect(page.contains("<span class=\"badge v-unmeasured\">no run yet</span>"))
        #expect(page.contains("id=\"checklist\"") && page.contains("A baseline saved before any change"))
        #expect(page.contains("id=\"machines\""))

        // Read-only: the configured API command did not run, and the work tree is as it was.
        #expect(!FileManager.default.fileExists(atPath: repo.sibling("api-command-ran")))
        #expect(try repo.git("status", "--porcelain").stdout.isEmpty)
    }

    @Test func rangeLimitsTheCommits() throws {
        let repo = try Self.history()
        let out = repo.sibling("range")
        let result = try repo.perfjournal("report", "--html", out, "--range", "HEAD~3..HEAD")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("2 measured commits, 2 optimizations"), "\(result.stderr)")
        let bad = try repo.perfjournal("report", "--html", out, "--range", "HEAD")
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("A..B"))
    }

    @Test func noBaselineStillWritesAPage() throws {
        let repo = try TestRepository()
        try repo.write("a.txt", "a\n")
        try repo.commit("Initial version")
        let initialised = try repo.perfjournal(
            "init", "--no-hooks", "--bench", "true", "--results", "out.json", "--format", "pytest-benchmark", "--test", "true")
        try #require(initialised.status == 0, "\(initialised.stderr)")
        let out = repo.sibling("empty")
        let result = try repo.perfjournal("report", "--html", out)
        #expect(result.status == 0, "\(result.stderr)")
        let page = try String(contentsOfFile: out + "/index.html", encoding: .utf8)
        #expect(page.contains("No baseline run"))
    }

    // MARK: In a real browser

    static let requireBrowser = ProcessInfo.processInfo.environment["PERFJOURNAL_REQUIRE_BROWSER"] == "1"
    static let chromium: String? = ["chromium", "chromium-browser"].lazy.compactMap { name -> String? in
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }.first

    @Test(.enabled(if: chromium != nil || requireBrowser, "chromium is not installed: `make browser-deps` installs it (make test does)"))
    func rendersInHeadlessChromium() throws {
        let browser = try #require(Self.chromium, "chromium not found; make browser-deps installs it")
        let repo = try Self.history()
        let out = repo.sibling("site")
        #expect(try repo.perfjournal("report", "--html", out).status == 0)
        let url = URL(fileURLWithPath: out + "/index.html").absoluteString
        func chromium(_ arguments: [String]) throws -> TestRepository.Result {
            let profile = repo.sibling("chromium-profile")
            let common = [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage", "--user-data-dir=\(profile)",
                "--enable-logging=stderr", "--v=0",
            ]
            return try repo.run("/usr/bin/timeout", ["120", browser] + common + arguments + [url], in: repo.root, check: false)
        }
        let dump = try chromium(["--dump-dom"])
        #expect(dump.status == 0, "\(dump.stderr)")
        let dom = dump.stdout
        // The script ran to its end without an error, and saw every chart.
        #expect(dom.contains("data-ok=\"1\""), "\(dump.stderr.suffix(2000))")
        #expect(!dom.contains("data-error=\""))
        #expect(dom.contains("data-charts=\"4\""))
        #expect(!dump.stderr.contains("Uncaught"), "\(dump.stderr)")
        #expect(dom.components(separatedBy: "<figure class=\"bench").count - 1 == Self.names.count)
        for name in Self.names {
            let escaped = name.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;")
            #expect(dom.contains("<h3 class=\"bench-name\">\(escaped)</h3>"), "\(name)")
        }

        // A screenshot, kept as an artifact (under the test's directory and in .build/test-artifacts/).
        let shot = repo.sibling("report.png")
        let screenshot = try chromium(["--screenshot=\(shot)", "--window-size=1100,2200", "--hide-scrollbars"])
        #expect(screenshot.status == 0, "\(screenshot.stderr)")
        let png = try #require(FileManager.default.contents(atPath: shot))
        #expect(png.count > 10_000)
        #expect(png.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
        let artifacts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/test-artifacts")
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: artifacts.appendingPathComponent("report.png"))
        try png.write(to: artifacts.appendingPathComponent("report.png"))
    }
}
